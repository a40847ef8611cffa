"""A volunteer of another area gets the same 404 as for a delivery that does not
exist, and every such attempt leaves an audit line (DeliveryEvent "denied")."""

import pytest

from supplies.models import Delivery, DeliveryEvent, LedgerEntry
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db

NOT_FOUND = {
    "code": "not_found",
    "message": "見つかりません。担当地区の外か、すでに終わっています。",
}


def denied(delivery_id=None):
    events = DeliveryEvent.objects.filter(kind=DeliveryEvent.Kind.DENIED)
    return events.filter(delivery_ref=delivery_id) if delivery_id else events


def test_another_areas_volunteer_cannot_see_a_household(client, cast):
    open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get()
    client.force_login(cast.volunteer_b)
    response = client.get(f"/api/deliveries/{delivery.pk}")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    (event,) = denied(delivery.pk)
    assert (event.by_user, event.via) == (cast.volunteer_b, "api:detail")


def test_another_areas_volunteer_cannot_mark_it_delivered(client, cast):
    open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get()
    client.force_login(cast.volunteer_b)
    response = client.post(f"/api/deliveries/{delivery.pk}/deliver")
    assert (response.status_code, response.json()) == (404, NOT_FOUND)
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    assert not LedgerEntry.objects.filter(kind=LedgerEntry.Kind.ISSUED).exists()
    assert denied(delivery.pk).get().by_user == cast.volunteer_b


def test_a_guessed_id_is_a_404_in_the_same_words_and_audited(client, cast):
    client.force_login(cast.volunteer_b)
    for url in ("/api/deliveries/999999", "/api/deliveries/999999/not-home"):
        method = client.get if url.endswith("999999") else client.post
        response = method(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    assert denied(999999).count() == 2


def test_reception_and_anonymous_users_are_refused(client, cast):
    open_round(cast.area_a, households=1)
    assert client.get("/api/deliveries", {"round": 1}).status_code == 403
    from areas.services import responder_upsert
    from hakobou.testing.cast import PASSWORD
    from lib.roles import Role

    reception = responder_upsert(
        username="reception-a", password=PASSWORD, role=Role.RECEPTION, areas=[cast.area_a]
    )
    client.force_login(reception)
    assert client.get(f"/api/deliveries/{Delivery.objects.get().pk}").status_code == 403


def test_another_areas_delivery_is_a_404_before_its_body_is_read(client, cast):
    """A body that fails validation must not tell an existing id (400) from a missing
    one (404) to a volunteer outside the area."""
    open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get()
    client.force_login(cast.volunteer_b)
    for pk in (delivery.pk, 999999):
        response = client.post(f"/api/deliveries/{pk}/resolve", {}, content_type="application/json")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
