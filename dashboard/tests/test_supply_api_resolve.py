"""A 「届いていない」 answer is resolved with a note of what was found or done."""

import pytest

from supplies.deliveries import delivery_mark_delivered
from supplies.models import Delivery, DeliveryEvent
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(cast):
    open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get()
    delivery_mark_delivered(delivery=delivery, user=cast.volunteer_a)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DISPUTED)
    return delivery


def resolve(client, delivery, data):
    return client.post(
        f"/api/deliveries/{delivery.pk}/resolve", data, content_type="application/json"
    )


def test_resolving_needs_a_note(client, cast, disputed):
    client.force_login(cast.volunteer_a)
    for data in ({}, {"note": "  "}):
        response = resolve(client, disputed, data)
        assert response.status_code == 400
        assert response.json()["message"] == "確認した内容・対応をメモに入力してください。"
    disputed.refresh_from_db()
    assert disputed.status == Delivery.Status.DISPUTED


def test_a_note_resolves_it_and_shows_in_the_history(client, cast, disputed):
    client.force_login(cast.volunteer_a)
    response = resolve(client, disputed, {"note": "玄関横の物置にありました"})
    assert response.status_code == 200
    assert response.json()["delivery"]["status"] == "resolved"
    events = client.get(f"/api/deliveries/{disputed.pk}").json()["events"]
    assert events[-1]["kind"] == DeliveryEvent.Kind.RESOLVED
    assert events[-1]["note"] == "玄関横の物置にありました"
    assert events[-1]["by"] == "甲野 一郎"
    # Twice: it already happened.
    assert resolve(client, disputed, {"note": "again"}).status_code == 409
