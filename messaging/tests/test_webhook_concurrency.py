"""Two deliveries or two workers at once still store and process an event once
(PostgreSQL: SQLite serialises writers on its own)."""

import json
import threading

import pytest
from django.db import connection, transaction

from messaging import simulator
from messaging.models import WebhookEvent
from messaging.tests.webhook_helpers import post, received
from messaging.webhook import webhook_event_process

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def in_another_transaction(work, hold_seconds=0.5):
    """Run ``work`` in a thread's open transaction, held a moment after it ran."""
    ready = threading.Event()

    def run():
        try:
            with transaction.atomic():
                work()
                ready.set()
                threading.Event().wait(hold_seconds)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert ready.wait(10)
    return thread


def test_a_second_delivery_during_the_first_neither_fails_nor_processes(client, user):
    body = simulator.webhook_body(user, {"type": "follow"})
    event = json.loads(body)["events"][0]
    # The first delivery has inserted the event and not committed yet.
    first = in_another_transaction(
        lambda: WebhookEvent.objects.create(
            event_id=event["webhookEventId"], event_type="follow", payload=event
        )
    )
    response = post(client, body)  # waits on the unique index, then finds the row
    first.join()
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert stored.status == WebhookEvent.Status.RECEIVED  # the first delivery's task owns it
    assert received(user, to_user_only=False) == 0
    webhook_event_process(event=stored)
    assert received(user, to_user_only=False) == 1


def test_a_worker_skips_an_event_another_worker_is_processing(client, user):
    body = simulator.webhook_body(user, {"type": "follow"})
    event = json.loads(body)["events"][0]
    stored = WebhookEvent.objects.create(
        event_id=event["webhookEventId"], event_type="follow", payload=event
    )
    busy = in_another_transaction(
        lambda: list(WebhookEvent.objects.select_for_update().filter(pk=stored.pk))
    )
    assert webhook_event_process(event=stored).status == WebhookEvent.Status.RECEIVED
    busy.join()
    assert received(user, to_user_only=False) == 0
    assert webhook_event_process(event=stored).status == WebhookEvent.Status.DONE
    assert received(user, to_user_only=False) == 1
