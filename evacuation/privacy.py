"""What happens to out-of-shelter reports when the person who made them withdraws
(退会, residents.withdrawal): the reports stay, for the city's counts and the pickups
volunteers made, but about nobody."""

from __future__ import annotations

from evacuation.models import OffShelterReport, PickupRequest
from evacuation.services import report_end
from residents.models import Account, Resident


def reports_of_withdrawn(account: Account | None, forgotten: list[Resident]) -> None:
    """The account's open reports end (a pickup not yet under way is called off; one
    with the person in the car goes on to the shelter), and what the person wrote or
    told goes: free text, address, the exact place, care considerations."""
    if account is None:
        return
    reports = OffShelterReport.objects.filter(account=account)
    for report in reports.exclude(status=OffShelterReport.Status.ENDED):
        report_end(report=report, reason=OffShelterReport.EndReason.WITHDRAWN)
    reports.update(
        place_note="",
        address_text="",
        note="",
        needs_other="",
        care=[],
        latitude=None,
        longitude=None,
        accuracy_m=None,
    )
    PickupRequest.objects.filter(report__account=account).update(note="")
