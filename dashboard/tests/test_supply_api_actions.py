"""The buttons a row offers depend on who asks: the holder, another volunteer of the
area, city staff; and they follow the delivery as it moves on."""

import datetime

import pytest
from django.utils import timezone

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD
from lib.roles import Role
from supplies.deliveries import deliveries_take, delivery_actions, delivery_mark_delivered
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


def actions(client, user, delivery):
    client.force_login(user)
    return client.get(f"/api/deliveries/{delivery.pk}").json()["actions"]


def test_the_holder_other_volunteers_and_staff_see_different_buttons(client, cast, other_a):
    round, _ = open_round(cast.area_a, households=1)
    deliveries_take(round=round, user=cast.volunteer_a)
    delivery = Delivery.objects.get()
    assert actions(client, cast.volunteer_a, delivery) == [
        "deliver",
        "not_home",
        "refuse",
        "release",
    ]
    assert actions(client, other_a, delivery) == []
    # Staff may carry on with anyone's delivery (the services' held_by rule).
    assert actions(client, cast.staff, delivery) == ["deliver", "not_home", "refuse", "release"]


def test_a_hold_whose_time_ran_out_is_free_for_everyone(client, cast, other_a):
    round, _ = open_round(cast.area_a, households=1)
    deliveries_take(round=round, user=cast.volunteer_a)
    delivery = Delivery.objects.get()
    later = delivery.claim_expires_at + datetime.timedelta(minutes=1)
    assert delivery_actions(delivery, other_a, later) == ["take", "deliver", "not_home", "refuse"]
    assert delivery_actions(delivery, other_a, timezone.now()) == []


def test_a_delivered_one_has_no_buttons_and_a_dispute_can_be_resolved(client, cast, other_a):
    _round, _ = open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get()
    delivery_mark_delivered(delivery=delivery, user=cast.volunteer_a)
    assert actions(client, cast.volunteer_a, delivery) == []
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DISPUTED)
    assert actions(client, other_a, delivery) == ["resolve"]
    assert actions(client, cast.staff, delivery) == ["resolve"]


def test_nothing_is_offered_to_take_once_the_round_is_closed(cast):
    _round, _ = open_round(cast.area_a, households=1)
    delivery = Delivery.objects.select_related("round").get()
    delivery.round.status = "closed"
    assert "take" not in delivery_actions(delivery, cast.volunteer_a, timezone.now())
