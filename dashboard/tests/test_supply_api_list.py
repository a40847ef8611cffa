"""The deliveries list: only the caller's areas, nearest first in walking order, no
names or addresses."""

import pytest

from supplies.models import Delivery
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db


def listed(client, user, **params):
    client.force_login(user)
    return client.get("/api/deliveries", params)


def test_a_volunteer_lists_only_deliveries_in_their_areas(client, cast):
    round_a, _ = open_round(cast.area_a, households=3)
    round_b, _ = open_round(cast.area_b, households=2, depot=round_a.depot)
    body = listed(client, cast.volunteer_a, round=round_a.pk).json()
    assert body["total"] == 3
    assert {row["area"] for row in body["results"]} == {"テスト甲町会"}
    # Another area's round is not even there for them.
    assert listed(client, cast.volunteer_a, round=round_b.pk).status_code == 404
    assert listed(client, cast.staff, round=round_b.pk).json()["total"] == 2


def test_rows_carry_no_names_or_addresses(client, cast):
    round, _ = open_round(cast.area_a, households=1)
    response = listed(client, cast.volunteer_a, round=round.pk)
    text = response.content.decode()
    assert "在宅" not in text and "谷地頭" not in text and "0138" not in text
    (row,) = response.json()["results"]
    assert row["items"] == "飲料水 2L 2本"
    assert row["actions"] == ["take", "deliver", "not_home", "refuse"]
    assert row["mine"] is False and row["claim_expires_at"] is None


def test_with_a_position_the_nearest_come_first_in_walking_order(client, cast):
    round, _ = open_round(cast.area_a, households=4)
    by_distance = list(Delivery.objects.order_by("-latitude").values_list("pk", flat=True))
    far_end = Delivery.objects.get(pk=by_distance[0])
    body = listed(
        client, cast.volunteer_a, round=round.pk, lat=far_end.latitude, lng=far_end.longitude
    ).json()
    assert [row["id"] for row in body["results"]] == by_distance
    assert body["results"][0]["distance_m"] == 0
    assert body["results"][1]["distance_m"] > 0


def test_mine_and_status_filter_the_list(client, cast):
    round, _ = open_round(cast.area_a, households=3)
    client.force_login(cast.volunteer_a)
    client.post(f"/api/rounds/{round.pk}/take", {"count": 2}, content_type="application/json")
    mine = listed(client, cast.volunteer_a, round=round.pk, mine=1).json()
    assert mine["total"] == 2 and all(row["mine"] for row in mine["results"])
    pending = listed(client, cast.volunteer_a, round=round.pk, status="pending").json()
    assert pending["total"] == 1


def test_a_wrong_parameter_is_one_polite_sentence(client, cast):
    round, _ = open_round(cast.area_a, households=1)
    response = listed(client, cast.volunteer_a, round=round.pk, lat="41.7")
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid_lat",
        "message": "位置は緯度と経度の両方を指定してください。",
    }
    response = listed(client, cast.volunteer_a, round="x")
    assert response.json()["message"] == "配布の指定が正しくありません。"
