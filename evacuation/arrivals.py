"""Arrivals at a shelter end out-of-shelter reports (registered with shelters.arrivals
in EvacuationConfig.ready())."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from evacuation.models import OffShelterReport
from evacuation.services import report_end
from residents.models import Resident
from shelters.models import PresenceEvent


def report_person_arrived(*, resident: Resident, arrived_at: datetime.datetime) -> None:
    """A check-in at a shelter ends the out-of-shelter report for that person; a report
    with nobody left in it ends. Run for every arrival (reports_left_on_arrival, a
    moment later: a report made after the arrival is left alone)."""
    reports = OffShelterReport.objects.filter(
        people=resident, status=OffShelterReport.Status.ACTIVE, created_at__lte=arrived_at
    ).select_for_update()
    for report in reports:
        report.people.remove(resident)
        if not report.people.exists() and not report.others_count:
            report_end(report=report, reason=OffShelterReport.EndReason.REACHED_SHELTER)
        else:
            report.save(update_fields=["updated_at"])


def reports_left_on_arrival(events: Sequence[PresenceEvent]) -> Callable[[PresenceEvent], None]:
    """The follow-up of arrivals at shelters (registered with shelters.arrivals): who
    arrives leaves their active out-of-shelter reports. Reads the batch's reports once."""
    in_reports = set(
        OffShelterReport.people.through.objects.filter(
            resident_id__in={event.resident_id for event in events},
            offshelterreport__status=OffShelterReport.Status.ACTIVE,
        ).values_list("resident_id", flat=True)
    )

    def leave_report(event: PresenceEvent) -> None:
        if event.resident_id in in_reports:
            report_person_arrived(resident=event.resident, arrived_at=event.created_at)

    return leave_report
