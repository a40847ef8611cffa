"""Distribution rounds (配布ラウンド): opening one creates a delivery per targeted
household and reserves the depot's stock for them; closing it releases what was not
delivered. Both hold the round's row lock, so two staff pressing "open" at once, or an
open racing a close, apply one after the other."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import Count, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from supplies.ledger import stock_release, stock_reserve
from supplies.models import Delivery, DeliveryEvent, DistributionRound, RoundItem
from supplies.selectors import round_targets

Status = DistributionRound.Status
# What a delivery copies from its household's report.
TARGET_COLUMNS = ("pk", "size", "latitude", "longitude", "area_id")


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
        .annotate(size=Greatest(Count("people") + F("others_count"), Value(1)))
        .order_by()
    )
    insert = _insert_in_database if connection.vendor == "postgresql" else _insert_portable
    added_sizes = insert(round, targets, lines)
    reserve = Counter()
    for size, households in added_sizes.items():
        for line in lines:
            reserve[line.item_id] += line.quantity_for(size) * households
    # Short of stock: NotEnoughStock rolls the inserted rows back with it.
    stock_reserve(round.depot, reserve)
    if round.status == Status.DRAFT:
        round.status = Status.OPEN
        round.opened_at = timezone.now()
        round.save(update_fields=["status", "opened_at"])
    total = Delivery.objects.filter(round=round).count()
    return OpenOutcome(round, sum(added_sizes.values()), total)


def planned_for(lines: list[RoundItem], size: int) -> dict[str, int]:
    """What a household of ``size`` people gets ({item id: quantity}, no zeros)."""
    return {
        str(line.item_id): line.quantity_for(size) for line in lines if line.quantity_for(size) > 0
    }


def _insert_portable(round: DistributionRound, targets, lines: list[RoundItem]) -> Counter:
    """One delivery per target through the ORM (SQLite: a drill's few hundred rows)."""
    rows = [
        Delivery(
            round=round,
            report_id=report_id,
            household_size=size,
            planned=planned_for(lines, size),
            latitude=lat,
            longitude=lng,
            area_id=area_id,
        )
        for report_id, size, lat, lng, area_id in targets.values_list(*TARGET_COLUMNS)
    ]
    Delivery.objects.bulk_create(rows, batch_size=2000)
    return Counter(row.household_size for row in rows)


def _insert_in_database(round: DistributionRound, targets, lines: list[RoundItem]) -> Counter:
    """One delivery per target with one ``INSERT … SELECT`` in PostgreSQL.

    Raw SQL because the budget asks for it: opening a round for 50,000 households must
    take ≤ 5 s, and building and bulk_create-ing 50,000 model rows took 6.1 s on the
    2-core bench machine (bench/supplies.py), where this takes about 2 s. The SELECT is
    the ORM's own query for the targets; a household's planned items depend only on its
    size, so each size present gets its JSON as a parameter. The unique (round, report)
    constraint is the last line against a duplicate (the round's row lock the first).
    """
    sizes = sorted(set(targets.values_list("size", flat=True)))
    if not sizes:
        return Counter()
    select_sql, select_params = targets.values_list(*TARGET_COLUMNS).query.sql_with_params()
    planned_cases = " ".join("WHEN %s THEN %s::jsonb" for _size in sizes)
    planned_params = [
        value for size in sizes for value in (size, json.dumps(planned_for(lines, size)))
    ]
    now = timezone.now()
    table = Delivery._meta.db_table
    with connection.cursor() as cursor:
        # Only our own table name and CASE placeholders are formatted in; every value
        # is a parameter.
        cursor.execute(
            f"""
            INSERT INTO {table} (round_id, report_id, status, household_size, planned,
                                 delivered, latitude, longitude, area_id, created_at,
                                 updated_at, dispute_note)
            SELECT %s, t.id, %s, t.size, CASE t.size {planned_cases} END, '{{}}'::jsonb,
                   t.latitude, t.longitude, t.area_id, %s, %s, ''
              FROM ({select_sql}) AS t (id, size, latitude, longitude, area_id)
            ON CONFLICT (round_id, report_id) DO NOTHING
            RETURNING household_size
            """,  # noqa: S608
            [
                round.pk,
                Delivery.Status.PENDING,
                *planned_params,
                now,
                now,
                *select_params,
            ],
        )
        return Counter(size for (size,) in cursor.fetchall())


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
