"""The stock ledger: every change of a depot's stock is one ``LedgerEntry`` written with
the new balance, in one transaction, under a row lock on the balance.

The lock makes two parallel changes of the same stock apply one after the other (each
sees the other's result), and the database's checks (``stock_not_negative``,
``stock_reserved_within_on_hand``) refuse what would go below zero even if a caller
forgot to ask first. Several rows are always locked in (depot, item) order, so two
transfers in opposite directions cannot deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from supplies.models import Depot, Item, LedgerEntry, Stock

Kind = LedgerEntry.Kind


class NotEnoughStock(Exception):
    """What is asked for is more than a depot has (or has free of reservations).
    ``shortages`` is [(item, wanted, available)], for a message that says how much."""

    def __init__(self, depot: Depot, shortages: list[tuple[Item, int, int]]) -> None:
        self.depot = depot
        self.shortages = shortages
        super().__init__(self.message())

    def message(self) -> str:
        parts = [
            _("%(item)s：必要 %(wanted)s %(unit)s、使える在庫 %(available)s %(unit)s")
            % {"item": item.name, "wanted": wanted, "available": available, "unit": item.unit}
            for item, wanted, available in self.shortages
        ]
        return (
            _("「%(depot)s」の在庫が足りません。") % {"depot": self.depot.name}
            + " "
            + ("／".join(parts))
        )


def stock_rows(depot: Depot, item_ids: Iterable[int]) -> dict[int, Stock]:
    """The depot's balances for these items, created at zero where missing, locked for
    this transaction in item order."""
    item_ids = sorted(set(item_ids))
    existing = set(
        Stock.objects.filter(depot=depot, item_id__in=item_ids).values_list("item_id", flat=True)
    )
    missing = [Stock(depot=depot, item_id=pk) for pk in item_ids if pk not in existing]
    if missing:
        Stock.objects.bulk_create(missing, ignore_conflicts=True)
    locked = Stock.objects.select_for_update().filter(depot=depot, item_id__in=item_ids)
    return {stock.item_id: stock for stock in locked.order_by("item_id").select_related("item")}


def _move(
    stock: Stock,
    *,
    quantity: int,
    kind: str,
    by_user: AbstractBaseUser | None,
    reason: str = "",
    release: int = 0,
    **refs,
) -> LedgerEntry:
    """Change a locked balance by ``quantity`` (and its reservation by ``-release``) and
    write the entry."""
    if stock.on_hand + quantity < stock.reserved - release:
        available = stock.on_hand - stock.reserved
        raise NotEnoughStock(stock.depot, [(stock.item, -quantity, max(available, 0))])
    stock.on_hand += quantity
    stock.reserved -= release
    stock.save(update_fields=["on_hand", "reserved"])
    return LedgerEntry.objects.create(
        depot_id=stock.depot_id,
        item_id=stock.item_id,
        kind=kind,
        quantity=quantity,
        balance_after=stock.on_hand,
        reason=reason.strip()[:200],
        by_user=by_user,
        **refs,
    )


@transaction.atomic
def stock_receive(
    *, depot: Depot, item: Item, quantity: int, by_user: AbstractBaseUser | None, reason: str = ""
) -> LedgerEntry:
    """受入: supplies arrived at a depot (a delivery from the prefecture, a donation)."""
    if quantity <= 0:
        raise ValueError("a received quantity is positive")
    stock = stock_rows(depot, [item.pk])[item.pk]
    return _move(stock, quantity=quantity, kind=Kind.RECEIVED, by_user=by_user, reason=reason)


@transaction.atomic
def stock_adjust(
    *, depot: Depot, item: Item, quantity: int, by_user: AbstractBaseUser | None, reason: str
) -> LedgerEntry:
    """調整: a count found a difference (damaged, lost, miscounted). A reason is required;
    the balance cannot go below zero nor below what rounds have reserved."""
    if quantity == 0:
        raise ValueError("an adjustment changes something")
    if not reason.strip():
        raise ValueError("an adjustment needs a reason")
    stock = stock_rows(depot, [item.pk])[item.pk]
    return _move(stock, quantity=quantity, kind=Kind.ADJUSTED, by_user=by_user, reason=reason)


@transaction.atomic
def stock_transfer(
    *,
    from_depot: Depot,
    to_depot: Depot,
    quantities: Mapping[Item, int],
    by_user: AbstractBaseUser | None,
    reason: str = "",
    supply_request=None,
) -> list[LedgerEntry]:
    """移動: from one depot to another, all items or none. Both depots' rows are locked in
    one global order, so opposite transfers at the same moment wait, never deadlock."""
    if from_depot.pk == to_depot.pk:
        raise ValueError("a transfer goes somewhere else")
    wanted = {item: quantity for item, quantity in quantities.items() if quantity > 0}
    if not wanted:
        raise ValueError("nothing to transfer")
    ids = [item.pk for item in wanted]
    first, second = sorted([from_depot, to_depot], key=lambda depot: depot.pk)
    rows = {first.pk: stock_rows(first, ids), second.pk: stock_rows(second, ids)}
    sources = rows[from_depot.pk]
    shortages = [
        (item, quantity, sources[item.pk].available)
        for item, quantity in wanted.items()
        if sources[item.pk].available < quantity
    ]
    if shortages:
        raise NotEnoughStock(from_depot, shortages)
    entries = []
    for item, quantity in sorted(wanted.items(), key=lambda pair: pair[0].pk):
        refs = {"supply_request": supply_request, "reason": reason, "by_user": by_user}
        entries.append(
            _move(
                sources[item.pk],
                quantity=-quantity,
                kind=Kind.TRANSFER_OUT,
                counterpart=to_depot,
                **refs,
            )
        )
        entries.append(
            _move(
                rows[to_depot.pk][item.pk],
                quantity=quantity,
                kind=Kind.TRANSFER_IN,
                counterpart=from_depot,
                **refs,
            )
        )
    return entries


@transaction.atomic
def stock_reserve(depot: Depot, wanted: Mapping[int, int]) -> None:
    """Set aside stock for deliveries (by item id), all or none (a round's opening)."""
    wanted = {item_id: quantity for item_id, quantity in wanted.items() if quantity > 0}
    if not wanted:
        return
    rows = stock_rows(depot, wanted)
    shortages = [
        (rows[item_id].item, quantity, rows[item_id].available)
        for item_id, quantity in wanted.items()
        if rows[item_id].available < quantity
    ]
    if shortages:
        raise NotEnoughStock(depot, shortages)
    for item_id, quantity in wanted.items():
        rows[item_id].reserved += quantity
        rows[item_id].save(update_fields=["reserved"])


@transaction.atomic
def stock_release(depot: Depot, reserved: Mapping[int, int]) -> None:
    """Give back reservations that will not be delivered (a closed round, a refusal)."""
    reserved = {item_id: quantity for item_id, quantity in reserved.items() if quantity > 0}
    if not reserved:
        return
    rows = stock_rows(depot, reserved)
    for item_id, quantity in reserved.items():
        # Never below zero, even if the books were corrected by hand in between.
        rows[item_id].reserved = max(0, rows[item_id].reserved - quantity)
        rows[item_id].save(update_fields=["reserved"])


@transaction.atomic
def stock_issue(
    depot: Depot,
    *,
    planned: Mapping[int, int],
    delivered: Mapping[int, int],
    by_user: AbstractBaseUser | None,
    delivery,
) -> list[LedgerEntry]:
    """払出: a delivery left the depot. Its whole reservation is released and what was
    actually handed over is taken off the balance (a partial delivery frees the rest)."""
    rows = stock_rows(depot, set(planned) | set(delivered))
    entries = []
    for item_id in sorted(rows):
        handed = delivered.get(item_id, 0)
        release = min(planned.get(item_id, 0), rows[item_id].reserved)
        if handed:
            entries.append(
                _move(
                    rows[item_id],
                    quantity=-handed,
                    kind=Kind.ISSUED,
                    by_user=by_user,
                    release=release,
                    delivery=delivery,
                )
            )
        elif release:
            rows[item_id].reserved -= release
            rows[item_id].save(update_fields=["reserved"])
    return entries
