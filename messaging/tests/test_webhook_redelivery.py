"""LINE may deliver an event again (isRedelivery): it is processed once."""

import json

import pytest

from messaging import simulator
from messaging.models import OutboxMessage, WebhookEvent
from messaging.tests.webhook_helpers import post, received
from messaging.webhook import webhook_event_process

pytestmark = pytest.mark.django_db(transaction=True)


def as_redelivery(body: str) -> str:
    payload = json.loads(body)
    for event in payload["events"]:
        event["deliveryContext"] = {"isRedelivery": True}
    return json.dumps(payload, ensure_ascii=False)


def test_a_redelivered_follow_is_processed_once(client, user):
    body = simulator.webhook_body(user, {"type": "follow"})
    assert post(client, body).status_code == 200
    assert post(client, as_redelivery(body)).status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.status, event.is_redelivery) == ("done", False)
    assert OutboxMessage.objects.filter(purpose="welcome").count() == 1
    assert received(user) == 1


def test_processing_an_event_again_does_nothing(client, user):
    body = simulator.webhook_body(user, {"type": "follow"})
    post(client, body)
    event = WebhookEvent.objects.get()
    processed_at = event.processed_at
    assert webhook_event_process(event=event).processed_at == processed_at
    assert received(user) == 1


def test_a_redelivery_of_an_event_never_stored_is_processed(client, user):
    body = as_redelivery(simulator.webhook_body(user, {"type": "follow"}))
    assert post(client, body).status_code == 200
    event = WebhookEvent.objects.get()
    assert (event.status, event.is_redelivery) == ("done", True)
    assert received(user) == 1
