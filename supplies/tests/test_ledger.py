"""The stock ledger: every change is an entry with the new balance; nothing goes below
zero or below what rounds reserved, even when changes race (PostgreSQL)."""

import pytest
from django.db import IntegrityError, connection, transaction

from hakobou.testing.concurrency import at_once
from supplies.ledger import (
    NotEnoughStock,
    stock_adjust,
    stock_receive,
    stock_reserve,
    stock_transfer,
)
from supplies.models import Depot, LedgerEntry, Stock
from supplies.tests.supply_helpers import item, stocked_depot

pytestmark = pytest.mark.django_db(transaction=True)


def balance(depot, thing) -> Stock:
    return Stock.objects.get(depot=depot, item=thing)


def test_receiving_writes_an_entry_with_the_new_balance(cast):
    water = item()
    depot = stocked_depot({water: 100})
    entry = stock_receive(depot=depot, item=water, quantity=20, by_user=cast.staff, reason="県から")
    assert (entry.kind, entry.quantity, entry.balance_after) == ("received", 20, 120)
    assert entry.by_user == cast.staff and entry.reason == "県から"
    assert balance(depot, water).on_hand == 120


def test_an_adjustment_below_zero_is_refused_and_writes_nothing(cast):
    water = item()
    depot = stocked_depot({water: 5})
    with pytest.raises(NotEnoughStock) as refused:
        stock_adjust(depot=depot, item=water, quantity=-6, by_user=cast.staff, reason="破損")
    assert "在庫が足りません" in refused.value.message()
    assert balance(depot, water).on_hand == 5
    assert LedgerEntry.objects.filter(kind="adjusted").count() == 0


def test_an_adjustment_cannot_take_away_reserved_stock(cast):
    water = item()
    depot = stocked_depot({water: 10})
    stock_reserve(depot, {water.pk: 8})
    with pytest.raises(NotEnoughStock):
        stock_adjust(depot=depot, item=water, quantity=-3, by_user=cast.staff, reason="破損")
    stock_adjust(depot=depot, item=water, quantity=-2, by_user=cast.staff, reason="破損")
    assert (balance(depot, water).on_hand, balance(depot, water).reserved) == (8, 8)


def test_a_transfer_moves_all_items_or_none(cast):
    water, rice = item(), item("アルファ米", "食", "food")
    depot = stocked_depot({water: 10, rice: 1})
    shelter_store = Depot.objects.create(name="第一小学校 備蓄")
    with pytest.raises(NotEnoughStock) as refused:
        stock_transfer(
            from_depot=depot,
            to_depot=shelter_store,
            quantities={water: 5, rice: 2},
            by_user=cast.staff,
        )
    assert [short[0] for short in refused.value.shortages] == [rice]
    assert balance(depot, water).on_hand == 10
    assert not Stock.objects.filter(depot=shelter_store, on_hand__gt=0).exists()
    entries = stock_transfer(
        from_depot=depot, to_depot=shelter_store, quantities={water: 5}, by_user=cast.staff
    )
    assert [(e.depot, e.kind, e.quantity) for e in entries] == [
        (depot, "transfer_out", -5),
        (shelter_store, "transfer_in", 5),
    ]
    assert entries[0].counterpart == shelter_store and entries[1].counterpart == depot


def test_the_database_refuses_a_negative_balance_even_without_the_service():
    water = item()
    depot = stocked_depot({water: 1})
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(depot=depot, item=water).update(on_hand=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Stock.objects.filter(depot=depot, item=water).update(reserved=2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_parallel_transfers_never_take_more_than_there_is(cast):
    water = item()
    depot = stocked_depot({water: 10})
    stores = [Depot.objects.create(name=f"避難所 {n}") for n in range(8)]

    def transfer(store):
        try:
            stock_transfer(
                from_depot=depot, to_depot=store, quantities={water: 3}, by_user=cast.staff
            )
            return True
        except NotEnoughStock:
            return False

    outcomes = at_once(transfer, stores)
    assert outcomes.count(True) == 3
    assert balance(depot, water).on_hand == 1
    out = LedgerEntry.objects.filter(depot=depot, kind="transfer_out")
    assert sorted(out.values_list("balance_after", flat=True)) == [1, 4, 7]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_opposite_transfers_at_once_do_not_deadlock(cast):
    water = item()
    east = stocked_depot({water: 50}, name="東部倉庫")
    west = stocked_depot({water: 50}, name="西部倉庫")
    pairs = [(east, west), (west, east)] * 4
    at_once(
        lambda pair: stock_transfer(
            from_depot=pair[0], to_depot=pair[1], quantities={water: 1}, by_user=None
        ),
        pairs,
    )
    assert balance(east, water).on_hand + balance(west, water).on_hand == 100
    assert LedgerEntry.objects.filter(kind="transfer_out").count() == 8
