"""Services for people sheltering outside shelters (避難所外避難) and pickup requests.

A pickup's state machine is written once, here: each transition is one conditional
UPDATE (``… WHERE status IN (allowed)``), so two volunteers pressing "claim" at the
same moment cannot both win, and a retried request cannot apply a step twice. Every
transition the resident should hear about is queued in the same transaction through
the outbox, keyed by the transition's event, so it is sent exactly once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area
from areas.selectors import area_for_point
from evacuation import budgets, endings
from evacuation.models import OffShelterReport, PickupEvent, PickupRequest, urgency_of
from evacuation.notices import RESIDENT_MESSAGES, tell_resident
from evacuation.selectors import handover_candidates, pickups_visible_to
from lib.claims import claim_deadline, claimable, held_by
from lib.roles import is_city_staff
from messaging.services import outbox_enqueue_text
from residents.models import Account, Resident
from residents.selectors import line_user_ids_of
from shelters.models import Method, Shelter
from shelters.services import CheckInResult, stay_check_in, stay_transfer

Status = PickupRequest.Status
Kind = PickupEvent.Kind

# --- Off-shelter reports ---------------------------------------------------------------------

REPORT_FIELDS = {
    "place",
    "place_note",
    "latitude",
    "longitude",
    "accuracy_m",
    "location_source",
    "address_text",
    "others_count",
    "needs",
    "needs_other",
    "care",
    "note",
}


def report_open(*, account: Account) -> OffShelterReport | None:
    """The account's report in progress (draft or active), if any."""
    return OffShelterReport.objects.filter(
        account=account, status__in=[OffShelterReport.Status.DRAFT, OffShelterReport.Status.ACTIVE]
    ).first()


def report_start(
    *,
    account: Account,
    reported_by: AbstractBaseUser | None = None,
    ip_address: str | None = None,
) -> OffShelterReport:
    """The report to fill in: the one in progress, or a new draft (a double tap or two
    tabs find the same one — the database allows one per account). A new draft spends
    the identity's budget (and its address's, for a browser identity)."""
    existing = report_open(account=account)
    if existing is not None:
        return existing
    if reported_by is None:
        budgets.may_start(budgets.new_report(account, ip_address), account)
    try:
        with transaction.atomic():
            return OffShelterReport.objects.create(account=account, reported_by=reported_by)
    except IntegrityError:
        return report_open(account=account)


@transaction.atomic
def report_update(
    *,
    report: OffShelterReport,
    people: list[Resident] | None = None,
    **changes,
) -> OffShelterReport:
    """Save one step of the report (or an edit later). Validation of each value is the
    form's job; the model validators are the last line."""
    unknown = set(changes) - REPORT_FIELDS
    if unknown:
        raise ValueError(f"not a report field: {', '.join(sorted(unknown))}")
    report = OffShelterReport.objects.select_for_update().get(pk=report.pk)
    if report.status == OffShelterReport.Status.ENDED:
        raise ReportEnded
    for name, value in changes.items():
        setattr(report, name, value.strip() if isinstance(value, str) else value)
    if "latitude" in changes or "longitude" in changes:
        report.area = (
            area_for_point(report.latitude, report.longitude)
            if report.latitude is not None and report.longitude is not None
            else None
        )
        if report.area is None:
            report.area = _home_area(report)
    if people is not None:
        report.people.set(people)
        report.verified = any(person.registry_person_id for person in people)
        if report.area is None:
            report.area = _home_area(report)
    report.urgency = urgency_of(report.needs, report.care)
    report.full_clean(exclude=["account", "reported_by", "area"])
    report.save()
    PickupRequest.objects.filter(report=report, status__in=PickupRequest.OPEN).update(
        latitude=report.latitude, longitude=report.longitude, area=report.area
    )
    return report


def _home_area(report: OffShelterReport) -> Area | None:
    """No area from the point: the area of someone in the report, so a volunteer of
    their own 町会 still sees them."""
    resident = report.people.exclude(area=None).first() if report.pk else None
    return resident.area if resident else None


class ReportEnded(Exception):
    """The report was ended (a check-in, or by the resident); start a new one."""


class ReportIncomplete(Exception):
    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def report_missing(report: OffShelterReport) -> list[str]:
    """What a report still needs before it can be sent."""
    missing = []
    if not report.place:
        missing.append("place")
    if report.latitude is None and not report.address_text:
        missing.append("location")
    if not report.people.exists() and not report.others_count:
        missing.append("people")
    return missing


@transaction.atomic
def report_submit(*, report: OffShelterReport) -> OffShelterReport:
    """Send the draft: from now on volunteers see it. Sending twice is harmless."""
    report = OffShelterReport.objects.select_for_update().get(pk=report.pk)
    if report.status == OffShelterReport.Status.ACTIVE:
        return report
    if report.status == OffShelterReport.Status.ENDED:
        raise ReportEnded
    missing = report_missing(report)
    if missing:
        raise ReportIncomplete(missing)
    report.status = OffShelterReport.Status.ACTIVE
    report.save(update_fields=["status", "updated_at"])
    outbox_enqueue_text(
        user_ids=line_user_ids_of([report.account]),
        text=lambda: _(
            "避難状況を受け付けました。近くの支援者と市が確認します。"
            "状況が変わったら「わたしの避難状況」から更新してください。"
        ),
        purpose="report_received",
        dedupe_key=f"report-received:{report.pk}",
    )
    return report


@transaction.atomic
def report_end(*, report: OffShelterReport, reason: str) -> OffShelterReport:
    """The resident ends the report (reached a shelter, back home safely). Idempotent.
    A pickup still in progress is cancelled with it."""
    if reason not in OffShelterReport.EndReason.values:
        raise ValueError(f"unknown end reason: {reason!r}")
    report = OffShelterReport.objects.select_for_update().get(pk=report.pk)
    if report.status == OffShelterReport.Status.ENDED:
        return report
    report.status = OffShelterReport.Status.ENDED
    report.end_reason = reason
    report.ended_at = timezone.now()
    report.save(update_fields=["status", "end_reason", "ended_at", "updated_at"])
    for pickup in report.pickups.filter(status__in=[Status.REQUESTED, Status.CLAIMED]):
        pickup_cancel(pickup=pickup, by_account=report.account)
    endings.report_ended(report)
    return report


# --- Pickup requests ---------------------------------------------------------------------------


AccountSuspended = budgets.AccountSuspended


class DestinationClosed(Exception):
    """Pickups go to an open shelter."""


class PickupError(Exception):
    """A step that does not apply now; ``pickup`` is the request as it stands."""

    def __init__(self, pickup: PickupRequest, reason: str) -> None:
        super().__init__(reason)
        self.pickup = pickup
        self.reason = reason


class NotAllowed(Exception):
    """This user may not act on this pickup (outside their areas, or not theirs)."""


def can_act_on(user: AbstractBaseUser, pickup: PickupRequest) -> bool:
    """Staff anywhere; a volunteer in their own areas."""
    return pickups_visible_to(user).filter(pk=pickup.pk).exists()


def _claim_deadline(now: datetime.datetime) -> datetime.datetime:
    return claim_deadline(now, settings.PICKUP_CLAIM_MINUTES)


def _record(pickup: PickupRequest, kind: str, **fields) -> PickupEvent:
    return PickupEvent.objects.create(pickup=pickup, kind=kind, **fields)


def _transition(
    pickup: PickupRequest,
    *,
    allowed: Q,
    kind: str,
    changes: dict,
    by_user: AbstractBaseUser | None = None,
    by_account: Account | None = None,
    to_user: AbstractBaseUser | None = None,
    note: str = "",
) -> PickupRequest:
    """Apply one step if the row is (still) in an allowed state: one UPDATE decides."""
    updated = PickupRequest.objects.filter(allowed, pk=pickup.pk).update(
        **changes, updated_at=timezone.now()
    )
    current = PickupRequest.objects.select_related("report__account", "destination").get(
        pk=pickup.pk
    )
    if not updated:
        raise PickupError(current, "state")
    event = _record(
        current, kind, by_user=by_user, by_account=by_account, to_user=to_user, note=note[:500]
    )
    if kind in RESIDENT_MESSAGES:
        tell_resident(current, event)
    return current


@transaction.atomic
def pickup_request(
    *,
    report: OffShelterReport,
    people_count: int,
    mobility: str,
    urgency: str,
    destination,
    note: str = "",
    by_account: Account | None = None,
    by_user: AbstractBaseUser | None = None,
    ip_address: str | None = None,
) -> PickupRequest:
    """Ask for a pickup from an active report. A second submit returns the first; a new
    one spends the identity's budget (and its address's, for a browser identity)."""
    report = OffShelterReport.objects.select_for_update().get(pk=report.pk)
    existing = report.pickups.filter(status__in=PickupRequest.OPEN).first()
    if existing is not None:
        return existing
    if by_user is None:
        budgets.may_start(budgets.new_pickup(report.account, ip_address), report.account)
    if report.status != OffShelterReport.Status.ACTIVE:
        raise ReportEnded
    if destination.status == Shelter.Status.CLOSED:
        raise DestinationClosed
    try:
        with transaction.atomic():
            pickup = PickupRequest(
                report=report,
                people_count=people_count,
                mobility=mobility,
                urgency=urgency,
                destination=destination,
                note=note.strip(),
                latitude=report.latitude,
                longitude=report.longitude,
                area=report.area,
            )
            pickup.full_clean(exclude=["report", "destination", "area"])
            pickup.save()
    except IntegrityError:
        return report.pickups.get(status__in=PickupRequest.OPEN)
    if "transport" not in report.needs:
        report.needs = [*report.needs, "transport"]
        report.urgency = urgency_of(report.needs, report.care)
        report.save(update_fields=["needs", "urgency", "updated_at"])
    event = _record(pickup, Kind.REQUESTED, by_account=by_account, by_user=by_user)
    tell_resident(pickup, event)
    return pickup


@dataclass(frozen=True)
class ClaimOutcome:
    won: bool
    pickup: PickupRequest  # as it stands; when lost, ``claimed_by`` says who has it


@transaction.atomic
def pickup_claim(*, pickup: PickupRequest, user: AbstractBaseUser, now=None) -> ClaimOutcome:
    """Take a pickup on. Exactly one of two volunteers claiming at once wins; a claim
    whose time ran out can be taken by anyone. Claiming your own claim again renews it."""
    if not can_act_on(user, pickup):
        raise NotAllowed
    now = now or timezone.now()
    free = claimable(free=[Status.REQUESTED], claimed=Status.CLAIMED, now=now)
    mine = Q(status=Status.CLAIMED, claimed_by=user)
    try:
        current = _transition(
            pickup,
            allowed=free | mine,
            kind=Kind.CLAIMED,
            changes={
                "status": Status.CLAIMED,
                "claimed_by": user,
                "claimed_at": now,
                "claim_expires_at": _claim_deadline(now),
            },
            by_user=user,
        )
    except PickupError as lost:
        return ClaimOutcome(False, lost.pickup)
    return ClaimOutcome(True, current)


@transaction.atomic
def pickup_release(*, pickup: PickupRequest, user: AbstractBaseUser) -> PickupRequest:
    """Give a claim back (someone else can take it)."""
    if not can_act_on(user, pickup):
        raise NotAllowed
    return _transition(
        pickup,
        allowed=held_by(user, status=Status.CLAIMED),
        kind=Kind.RELEASED,
        changes={
            "status": Status.REQUESTED,
            "claimed_by": None,
            "claimed_at": None,
            "claim_expires_at": None,
        },
        by_user=user,
    )


@transaction.atomic
def pickup_hand_over(
    *, pickup: PickupRequest, user: AbstractBaseUser, to_user: AbstractBaseUser, now=None
) -> PickupRequest:
    """Pass a claim to another active volunteer who covers the area (a fresh time limit)."""
    if not can_act_on(user, pickup):
        raise NotAllowed
    if not handover_candidates(pickup, user).filter(pk=to_user.pk).exists():
        raise NotAllowed
    now = now or timezone.now()
    current = _transition(
        pickup,
        allowed=held_by(user, status=Status.CLAIMED),
        kind=Kind.HANDED_OVER,
        changes={
            "claimed_by": to_user,
            "claimed_at": now,
            "claim_expires_at": _claim_deadline(now),
        },
        by_user=user,
        to_user=to_user,
    )
    return current


@transaction.atomic
def pickup_picked_up(*, pickup: PickupRequest, user: AbstractBaseUser) -> PickupRequest:
    if not can_act_on(user, pickup):
        raise NotAllowed
    return _transition(
        pickup,
        allowed=held_by(user, status=Status.CLAIMED),
        kind=Kind.PICKED_UP,
        changes={"status": Status.PICKED_UP, "claim_expires_at": None},
        by_user=user,
    )


@transaction.atomic
def pickup_arrived(*, pickup: PickupRequest, user: AbstractBaseUser) -> PickupRequest:
    """At the shelter: everyone registered in the report is checked in there (which
    ends their out-of-shelter report); the others come as companions."""
    if not can_act_on(user, pickup):
        raise NotAllowed
    current = _transition(
        pickup,
        allowed=held_by(user, status=Status.PICKED_UP),
        kind=Kind.ARRIVED,
        changes={"status": Status.ARRIVED},
        by_user=user,
    )
    people = list(current.report.people.all())
    companions = max(0, current.people_count - len(people))
    for index, resident in enumerate(people):
        outcome = stay_check_in(
            resident=resident,
            shelter=current.destination,
            method=Method.PICKUP_ARRIVAL,
            by_user=user,
            companions=companions if index == 0 else 0,
        )
        if outcome.result == CheckInResult.ELSEWHERE:
            # Recorded at another shelter earlier, but here now: the roster follows.
            stay_transfer(
                resident=resident,
                to_shelter=current.destination,
                method=Method.PICKUP_ARRIVAL,
                by_user=user,
            )
    # Whoever else was in the report came along too.
    report_end(report=current.report, reason=OffShelterReport.EndReason.REACHED_SHELTER)
    return current


@transaction.atomic
def pickup_cancel(
    *,
    pickup: PickupRequest,
    by_account: Account | None = None,
    by_user: AbstractBaseUser | None = None,
) -> PickupRequest:
    """The resident (the report's account) or staff call it off before the pickup.
    Idempotent."""
    if by_account is not None and pickup.report.account_id != by_account.pk:
        raise NotAllowed
    if by_user is not None and not is_city_staff(by_user):
        raise NotAllowed
    if pickup.status == Status.CANCELLED:
        return pickup
    return _transition(
        pickup,
        allowed=Q(status__in=[Status.REQUESTED, Status.CLAIMED]),
        kind=Kind.CANCELLED,
        changes={"status": Status.CANCELLED, "claim_expires_at": None},
        by_account=by_account,
        by_user=by_user,
    )


@transaction.atomic
def pickup_unable(*, pickup: PickupRequest, user: AbstractBaseUser, reason: str) -> PickupRequest:
    """The volunteer could not do it (road closed, nobody answered …); the reason is kept
    and told to the resident, and staff follow up."""
    if not can_act_on(user, pickup):
        raise NotAllowed
    reason = reason.strip()[:200]
    if not reason:
        raise ValueError("a reason is needed")
    return _transition(
        pickup,
        allowed=held_by(user, status=Status.CLAIMED) | held_by(user, status=Status.PICKED_UP),
        kind=Kind.UNABLE,
        changes={"status": Status.UNABLE, "unable_reason": reason, "claim_expires_at": None},
        by_user=user,
        note=reason,
    )


@transaction.atomic
def pickup_add_note(*, pickup: PickupRequest, user: AbstractBaseUser, note: str) -> PickupEvent:
    if not can_act_on(user, pickup):
        raise NotAllowed
    note = note.strip()
    if not note:
        raise ValueError("an empty note")
    PickupRequest.objects.filter(pk=pickup.pk).update(updated_at=timezone.now())
    return _record(pickup, Kind.NOTE, by_user=user, note=note[:500])


def pickup_expire_claims(*, now=None) -> int:
    """Claims nobody acted on in time go back to "requested" (beat, every minute)."""
    now = now or timezone.now()
    expired = 0
    for pk in PickupRequest.objects.filter(
        status=Status.CLAIMED, claim_expires_at__lt=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            updated = PickupRequest.objects.filter(
                pk=pk, status=Status.CLAIMED, claim_expires_at__lt=now
            ).update(
                status=Status.REQUESTED,
                claimed_by=None,
                claimed_at=None,
                claim_expires_at=None,
                updated_at=now,
            )
            if updated:
                PickupEvent.objects.create(pickup_id=pk, kind=Kind.EXPIRED)
                expired += 1
    return expired
