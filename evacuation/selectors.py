"""Reads for out-of-shelter reports and pickups: who may see which, and the map layers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from areas.selectors import areas_visible_to
from evacuation.models import Mobility, Need, OffShelterReport, PickupRequest
from lib.queries import json_list_holds
from lib.roles import Role, has_role, is_city_staff
from residents.models import ResidentLink
from shelters.care_notes import CareNote

Report = OffShelterReport


def is_field_volunteer(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff, or an active volunteer: who works with evacuees and pickups. Shelter
    reception has another task (one shelter's door) and sees none of it."""
    return is_city_staff(user) or has_role(user, Role.VOLUNTEER)


def reports_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[OffShelterReport]:
    """Active reports a user may see: staff the whole city, a volunteer their areas."""
    reports = OffShelterReport.objects.filter(status=OffShelterReport.Status.ACTIVE)
    if is_city_staff(user):
        return reports
    if not is_field_volunteer(user):
        return reports.none()
    return reports.filter(area__in=areas_visible_to(user))


def pickups_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[PickupRequest]:
    pickups = PickupRequest.objects.all()
    if is_city_staff(user):
        return pickups
    if not is_field_volunteer(user):
        return pickups.none()
    return pickups.filter(area__in=areas_visible_to(user))


def handover_candidates(pickup: PickupRequest, user: AbstractBaseUser) -> QuerySet:
    """Who a claim can be passed to: active volunteers covering the pickup's area, other
    than the one asking and the one holding it."""

    if pickup.area_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=Role.VOLUNTEER, responder_profile__areas=pickup.area_id
        )
        .exclude(pk=user.pk)
        .exclude(pk=pickup.claimed_by_id or 0)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class LayerFilters:
    area: int | None = None
    need: str | None = None
    care: str | None = None
    status: str | None = None  # pickups
    updated_since: datetime | None = None


def filter_layer(queryset: QuerySet, filters: LayerFilters, *, report_prefix: str = "") -> QuerySet:
    """Apply the dashboard's filters (the map layers and the list share them)."""
    if filters.area:
        queryset = queryset.filter(area_id=filters.area)
    if filters.need:
        queryset = queryset.filter(json_list_holds(f"{report_prefix}needs", filters.need))
    if filters.care:
        queryset = queryset.filter(json_list_holds(f"{report_prefix}care", filters.care))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.updated_since:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    return queryset


# --- What a household told, for the shelter it arrives at (shelters.care_notes) ------

# The needs a shelter's reception should know of at the door (the others — water,
# food, a pickup, information — are met by arriving).
NEEDS_AT_THE_DOOR = (Need.MEDICAL, Need.NURSING, Need.MEDICINE)


def care_note_labels() -> dict[str, str]:
    """The codes care_told adds beyond the care considerations, labelled."""
    labels = {code: str(label) for code, label in Need.choices if code in NEEDS_AT_THE_DOOR}
    labels.update({code: str(label) for code, label in Mobility.choices})
    return labels


def care_told(people: Mapping[int, datetime]) -> dict[int, CareNote]:
    """What each person's household told on the way to a shelter: the care, the needs a
    shelter must know of and the note of the out-of-shelter report that was open when
    they arrived (``people``: resident id → that moment), with its pickup's mobility
    (車いす …) and note. Several queries for the whole batch, whatever its size.

    The report is the one the person was in, else one made by an account they are
    linked to (their own, or family's): a check-in takes the person out of the report's
    people, and the household's report is still what reception needs to know."""
    if not people:
        return {}
    ids = list(people)
    accounts_of: dict[int, set[int]] = defaultdict(set)
    for resident_id, account_id in ResidentLink.objects.filter(resident_id__in=ids).values_list(
        "resident_id", "account_id"
    ):
        accounts_of[resident_id].add(account_id)
    accounts = {account for linked in accounts_of.values() for account in linked}
    through = Report.people.through.objects
    # Open at some moment that counts: still active, or ended by reaching a shelter then
    # or after (a pickup's arrival ends it in the check-in's own transaction).
    reports = list(
        Report.objects.filter(
            Q(status=Report.Status.ACTIVE)
            | Q(
                status=Report.Status.ENDED,
                end_reason=Report.EndReason.REACHED_SHELTER,
                ended_at__gte=min(people.values()),
            ),
            Q(account_id__in=accounts)
            | Q(pk__in=through.filter(resident_id__in=ids).values("offshelterreport_id")),
            created_at__lte=max(people.values()),
        ).only("pk", "account_id", "status", "created_at", "ended_at", "care", "needs", "note")
    )
    if not reports:
        return {}
    by_pk = {report.pk: report for report in reports}
    members: dict[int, set[int]] = defaultdict(set)
    for report_id, resident_id in through.filter(
        offshelterreport_id__in=by_pk, resident_id__in=ids
    ).values_list("offshelterreport_id", "resident_id"):
        members[report_id].add(resident_id)
    pickups: dict[int, PickupRequest] = {}
    for pickup in (
        PickupRequest.objects.filter(report_id__in=by_pk)
        .exclude(status__in=[PickupRequest.Status.CANCELLED, PickupRequest.Status.UNABLE])
        .only("pk", "report_id", "mobility", "note", "created_at")
        .order_by("report_id", "-created_at", "-pk")
    ):
        pickups.setdefault(pickup.report_id, pickup)

    # Each person's possible reports by lookup, not by a scan of every report: the board
    # asks for everyone present in the city at once.
    by_account: dict[int, list[OffShelterReport]] = defaultdict(list)
    for report in reports:
        by_account[report.account_id].append(report)
    by_member: dict[int, list[OffShelterReport]] = defaultdict(list)
    for report_id, resident_ids in members.items():
        for member in resident_ids:
            by_member[member].append(by_pk[report_id])

    told: dict[int, CareNote] = {}
    for resident_id, at in people.items():
        theirs = {report.pk: report for report in by_member[resident_id]}
        for account_id in accounts_of[resident_id]:
            theirs.update((report.pk, report) for report in by_account[account_id])
        candidates = [
            report
            for report in theirs.values()
            if report.created_at <= at
            and (report.status == Report.Status.ACTIVE or report.ended_at >= at)
        ]
        if not candidates:
            continue
        # The report the person is in first, then the latest.
        report = max(candidates, key=lambda r: (resident_id in members[r.pk], r.created_at, r.pk))
        note = _care_note(report, pickups.get(report.pk))
        if note:
            told[resident_id] = note
    return told


def _care_note(report: OffShelterReport, pickup: PickupRequest | None) -> CareNote:
    codes = [*report.care, *(code for code in report.needs if code in NEEDS_AT_THE_DOOR)]
    notes = []
    if report.note:
        notes.append((_("本人からのメモ"), report.note))
    if pickup is not None:
        codes.append(pickup.mobility)
        if pickup.note:
            notes.append((_("依頼のメモ"), pickup.note))
    return CareNote(codes=tuple(dict.fromkeys(codes)), notes=tuple(notes))


# --- Where the people of a household are, as evacuation knows it (/my/) -------------------


@dataclass(frozen=True)
class ReportedPerson:
    """Someone in an active out-of-shelter report, with its open pickup if any."""

    report: OffShelterReport
    pickup: PickupRequest | None


def reported_people(resident_ids: Collection[int]) -> dict[int, ReportedPerson]:
    """Of these people, those in an active report (whoever made it), by resident id."""
    rows = list(
        Report.people.through.objects.filter(
            resident_id__in=list(resident_ids),
            offshelterreport__status=Report.Status.ACTIVE,
        ).values_list("resident_id", "offshelterreport_id")
    )
    if not rows:
        return {}
    reports = Report.objects.in_bulk({report_id for _, report_id in rows})
    pickups = {
        pickup.report_id: pickup
        for pickup in PickupRequest.objects.filter(
            report_id__in=reports, status__in=PickupRequest.OPEN
        ).select_related("destination")
    }
    return {
        resident_id: ReportedPerson(report=reports[report_id], pickup=pickups.get(report_id))
        for resident_id, report_id in rows
        if report_id in reports
    }
