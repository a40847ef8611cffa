"""/line/webhook accepts only bodies signed with the channel secret."""

import json

import pytest

from messaging import simulator
from messaging.models import SimulatedMessage, WebhookEvent
from messaging.tests.webhook_helpers import URL, post
from residents.models import Account

pytestmark = pytest.mark.django_db(transaction=True)
HELLO = {"type": "message", "message": {"id": "1", "type": "text", "text": "こんにちは"}}


def test_a_signed_event_is_stored_as_sent_and_processed(client, user):
    body = simulator.webhook_body(user, HELLO)
    response = post(client, body, simulator.webhook_signature(body))
    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    sent = json.loads(body)["events"][0]
    assert (event.event_id, event.event_type, event.payload) == (
        sent["webhookEventId"],
        "message",
        sent,
    )
    assert event.status == WebhookEvent.Status.DONE
    assert event.processed_at is not None


def test_a_bad_signature_is_refused_and_nothing_is_stored(client, user):
    body = simulator.webhook_body(user, HELLO)
    forged = simulator.webhook_signature(body.replace("こんにちは", "こんばんは"))
    assert post(client, body, forged).status_code == 400
    assert not WebhookEvent.objects.exists()
    assert not Account.objects.exists()
    assert not SimulatedMessage.objects.exists()


def test_a_missing_signature_is_refused(client, user):
    body = simulator.webhook_body(user, HELLO)
    assert post(client, body, None).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, user):
    body = simulator.webhook_body(user, HELLO)
    signature = simulator.webhook_signature(body)
    assert post(client, body.replace("こんにちは", "こんばんは"), signature).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_the_verification_request_without_events_answers_200(client):
    body = json.dumps({"destination": "U" + "0" * 32, "events": []})
    assert post(client, body, simulator.webhook_signature(body)).status_code == 200
    assert not WebhookEvent.objects.exists()


def test_a_signed_body_that_is_not_a_webhook_is_refused(client):
    body = "not json"
    assert post(client, body, simulator.webhook_signature(body)).status_code == 400
    assert not WebhookEvent.objects.exists()


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405
