"""Distribution rounds (配布ラウンド): opening one creates a delivery per targeted
household and reserves the depot's stock for them; closing it releases what was not
delivered. Both hold the round's row lock, so two staff pressing "open" at once, or an
open racing a close, apply one after the other."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from supplies.ledger import stock_release, stock_reserve
from supplies.models import Delivery, DeliveryEvent, DistributionRound
from supplies.selectors import round_targets

Status = DistributionRound.Status


class RoundClosed(Exception):
    """A closed round stays closed: start a new one."""


class RoundHasNoItems(Exception):
    """A round needs at least one item with a quantity before it opens."""


@dataclass(frozen=True)
class OpenOutcome:
    round: DistributionRound
    added: int  # deliveries created by this call (0 when nothing new appeared)
    total: int


@transaction.atomic
def round_open(*, round: DistributionRound, by_user: AbstractBaseUser | None) -> OpenOutcome:
    """Open the round, or bring it up to date: one delivery for each targeted household
    that has none yet in this round, with the depot's stock reserved for all of them
    (all or nothing: NotEnoughStock says what is short, and nothing is created).
    Running it again adds only households that appeared since."""
    round = DistributionRound.objects.select_for_update().get(pk=round.pk)
    if round.status == Status.CLOSED:
        raise RoundClosed
    lines = [line for line in round.items.all() if line.per_household or line.per_person]
    if not lines:
        raise RoundHasNoItems
    targets = (
        round_targets(round)
        .exclude(pk__in=Delivery.objects.filter(round=round).values("report_id"))
        .annotate(registered=Count("people"))
        .values_list("pk", "registered", "others_count", "latitude", "longitude", "area_id")
        .order_by("pk")
    )
    deliveries, reserve = [], Counter()
    for report_id, registered, others, lat, lng, area_id in targets:
        size = max(1, registered + others)
        planned = {
            str(line.item_id): line.quantity_for(size)
            for line in lines
            if line.quantity_for(size) > 0
        }
        reserve.update({int(pk): quantity for pk, quantity in planned.items()})
        deliveries.append(
            Delivery(
                round=round,
                report_id=report_id,
                household_size=size,
                planned=planned,
                latitude=lat,
                longitude=lng,
                area_id=area_id,
            )
        )
    stock_reserve(round.depot, reserve)
    Delivery.objects.bulk_create(deliveries, batch_size=2000)
    if round.status == Status.DRAFT:
        round.status = Status.OPEN
        round.opened_at = timezone.now()
        round.save(update_fields=["status", "opened_at"])
    total = Delivery.objects.filter(round=round).count()
    return OpenOutcome(round, len(deliveries), total)


@transaction.atomic
def round_close(*, round: DistributionRound, by_user: AbstractBaseUser | None) -> DistributionRound:
    """End the round: what was not delivered is called off and its stock released.
    Deliveries already brought keep waiting for the household's answer. Idempotent."""
    round = DistributionRound.objects.select_for_update().get(pk=round.pk)
    if round.status == Status.CLOSED:
        return round
    # Locked, so a volunteer's "delivered" either lands before this (and is kept) or
    # finds the delivery called off.
    left = list(
        Delivery.objects.select_for_update()
        .filter(round=round, status__in=Delivery.TO_DELIVER)
        .values_list("pk", "planned")
    )
    release = Counter()
    for _pk, planned in left:
        release.update({int(pk): quantity for pk, quantity in planned.items()})
    now = timezone.now()
    Delivery.objects.filter(pk__in=[pk for pk, _planned in left]).update(
        status=Delivery.Status.CANCELLED,
        claimed_by=None,
        claimed_at=None,
        claim_expires_at=None,
        updated_at=now,
    )
    DeliveryEvent.objects.bulk_create(
        [
            DeliveryEvent(
                delivery_id=pk, delivery_ref=pk, kind=DeliveryEvent.Kind.CANCELLED, by_user=by_user
            )
            for pk, _planned in left
        ],
        batch_size=2000,
    )
    stock_release(round.depot, release)
    round.status = Status.CLOSED
    round.closed_at = now
    round.save(update_fields=["status", "closed_at"])
    return round
