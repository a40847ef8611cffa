"""The same request from many hands at the same moment, through the real views on
PostgreSQL: reception devices scanning one QR, volunteers claiming one pickup or taking
one delivery, a household tapping 「受け取りました」 again and again, a resident's
poster check-in sent several times. Each has exactly one effect; every other caller
gets a polite answer, never a server error."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from areas.services import responder_upsert
from evacuation.models import PickupEvent, PickupRequest
from hakobou.testing import figures
from hakobou.testing.concurrency import at_once
from lib.roles import Role
from shelters.models import PresenceEvent, Stay
from supplies.deliveries import delivery_mark_delivered, delivery_release
from supplies.models import Delivery, DeliveryEvent, LedgerEntry
from tests.security import world as w

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL locking"),
]

HANDS = 8


@pytest.fixture
def world() -> w.World:
    return w.build_world()


def volunteers_of_x(world: w.World, count: int) -> list:
    return [world.users[w.VOLUNTEER_X]] + [
        responder_upsert(
            username=f"sec-volunteer-x{n}",
            password=w.PASSWORD,
            role=Role.VOLUNTEER,
            areas=[world.area_x],
        )
        for n in range(1, count)
    ]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def statuses(results: list) -> list[int]:
    found = sorted(response.status_code for response in results)
    figures.count("concurrency: parallel requests", len(found))
    figures.count("concurrency: 5xx answers", sum(code >= 500 for code in found))
    return found


def test_parallel_scans_of_one_qr_make_one_stay(world):
    reception = world.users[w.RECEPTION]
    clients = [signed_in(reception) for _ in range(HANDS)]
    code = w.personal_qr(world)
    # Resident C is already inside: check them out first, then everybody scans at once.
    Stay.objects.filter(resident=world.resident_c).delete()
    PresenceEvent.objects.filter(resident=world.resident_c).delete()
    url = f"/api/shelters/{world.shelter_x.pk}/reception/check-in"

    results = at_once(
        lambda client: client.post(url, {"code": code}, content_type="application/json"),
        clients,
    )

    assert all(status < 500 for status in statuses(results))
    assert Stay.objects.filter(resident=world.resident_c).count() == 1
    assert PresenceEvent.objects.filter(resident=world.resident_c).count() == 1
    figures.count("concurrency: races with exactly one effect")


def test_parallel_claims_of_one_pickup_have_one_winner(world):
    clients = [signed_in(user) for user in volunteers_of_x(world, HANDS)]
    url = f"/api/pickups/{world.pickup_a.pk}/claim"

    found = statuses(at_once(lambda client: client.post(url), clients))

    assert found.count(200) == 1, found
    assert set(found) <= {200, 409}, found
    pickup = PickupRequest.objects.get(pk=world.pickup_a.pk)
    assert pickup.status == PickupRequest.Status.CLAIMED
    claims = PickupEvent.objects.filter(pickup=pickup, kind=PickupEvent.Kind.CLAIMED)
    assert claims.count() == 1
    assert claims.get().by_user_id == pickup.claimed_by_id
    figures.count("concurrency: races with exactly one effect")


def test_parallel_takes_of_one_delivery_give_it_to_one_volunteer(world):
    delivery_release(delivery=world.delivery_a, user=world.users[w.VOLUNTEER_X])
    clients = [signed_in(user) for user in volunteers_of_x(world, HANDS)]
    url = f"/api/rounds/{world.round.pk}/take"
    body = {"ids": [world.delivery_a.pk]}

    statuses(
        at_once(lambda client: client.post(url, body, content_type="application/json"), clients)
    )

    delivery = Delivery.objects.get(pk=world.delivery_a.pk)
    assert delivery.claimed_by_id is not None
    taken = DeliveryEvent.objects.filter(delivery=delivery, kind=DeliveryEvent.Kind.CLAIMED)
    assert taken.count() == 2  # the world's batch, then exactly one of the racers
    figures.count("concurrency: races with exactly one effect")


def test_parallel_deliveries_of_one_household_issue_the_stock_once(world):
    holder = world.users[w.VOLUNTEER_X]
    clients = [signed_in(holder) for _ in range(HANDS)]
    url = f"/api/deliveries/{world.delivery_a.pk}/deliver"

    found = statuses(
        at_once(lambda client: client.post(url, {}, content_type="application/json"), clients)
    )

    assert all(status < 500 for status in found), found
    issued = LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ISSUED)
    assert issued.count() == 1
    assert issued.get().quantity == -2
    figures.count("concurrency: races with exactly one effect")


def test_parallel_receipt_confirmations_confirm_once(world):
    delivery_mark_delivered(delivery=world.delivery_a, user=world.users[w.VOLUNTEER_X])
    clients = [world.client(w.RESIDENT_A) for _ in range(HANDS)]
    url = f"/my/supplies/{world.delivery_a.pk}/answer/"

    found = statuses(at_once(lambda client: client.post(url, {"answer": "yes"}), clients))

    assert set(found) == {302}, found
    delivery = Delivery.objects.get(pk=world.delivery_a.pk)
    assert delivery.status == Delivery.Status.CONFIRMED
    confirmed = DeliveryEvent.objects.filter(delivery=delivery, kind=DeliveryEvent.Kind.CONFIRMED)
    assert confirmed.count() == 1
    figures.count("concurrency: races with exactly one effect")


def test_parallel_poster_check_ins_of_one_resident_make_one_stay(world):
    clients = [world.client(w.RESIDENT_A) for _ in range(HANDS)]
    url = f"/c/{w.poster(world)}/"
    people = {"residents": [str(world.resident_a.pk)], "companions": "0"}

    found = statuses(at_once(lambda client: client.post(url, people), clients))

    assert all(status < 500 for status in found), found
    assert Stay.objects.filter(resident=world.resident_a).count() == 1
    assert PresenceEvent.objects.filter(resident=world.resident_a).count() == 1
    figures.count("concurrency: races with exactly one effect")
