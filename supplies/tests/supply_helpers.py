"""Seed helpers for supplies' tests: items, a stocked depot (stock received through the
ledger), rounds, and an open round with households in it (opened through the service)."""

from __future__ import annotations

from areas.models import Area
from evacuation.models import OffShelterReport
from evacuation.tests.evacuation_helpers import family_report
from supplies.ledger import stock_receive
from supplies.models import Depot, DistributionRound, Item, RoundItem
from supplies.rounds import round_open


def item(name: str = "飲料水 2L", unit: str = "本", category: str = "water") -> Item:
    """An item of the catalogue (the same one when asked twice)."""
    return Item.objects.get_or_create(name=name, defaults={"unit": unit, "category": category})[0]


def stocked_depot(stock: dict[Item, int] | None = None, *, name: str = "") -> Depot:
    """A depot holding ``stock`` ({item: quantity}; by default 1,000 of item()), received
    through the ledger. Without a name, the next 「市 備蓄倉庫 N」."""
    depot = Depot.objects.create(name=name or f"市 備蓄倉庫 {Depot.objects.count() + 1}")
    for thing, quantity in (stock if stock is not None else {item(): 1000}).items():
        stock_receive(depot=depot, item=thing, quantity=quantity, by_user=None, reason="県から")
    return depot


def new_round(
    depot: Depot,
    *,
    areas: list[Area] | None = None,
    lines: dict[Item, tuple[int, int]] | None = None,
    target_needs=(),
    name: str = "第1回 配布",
) -> DistributionRound:
    """A draft round from ``depot``: ``lines`` is {item: (per household, per person)}
    (by default 2 of item() per household); no areas is the whole city."""
    round = DistributionRound.objects.create(
        name=name, depot=depot, target_needs=list(target_needs)
    )
    round.areas.set(areas or [])
    for thing, (per_household, per_person) in (lines or {item(): (2, 0)}).items():
        RoundItem.objects.create(
            round=round, item=thing, per_household=per_household, per_person=per_person
        )
    return round


def open_round(
    area: Area,
    *,
    households: int = 3,
    line_user_ids=(),
    others=(),
    lines: dict[Item, tuple[int, int]] | None = None,
    depot: Depot | None = None,
    by_user=None,
) -> tuple[DistributionRound, list[OffShelterReport]]:
    """An open round for ``area`` with ``households`` households a few doors apart along
    one street (the first ones with the LINE user ids given, and ``others`` people more
    than the one registered); returns the round and the households' reports."""
    line_user_ids, others = list(line_user_ids), list(others)
    reports = [
        family_report(
            area,
            needs=("water", "food"),
            line_user_id=line_user_ids[n] if n < len(line_user_ids) else None,
            others=others[n] if n < len(others) else 0,
            lat=area.center_lat + n * 0.0006,
            lng=area.center_lng + n * 0.0003,
        )
        for n in range(households)
    ]
    round = new_round(depot or stocked_depot(), areas=[area], lines=lines)
    return round_open(round=round, by_user=by_user).round, reports
