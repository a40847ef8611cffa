"""Take a batch, deliver (in part): the depot's ledger shows the issue once, however
often the button is pressed; wrong quantities are one clear sentence."""

import pytest

from supplies.models import Delivery, LedgerEntry, Stock
from supplies.tests.supply_helpers import item, open_round, stocked_depot

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_two_items(cast):
    water, rice = item(), item("アルファ米", "食", "food")
    depot = stocked_depot({water: 100, rice: 100})
    round, reports = open_round(
        cast.area_a, households=3, others=[2], depot=depot, lines={water: (2, 0), rice: (0, 1)}
    )
    round.first_household = reports[0]  # 3 people: 1 registered + 2 others
    return round, water, rice


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_take_then_deliver_in_part_issues_what_was_handed_over(client, cast, round_two_items):
    round, water, rice = round_two_items
    client.force_login(cast.volunteer_a)
    start = Delivery.objects.get(report=round.first_household)
    taken = post(
        client,
        f"/api/rounds/{round.pk}/take",
        {"count": 2, "lat": start.latitude, "lng": start.longitude},
    )
    assert taken.status_code == 200
    body = taken.json()
    assert body["message"] == "2 件を担当しました。近い順に並んでいます。"
    assert body["print_url"] == f"/dashboard/supplies/batches/{body['batch']}/print"
    first = body["results"][0]
    assert first["id"] == start.pk and first["mine"] and first["status"] == "out"
    assert first["items"] == "飲料水 2L 2本、アルファ米 3食"  # 3 people: 1 + 2 others

    response = post(
        client,
        f"/api/deliveries/{start.pk}/deliver",
        {"quantities": {str(water.pk): 2, str(rice.pk): 1}},
    )
    assert response.status_code == 200
    assert response.json()["delivery"]["status"] == "delivered"
    issued = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ISSUED, delivery=start)
    assert sorted(issued.values_list("item__name", "quantity")) == [
        ("アルファ米", -1),
        ("飲料水 2L", -2),
    ]
    rice_stock = Stock.objects.get(depot=round.depot, item=rice)
    # The other two households' reservations stay; the undelivered 2 meals are free again.
    assert (rice_stock.on_hand, rice_stock.reserved) == (99, 2)


def test_delivering_twice_is_a_409_and_one_ledger_entry(client, cast, round_two_items):
    delivery = Delivery.objects.order_by("pk").first()
    client.force_login(cast.volunteer_a)
    assert post(client, f"/api/deliveries/{delivery.pk}/deliver").status_code == 200
    again = post(client, f"/api/deliveries/{delivery.pk}/deliver")
    assert again.status_code == 409
    assert again.json()["code"] == "state"
    assert again.json()["status"] == "delivered"
    assert again.json()["message"] == "すでに配達済みです（配達済み（受取確認待ち））。"
    assert LedgerEntry.objects.filter(kind="issued", delivery=delivery).count() == 2  # 2 items


def test_someone_elses_delivery_says_who_has_it(client, cast, round_two_items):
    from areas.services import responder_upsert
    from hakobou.testing.cast import PASSWORD
    from lib.roles import Role

    other = responder_upsert(
        username="volunteer-a2",
        password=PASSWORD,
        role=Role.VOLUNTEER,
        areas=[cast.area_a],
        full_name="甲田 次郎",
    )
    round, _water, _rice = round_two_items
    delivery = Delivery.objects.order_by("pk").first()
    client.force_login(cast.volunteer_a)
    post(client, f"/api/rounds/{round.pk}/take", {"ids": [delivery.pk]})
    client.force_login(other)
    response = post(client, f"/api/deliveries/{delivery.pk}/not-home")
    assert response.status_code == 409
    assert response.json()["code"] == "claimed"
    assert response.json()["message"] == "すでに甲野 一郎さんが担当しています。"


@pytest.mark.parametrize(
    "quantities",
    [
        {"999": 1},  # not in the plan
        {"WATER": 3},  # more than planned
        {"WATER": -1},
        {"WATER": 0, "RICE": 0},  # nothing handed over
        {"WATER": "x"},
        [1, 2],
    ],
)
def test_wrong_quantities_are_a_400_with_a_clear_message(client, cast, round_two_items, quantities):
    _round, water, rice = round_two_items
    if isinstance(quantities, dict):
        ids = {"WATER": str(water.pk), "RICE": str(rice.pk)}
        quantities = {ids.get(key, key): value for key, value in quantities.items()}
    delivery = Delivery.objects.order_by("pk").first()
    client.force_login(cast.volunteer_a)
    response = post(client, f"/api/deliveries/{delivery.pk}/deliver", {"quantities": quantities})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_quantities"
    assert response.json()["message"].startswith("届けた数は、品目ごとに 0 から予定の数までの整数")
    assert not LedgerEntry.objects.filter(kind="issued").exists()


def test_nothing_left_to_take_is_a_409(client, cast, round_two_items):
    round, _water, _rice = round_two_items
    client.force_login(cast.volunteer_a)
    assert post(client, f"/api/rounds/{round.pk}/take", {"count": 30}).status_code == 200
    response = post(client, f"/api/rounds/{round.pk}/take", {"count": 30})
    assert response.status_code == 409
    assert response.json()["code"] == "nothing_to_take"
    assert "いま担当できる配達はありません" in response.json()["message"]
