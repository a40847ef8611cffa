"""Opening a round: one delivery per targeted household, stock reserved, idempotent."""

import pytest
from django.db import connection

from evacuation.services import report_end
from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.concurrency import at_once
from supplies.ledger import NotEnoughStock
from supplies.models import Delivery, Stock
from supplies.rounds import RoundClosed, RoundHasNoItems, round_close, round_open
from supplies.tests.supply_helpers import item, new_round, stocked_depot

pytestmark = pytest.mark.django_db(transaction=True)


def reserved(depot, thing) -> int:
    return Stock.objects.get(depot=depot, item=thing).reserved


def test_opening_creates_one_delivery_per_household_in_the_areas(cast):
    mine = [family_report(cast.area_a, others=n) for n in range(3)]
    family_report(cast.area_b)
    water = item()
    depot = stocked_depot({water: 100})
    round = new_round(depot, areas=[cast.area_a], lines={water: (1, 2)})
    outcome = round_open(round=round, by_user=cast.staff)
    assert (outcome.added, outcome.total) == (3, 3)
    deliveries = {d.report_id: d for d in Delivery.objects.filter(round=round)}
    assert set(deliveries) == {report.pk for report in mine}
    # One registered person plus the others: per household 1, per person 2.
    assert [deliveries[r.pk].planned for r in mine] == [
        {str(water.pk): 3},
        {str(water.pk): 5},
        {str(water.pk): 7},
    ]
    assert deliveries[mine[0].pk].area == cast.area_a
    assert reserved(depot, water) == 15
    round.refresh_from_db()
    assert round.status == "open" and round.opened_at is not None


def test_opening_again_adds_only_households_that_appeared_since(cast):
    family_report(cast.area_a)
    water = item()
    depot = stocked_depot({water: 100})
    round = new_round(depot, areas=[cast.area_a])
    round_open(round=round, by_user=cast.staff)
    assert round_open(round=round, by_user=cast.staff).added == 0
    family_report(cast.area_a)
    outcome = round_open(round=round, by_user=cast.staff)
    assert (outcome.added, outcome.total) == (1, 2)
    assert reserved(depot, water) == 4


def test_a_round_for_a_need_reaches_only_households_with_it(cast):
    water_needed = family_report(cast.area_a, needs=["water"])
    family_report(cast.area_a, needs=["information"])
    ended = family_report(cast.area_a, needs=["water"])
    report_end(report=ended, reason="returned_home")
    round = new_round(stocked_depot(), target_needs=["water"])
    round_open(round=round, by_user=None)
    assert list(Delivery.objects.values_list("report_id", flat=True)) == [water_needed.pk]


def test_not_enough_stock_creates_nothing_and_says_how_much(cast):
    for _ in range(3):
        family_report(cast.area_a)
    water = item()
    depot = stocked_depot({water: 5})
    round = new_round(depot, lines={water: (2, 0)})
    with pytest.raises(NotEnoughStock) as short:
        round_open(round=round, by_user=None)
    assert "必要 6 本、使える在庫 5 本" in short.value.message()
    assert not Delivery.objects.exists()
    assert reserved(depot, water) == 0
    round.refresh_from_db()
    assert round.status == "draft"


def test_a_round_without_quantities_or_closed_does_not_open(cast):
    family_report(cast.area_a)
    water = item()
    round = new_round(stocked_depot({water: 10}), lines={water: (0, 0)})
    with pytest.raises(RoundHasNoItems):
        round_open(round=round, by_user=None)
    other = new_round(stocked_depot({water: 10}), lines={water: (1, 0)}, name="第2回")
    round_close(round=other, by_user=None)
    with pytest.raises(RoundClosed):
        round_open(round=other, by_user=None)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_two_staff_opening_at_once_create_each_delivery_once(cast):
    for _ in range(5):
        family_report(cast.area_a)
    water = item()
    depot = stocked_depot({water: 100})
    round = new_round(depot)
    outcomes = at_once(lambda _: round_open(round=round, by_user=None), range(4))
    assert sorted(outcome.added for outcome in outcomes) == [0, 0, 0, 5]
    assert Delivery.objects.filter(round=round).count() == 5
    assert reserved(depot, water) == 10


def test_the_portable_insert_writes_the_same_rows_as_the_database_one(cast):
    """SQLite opens rounds through the ORM, PostgreSQL with one INSERT … SELECT: both
    write the same deliveries for the same households."""
    from django.db.models import Count, F, Value
    from django.db.models.functions import Greatest

    from supplies.rounds import _insert_in_database, _insert_portable
    from supplies.selectors import round_targets

    for others in (0, 2, 5):
        family_report(cast.area_a, others=others)
    water, rice = item(), item("アルファ米", "食", "food")
    depot = stocked_depot({water: 100, rice: 100})
    rounds = [new_round(depot, lines={water: (1, 2), rice: (0, 3)}, name=name) for name in "AB"]
    for round, insert in zip(rounds, (_insert_in_database, _insert_portable), strict=True):
        lines = list(round.items.all())
        targets = (
            round_targets(round)
            .annotate(size=Greatest(Count("people") + F("others_count"), Value(1)))
            .order_by()
        )
        if connection.vendor == "postgresql" or insert is _insert_portable:
            assert sorted(insert(round, targets, lines).elements()) == [1, 3, 6]
    columns = ("report_id", "household_size", "planned", "delivered", "status", "area_id")
    written = [
        sorted(Delivery.objects.filter(round=round).values_list(*columns)) for round in rounds
    ]
    if connection.vendor == "postgresql":
        assert written[0] == written[1]
    assert {size for _r, size, *_ in written[1]} == {1, 3, 6}
