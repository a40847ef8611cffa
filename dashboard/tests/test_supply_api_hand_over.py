"""Handing a batch over: what is still out goes to another volunteer of its areas."""

import pytest

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD
from lib.roles import Role
from supplies.deliveries import deliveries_take, delivery_mark_delivered
from supplies.models import Delivery
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_a(cast):
    return responder_upsert(
        username="volunteer-a2",
        password=PASSWORD,
        role=Role.VOLUNTEER,
        areas=[cast.area_a],
        full_name="甲田 次郎",
    )


def test_the_holder_hands_what_is_left_to_a_volunteer_of_the_area(client, cast, other_a):
    round, _ = open_round(cast.area_a, households=3)
    outcome = deliveries_take(round=round, user=cast.volunteer_a)
    delivery_mark_delivered(delivery=outcome.taken[0], user=cast.volunteer_a)
    client.force_login(cast.volunteer_a)
    url = f"/api/batches/{outcome.batch.pk}"
    candidates = client.get(f"{url}/handover-candidates").json()
    assert candidates == {"candidates": [{"id": other_a.pk, "name": "甲田 次郎"}]}
    response = client.post(
        f"{url}/hand-over", {"user": other_a.pk}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["message"] == "甲田 次郎さんに 2 件を引き継ぎました。"
    assert Delivery.objects.filter(claimed_by=other_a, status="out").count() == 2
    # Nothing of it is out with the first volunteer any more.
    again = client.post(f"{url}/hand-over", {"user": other_a.pk}, content_type="application/json")
    assert again.status_code == 409
    assert again.json()["message"] == "この束には、あなたが担当中の配達が残っていません。"


def test_a_hand_over_outside_the_area_is_refused_and_other_areas_see_nothing(client, cast):
    round, _ = open_round(cast.area_a, households=1)
    outcome = deliveries_take(round=round, user=cast.volunteer_a)
    client.force_login(cast.volunteer_a)
    url = f"/api/batches/{outcome.batch.pk}"
    response = client.post(
        f"{url}/hand-over", {"user": cast.volunteer_b.pk}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "handover_target"
    client.force_login(cast.volunteer_b)
    assert client.get(f"{url}/handover-candidates").status_code == 404
