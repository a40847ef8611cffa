"""A household's detail for the door: address, names and phone numbers with a tel:
link, directions, what to bring; every view is logged."""

import pytest

from residents.models import DetailView
from supplies.deliveries import deliveries_take
from supplies.models import Delivery
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db


def test_the_detail_has_what_the_door_needs_and_is_logged(client, cast):
    round, (report,) = open_round(cast.area_a, households=1)
    deliveries_take(round=round, user=cast.volunteer_a)
    delivery = Delivery.objects.get()
    client.force_login(cast.volunteer_a)
    body = client.get(f"/api/deliveries/{delivery.pk}").json()
    assert body["address"] == "函館市谷地頭町"
    assert body["people"] == [
        {
            "name": "在宅 ヨシ",
            "kana": "ザイタク ヨシ",
            "phone": "0138-00-0000",
            "tel": "tel:0138000000",
        }
    ]
    assert body["tel"] == "tel:0138000000"
    assert body["directions"] == (
        "https://www.google.com/maps/dir/?api=1&destination="
        f"{delivery.latitude},{delivery.longitude}"
    )
    assert body["household_size"] == 1
    assert body["need_labels"] == ["飲料水", "食料"]
    assert body["care_labels"] == ["高齢"]
    assert body["planned"] == "飲料水 2L 2本"
    assert body["planned_items"][0]["quantity"] == 2
    assert body["mine"] is True and body["holder"] == "甲野 一郎"
    assert [event["kind_label"] for event in body["events"]] == ["担当"]
    assert body["events"][0]["by"] == "甲野 一郎"
    (view,) = DetailView.objects.all()
    assert (view.user, view.resident, view.context) == (
        cast.volunteer_a,
        report.people.get(),
        DetailView.Context.DASHBOARD,
    )


def test_staff_see_any_areas_household(client, cast):
    open_round(cast.area_b, households=1)
    client.force_login(cast.staff)
    response = client.get(f"/api/deliveries/{Delivery.objects.get().pk}")
    assert response.status_code == 200
    assert response.json()["area"] == "テスト乙町会"
