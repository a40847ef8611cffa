"""With the broker down the webhook still answers 200; the sweep processes later."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hakobou.testing.broker import broker_unreachable
from messaging.models import WebhookEvent
from messaging.tasks import webhook_sweep_task
from messaging.tests.webhook_helpers import follow, received
from messaging.webhook import webhook_events_stuck

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_event_whose_task_was_lost_is_processed_by_the_sweep(client, user):
    with broker_unreachable():
        response = follow(client, user)

    assert response.status_code == 200
    event = WebhookEvent.objects.get()
    assert event.status == WebhookEvent.Status.RECEIVED  # stored, not lost
    assert webhook_events_stuck() == []  # its task may still be on the way
    WebhookEvent.objects.update(received_at=timezone.now() - timedelta(minutes=5))

    assert webhook_sweep_task() == 1
    event.refresh_from_db()
    assert event.status == WebhookEvent.Status.DONE
    assert received(user, to_user_only=False) == 1
