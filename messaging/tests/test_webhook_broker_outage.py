"""With the broker down the webhook still answers 200; the sweep processes later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hakobou.testing.broker import broker_unreachable
from messaging import simulator
from messaging.models import SimulatedMessage, WebhookEvent
from messaging.tasks import webhook_sweep_task
from messaging.webhook import webhook_events_stuck

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_event_whose_task_was_lost_is_processed_by_the_sweep(client):
    user = simulator.simulated_user_create(display_name="函館 花子")
    body = simulator.webhook_body(user, {"type": "follow"})
    with broker_unreachable():
        response = client.post(
            "/line/webhook",
            data=body,
            content_type="application/json",
            headers={"X-Line-Signature": simulator.webhook_signature(body)},
        )

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.RECEIVED  # stored, not lost
    assert webhook_events_stuck() == []  # its task may still be on the way
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=5))

    assert webhook_sweep_task() == 1
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.DONE
    assert SimulatedMessage.objects.filter(user=user).count() == 1
