"""What evacuation adds to the resident's page (/my/, residents.hub): the report card
(to start one, to continue a draft, or to see the one sent and its pickup), and where
the reported people are (outside a shelter, waiting for a pickup, on the way in one)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from evacuation.models import OffShelterReport, PickupRequest
from evacuation.selectors import ReportedPerson, reported_people
from evacuation.services import report_open
from residents.hub import IN_TRANSPORT, OUTSIDE, Section, Whereabouts
from residents.models import Account, Resident, ResidentLink
from residents.selectors import linked_residents
from shelters.selectors import open_stays_of

# Against a shelter's 20 (residents.hub): a stay wins over an older report, and being
# on the way in a pickup wins over a stay left open elsewhere.
OUTSIDE_RANK = 10
TRANSPORT_RANK = 30


def section(account: Account) -> Section:
    """Tell the city where I am when not at a shelter, or see what I told it. Once the
    account holder has arrived at a shelter, reporting is offered, not led with."""
    report = report_open(account=account)
    pickup = None
    if report is not None and report.status == OffShelterReport.Status.ACTIVE:
        pickup = (
            report.pickups.filter(status__in=PickupRequest.OPEN)
            .select_related("destination")
            .first()
        )
    return Section(
        "evacuation/home_section.html",
        {
            "report": report,
            "pickup": pickup,
            "arrived": report is None and _arrived(account),
        },
    )


def _arrived(account: Account) -> bool:
    """The account holder (without one: everyone registered) is at a shelter."""
    links = list(linked_residents(account))
    own = [link.resident for link in links if link.relation == ResidentLink.Relation.SELF]
    people = own or [link.resident for link in links]
    return bool(people) and open_stays_of(people).count() == len(people)


def whereabouts(account: Account, residents: Sequence[Resident]) -> dict[int, Whereabouts]:
    return {
        resident_id: _whereabouts(reported)
        for resident_id, reported in reported_people([r.pk for r in residents]).items()
    }


def _whereabouts(reported: ReportedPerson) -> Whereabouts:
    report, pickup = reported.report, reported.pickup
    if pickup is not None and pickup.status == PickupRequest.Status.PICKED_UP:
        return Whereabouts(
            kind=IN_TRANSPORT,
            text=_("送迎で避難所「%(shelter)s」へ向かっています。")
            % {"shelter": pickup.destination.name},
            rank=TRANSPORT_RANK,
        )
    place = report.place_note or report.get_place_display()
    if pickup is not None:
        return Whereabouts(
            kind=OUTSIDE,
            text=_("避難所以外（%(place)s）で、迎えを待っています（行き先：%(shelter)s）。")
            % {"place": place, "shelter": pickup.destination.name},
            rank=OUTSIDE_RANK,
        )
    return Whereabouts(
        kind=OUTSIDE,
        text=_("避難所以外（%(place)s）にいると、お知らせしています。") % {"place": place},
        rank=OUTSIDE_RANK,
    )
