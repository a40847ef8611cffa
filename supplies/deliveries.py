"""A delivery's state machine, written once: every step is one conditional UPDATE
(``… WHERE status IN (allowed)``), so two volunteers marking the same delivery, a
double postback, or a confirmation racing a dispute end in exactly one outcome, and a
repeat of a step that already happened changes nothing.

    pending ──take──▶ out ──delivered──▶ delivered ──household──▶ confirmed
       ▲  ▲            │ │                   │       ╲──────────▶ disputed ──▶ resolved
       │  └──release───┘ ├─not home─▶ not_home   (no answer: reminded once ▶ unconfirmed,
       │                 └─refused──▶ refused     which can still be confirmed or disputed)
       └─ a lapsed hold is free again; closing the round calls off pending/out/not_home

Claims lapse like pickup claims (lib.claims). A volunteer may also mark a pending or
not-home delivery without taking it first (the printed sheet's QR, a neighbour met on
the way); a delivery someone else holds is theirs until the hold lapses.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from functools import wraps
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from evacuation.models import OffShelterReport
from lib.claims import claim_deadline, claimable, held_by, is_claimable, is_held_by
from lib.geo import walking_order
from lib.roles import Role
from residents.models import Account
from supplies import receipts
from supplies.ledger import stock_issue, stock_release
from supplies.models import Delivery, DeliveryBatch, DeliveryEvent, DistributionRound
from supplies.selectors import deliveries_visible_to, household_deliveries, nearest_first

T = TypeVar("T")
Status = Delivery.Status
Kind = DeliveryEvent.Kind
# At most this many deliveries in one batch (one walk, one printed page or two).
BATCH_MAX = 30


class DeliveryError(Exception):
    """A step that does not apply now; ``delivery`` is the row as it stands."""

    def __init__(self, delivery: Delivery, reason: str = "state") -> None:
        super().__init__(reason)
        self.delivery = delivery
        self.reason = reason


class NotAllowed(Exception):
    """This user may not act on this delivery (outside their areas); audited."""


class NothingToTake(Exception):
    """No delivery near enough is free to take."""


class NothingToHandOver(Exception):
    """Nothing in the batch is still out with this user."""


FREE = (Status.PENDING, Status.NOT_HOME)


def _free(now: datetime.datetime) -> Q:
    return claimable(free=FREE, claimed=Status.OUT, now=now)


def _holder_or_free(user: AbstractBaseUser, now: datetime.datetime) -> Q:
    """A door step (delivered, not home, refused) is for the holder, or for anyone when
    nobody holds the delivery."""
    return held_by(user, status=Status.OUT) | _free(now)


def delivery_actions(
    delivery: Delivery, user: AbstractBaseUser, now: datetime.datetime
) -> list[str]:
    """The steps this user may take now (the buttons a page shows), by the same rules
    as the steps below: a free delivery (pending, not home, or held past its time) may
    be taken or marked at the door by anyone who sees it; one out belongs to its holder
    (city staff may act on anyone's); a dispute is resolved by anyone who sees it. The
    step decides again when pressed (a button shown a moment too long answers 409). The
    caller has made sure the user sees the delivery (deliveries_visible_to)."""
    free = is_claimable(delivery, free=FREE, claimed=Status.OUT, now=now)
    held = is_held_by(delivery, user, status=Status.OUT)
    actions = []
    if free and delivery.round.status == DistributionRound.Status.OPEN:
        actions.append("take")
    if free or held:
        actions += ["deliver", "not_home", "refuse"]
    if held:
        actions.append("release")
    if delivery.status == Status.DISPUTED:
        actions.append("resolve")
    return actions


def _record(delivery_id: int, kind: str, **fields) -> DeliveryEvent:
    note = fields.pop("note", "")
    return DeliveryEvent.objects.create(
        delivery_id=delivery_id, delivery_ref=delivery_id, kind=kind, note=note[:500], **fields
    )


def _transition(
    delivery: Delivery,
    *,
    allowed: Q,
    kind: str,
    changes: dict,
    by_user: AbstractBaseUser | None = None,
    by_account: Account | None = None,
    to_user: AbstractBaseUser | None = None,
    note: str = "",
    via: str = "",
) -> Delivery:
    """Apply one step if the row is (still) in an allowed state: one UPDATE decides."""
    updated = Delivery.objects.filter(allowed, pk=delivery.pk).update(
        **changes, updated_at=timezone.now()
    )
    current = Delivery.objects.select_related("round__depot").get(pk=delivery.pk)
    if not updated:
        raise DeliveryError(current)
    _record(
        current.pk,
        kind,
        by_user=by_user,
        by_account=by_account,
        to_user=to_user,
        note=note,
        via=via,
    )
    return current


def delivery_access_denied(
    *,
    delivery_id: int,
    by_user: AbstractBaseUser | None = None,
    by_account: Account | None = None,
    via: str,
) -> None:
    """Audit an attempt on someone else's delivery (another household's postback, a
    volunteer outside the area, a guessed id). Written outside the caller's transaction
    so a refusal that rolls back still leaves its trace."""
    exists = Delivery.objects.filter(pk=delivery_id).exists()
    DeliveryEvent.objects.create(
        delivery_id=delivery_id if exists else None,
        delivery_ref=delivery_id if 0 < delivery_id < 2**63 else None,
        kind=Kind.DENIED,
        by_user=by_user,
        by_account=by_account,
        via=via[:40],
    )


def volunteer_step(step: Callable[..., T]) -> Callable[..., T]:
    """A step a volunteer takes on one delivery: refused (NotAllowed) outside the user's
    areas, with the attempt audited before the step's own transaction starts, so the
    refusal does not roll its trace back."""
    atomic_step = transaction.atomic(step)

    @wraps(step)
    def wrapper(*, delivery: Delivery, user: AbstractBaseUser, **kwargs) -> T:
        if not deliveries_visible_to(user).filter(pk=delivery.pk).exists():
            via = kwargs.get("via") or step.__name__.removeprefix("delivery_")
            delivery_access_denied(delivery_id=delivery.pk, by_user=user, via=via)
            raise NotAllowed
        return atomic_step(delivery=delivery, user=user, **kwargs)

    return wrapper


# --- Volunteers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TakeOutcome:
    batch: DeliveryBatch
    taken: list[Delivery]  # in walking order from the start point


@transaction.atomic
def deliveries_take(
    *,
    round: DistributionRound,
    user: AbstractBaseUser,
    count: int = 10,
    start: tuple[float, float] | None = None,
    ids: list[int] | None = None,
    now: datetime.datetime | None = None,
) -> TakeOutcome:
    """Take a batch: the ``count`` free deliveries nearest to ``start`` in the user's areas
    (or exactly ``ids``, those still free), held for SUPPLY_CLAIM_MINUTES. A delivery
    another volunteer took a moment earlier is simply not in the batch."""
    now = now or timezone.now()
    if round.status != DistributionRound.Status.OPEN:
        raise NothingToTake
    count = max(1, min(count, BATCH_MAX))
    free = deliveries_visible_to(user).filter(_free(now), round=round)
    if ids is not None:
        free = free.filter(pk__in=ids[:BATCH_MAX])
    elif start is not None:
        free = nearest_first(free, start)
    else:
        free = free.order_by("pk")
    batch = DeliveryBatch.objects.create(
        round=round,
        volunteer=user,
        start_latitude=start[0] if start else None,
        start_longitude=start[1] if start else None,
    )
    won_so_far = 0
    # Volunteers taking batches at the same moment reach for the same nearest doors:
    # what another took is skipped by the UPDATE, and the next nearest are tried.
    for _attempt in range(1 if ids is not None else 3):
        candidates = list(free.values_list("pk", flat=True)[: count - won_so_far])
        if not candidates:
            break
        won = Delivery.objects.filter(_free(now), pk__in=candidates).update(
            status=Status.OUT,
            batch=batch,
            claimed_by=user,
            claimed_at=now,
            claim_expires_at=claim_deadline(now, settings.SUPPLY_CLAIM_MINUTES),
            updated_at=now,
        )
        won_so_far += won
        if won_so_far >= count or won == len(candidates):
            break
    mine = Delivery.objects.filter(batch=batch, claimed_by=user, status=Status.OUT)
    taken = {delivery.pk: delivery for delivery in mine}
    if not taken:
        raise NothingToTake
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(delivery_id=pk, delivery_ref=pk, kind=Kind.CLAIMED, by_user=user)
            for pk in taken
        ]
    )
    order = walking_order([(d.pk, d.latitude, d.longitude) for d in taken.values()], start)
    return TakeOutcome(batch, [taken[pk] for pk in order])


def batch_route(batch: DeliveryBatch) -> list[Delivery]:
    """The batch's deliveries in walking order from where it started."""
    deliveries = {d.pk: d for d in batch.deliveries.select_related("report", "area")}
    start = (
        (batch.start_latitude, batch.start_longitude)
        if batch.start_latitude is not None and batch.start_longitude is not None
        else None
    )
    order = walking_order([(d.pk, d.latitude, d.longitude) for d in deliveries.values()], start)
    return [deliveries[pk] for pk in order]


@volunteer_step
def delivery_release(*, delivery: Delivery, user: AbstractBaseUser) -> Delivery:
    """Give a delivery back (someone else can take it)."""
    return _transition(
        delivery,
        allowed=held_by(user, status=Status.OUT),
        kind=Kind.RELEASED,
        changes={
            "status": Status.PENDING,
            "batch": None,
            "claimed_by": None,
            "claimed_at": None,
            "claim_expires_at": None,
        },
        by_user=user,
    )


def batch_handover_candidates(batch: DeliveryBatch, user: AbstractBaseUser) -> QuerySet:
    """Active volunteers who cover every area of the batch's deliveries."""
    area_ids = set(batch.deliveries.exclude(area=None).values_list("area_id", flat=True))
    people = get_user_model().objects.filter(is_active=True, groups__name=Role.VOLUNTEER)
    for area_id in area_ids:
        people = people.filter(responder_profile__areas=area_id)
    return people.exclude(pk=user.pk).distinct().order_by("last_name", "first_name", "username")


@transaction.atomic
def batch_hand_over(
    *,
    batch: DeliveryBatch,
    user: AbstractBaseUser,
    to_user: AbstractBaseUser,
    now: datetime.datetime | None = None,
) -> int:
    """Pass what is still out in a batch to another volunteer of its areas (a fresh time
    limit). Returns how many deliveries moved."""
    now = now or timezone.now()
    if not batch_handover_candidates(batch, user).filter(pk=to_user.pk).exists():
        raise NotAllowed
    mine = Delivery.objects.filter(held_by(user, status=Status.OUT), batch=batch)
    moved = list(mine.values_list("pk", flat=True))
    if not moved:
        raise NothingToHandOver
    Delivery.objects.filter(pk__in=moved).update(
        claimed_by=to_user,
        claimed_at=now,
        claim_expires_at=claim_deadline(now, settings.SUPPLY_CLAIM_MINUTES),
        updated_at=now,
    )
    DeliveryBatch.objects.filter(pk=batch.pk).update(volunteer=to_user)
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(
                delivery_id=pk,
                delivery_ref=pk,
                kind=Kind.HANDED_OVER,
                by_user=user,
                to_user=to_user,
            )
            for pk in moved
        ]
    )
    return len(moved)


class BadQuantities(ValueError):
    """Delivered quantities must be whole numbers from 0 to the planned amount, and at
    least one item handed over."""


def _checked_quantities(delivery: Delivery, quantities: dict | None) -> dict[str, int]:
    if quantities is None:
        return dict(delivery.planned)
    given = {str(pk): value for pk, value in quantities.items()}
    if not set(given) <= set(delivery.planned):
        raise BadQuantities
    result = {}
    for pk, planned in delivery.planned.items():
        value = given.get(pk, 0)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= planned:
            raise BadQuantities
        result[pk] = value
    if not any(result.values()):
        raise BadQuantities
    return result


@volunteer_step
def delivery_mark_delivered(
    *,
    delivery: Delivery,
    user: AbstractBaseUser,
    quantities: dict | None = None,
    via: str = "dashboard",
    now: datetime.datetime | None = None,
) -> Delivery:
    """Handed over at the door (all that was planned, or the quantities given: a partial
    delivery frees the rest of the reservation). The stock leaves the depot's books, and
    the household is asked on LINE whether it arrived."""
    now = now or timezone.now()
    delivered = _checked_quantities(delivery, quantities)
    current = _transition(
        delivery,
        allowed=_holder_or_free(user, now),
        kind=Kind.DELIVERED,
        changes={
            "status": Status.DELIVERED,
            "delivered": delivered,
            "delivered_by": user,
            "delivered_at": now,
            "claim_expires_at": None,
        },
        by_user=user,
        via=via,
    )
    stock_issue(
        current.round.depot,
        planned={int(pk): q for pk, q in current.planned.items()},
        delivered={int(pk): q for pk, q in delivered.items()},
        by_user=user,
        delivery=current,
    )
    receipts.ask_household(current)
    return current


@volunteer_step
def delivery_mark_not_home(
    *, delivery: Delivery, user: AbstractBaseUser, note: str = "", now=None
) -> Delivery:
    """Nobody answered the door: back in the pool for another visit (stock stays set aside)."""
    now = now or timezone.now()
    return _transition(
        delivery,
        allowed=_holder_or_free(user, now),
        kind=Kind.NOT_HOME,
        changes={
            "status": Status.NOT_HOME,
            "claimed_by": None,
            "claimed_at": None,
            "claim_expires_at": None,
        },
        by_user=user,
        note=note.strip(),
    )


@volunteer_step
def delivery_mark_refused(
    *, delivery: Delivery, user: AbstractBaseUser, note: str = "", now=None
) -> Delivery:
    """The household declined (has enough, moved away): its reservation is released."""
    now = now or timezone.now()
    current = _transition(
        delivery,
        allowed=_holder_or_free(user, now),
        kind=Kind.REFUSED,
        changes={"status": Status.REFUSED, "claim_expires_at": None},
        by_user=user,
        note=note.strip(),
    )
    stock_release(current.round.depot, {int(pk): q for pk, q in current.planned.items()})
    return current


@volunteer_step
def delivery_resolve(*, delivery: Delivery, user: AbstractBaseUser, note: str) -> Delivery:
    """A disputed delivery was looked into (found, brought again, explained)."""
    note = note.strip()
    if not note:
        raise ValueError("a note is needed")
    return _transition(
        delivery,
        allowed=Q(status=Status.DISPUTED),
        kind=Kind.RESOLVED,
        changes={"status": Status.RESOLVED},
        by_user=user,
        note=note,
    )


def deliveries_of_ended_report(report: OffShelterReport) -> None:
    """The household is no longer sheltering where the delivery would go (it reached a
    shelter, went home, withdrew, or the report was dismissed): what was still to be
    brought there is called off and its stock released, in the ending's transaction."""
    left = list(
        Delivery.objects.select_for_update()
        .filter(report=report, status__in=Delivery.TO_DELIVER)
        .select_related("round__depot")
    )
    for delivery in left:
        current = _transition(
            delivery,
            allowed=Q(status__in=Delivery.TO_DELIVER),
            kind=Kind.CANCELLED,
            changes={
                "status": Status.CANCELLED,
                "claimed_by": None,
                "claimed_at": None,
                "claim_expires_at": None,
            },
            via=f"report_ended:{report.end_reason}",
        )
        stock_release(current.round.depot, {int(pk): q for pk, q in current.planned.items()})


def deliveries_expire_claims(*, now: datetime.datetime | None = None) -> int:
    """Holds nobody acted on in time go back to the pool (beat, every minute)."""
    now = now or timezone.now()
    lapsed = Delivery.objects.filter(status=Status.OUT, claim_expires_at__lt=now)
    expired = 0
    for pk in lapsed.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            updated = Delivery.objects.filter(
                pk=pk, status=Status.OUT, claim_expires_at__lt=now
            ).update(
                status=Status.PENDING,
                batch=None,
                claimed_by=None,
                claimed_at=None,
                claim_expires_at=None,
                updated_at=now,
            )
            if updated:
                _record(pk, Kind.EXPIRED)
                expired += 1
    return expired


# --- Households --------------------------------------------------------------------------------


class Answer(StrEnum):
    RECEIVED = "yes"
    NOT_RECEIVED = "no"


class ReceiptOutcome(StrEnum):
    CONFIRMED = "confirmed"  # this answer was recorded
    DISPUTED = "disputed"  # this answer was recorded
    ALREADY = "already"  # the household had already answered (the same or not)
    NOT_YET = "not_yet"  # not marked delivered yet: nothing to confirm
    NOT_YOURS = "not_yours"  # not this account's household (audited)


@dataclass(frozen=True)
class Receipt:
    outcome: ReceiptOutcome
    delivery: Delivery | None  # as it stands, when the answer was not recorded


@transaction.atomic
def delivery_answer(
    *, delivery_id: int, account: Account, answer: Answer, via: str, note: str = ""
) -> Receipt:
    """The household says the supplies arrived (closes the delivery) or did not (a
    dispute staff and the area's volunteers see). The first answer wins; a repeated or
    crossing answer changes nothing and is told what was recorded.

    One UPDATE decides and checks the household in the same statement, so a burst of
    answers (a thousand households tapping after a round) costs three queries each."""
    received = answer == Answer.RECEIVED
    now = timezone.now()
    mine = household_deliveries(account).filter(pk=delivery_id)
    updated = mine.filter(status__in=Delivery.AWAITING_ANSWER).update(
        status=Status.CONFIRMED if received else Status.DISPUTED,
        answered_at=now,
        updated_at=now,
        **({} if received else {"dispute_note": note.strip()[:500]}),
    )
    if updated:
        kind = Kind.CONFIRMED if received else Kind.DISPUTED
        _record(delivery_id, kind, by_account=account, note=note.strip(), via=via)
        return Receipt(ReceiptOutcome.CONFIRMED if received else ReceiptOutcome.DISPUTED, None)
    current = mine.first()
    if current is None:
        delivery_access_denied(delivery_id=delivery_id, by_account=account, via=via)
        return Receipt(ReceiptOutcome.NOT_YOURS, None)
    answered = current.status in (Status.CONFIRMED, Status.DISPUTED, Status.RESOLVED)
    return Receipt(ReceiptOutcome.ALREADY if answered else ReceiptOutcome.NOT_YET, current)


@transaction.atomic
def delivery_add_dispute_note(*, delivery: Delivery, account: Account, note: str) -> Delivery:
    """What the household adds to 「届いていません」 (what is missing, when they are home)."""
    note = note.strip()[:500]
    if not note:
        raise ValueError("an empty note")
    mine = household_deliveries(account).filter(pk=delivery.pk)
    if not mine.exists():
        delivery_access_denied(delivery_id=delivery.pk, by_account=account, via="dispute_note")
        raise NotAllowed
    updated = mine.filter(status=Status.DISPUTED).update(
        dispute_note=note, updated_at=timezone.now()
    )
    if not updated:
        raise DeliveryError(Delivery.objects.get(pk=delivery.pk))
    _record(delivery.pk, Kind.DISPUTED, by_account=account, note=note)
    return Delivery.objects.get(pk=delivery.pk)


def deliveries_remind(*, now: datetime.datetime | None = None) -> int:
    """Households that have not answered in SUPPLY_RECEIPT_REMIND_MINUTES are asked once
    more; from then on the delivery shows as unconfirmed (not as a dispute)."""
    now = now or timezone.now()
    due = now - datetime.timedelta(minutes=settings.SUPPLY_RECEIPT_REMIND_MINUTES)
    reminded = 0
    waiting = Delivery.objects.filter(status=Status.DELIVERED, delivered_at__lt=due)
    for pk in waiting.values_list("pk", flat=True)[:5000]:
        with transaction.atomic():
            updated = Delivery.objects.filter(
                pk=pk, status=Status.DELIVERED, delivered_at__lt=due
            ).update(status=Status.UNCONFIRMED, reminded_at=now, updated_at=now)
            if updated:
                _record(pk, Kind.REMINDED)
                receipts.ask_household(
                    Delivery.objects.select_related("round").get(pk=pk), reminder=True
                )
                reminded += 1
    return reminded
