"""Thin Celery tasks for the outbox: load, call the service, re-queue."""

from __future__ import annotations

from celery import shared_task

from messaging import services


@shared_task(ignore_result=True)
def outbox_deliver_task(message_id: int) -> None:
    for chunk_id in services.due_chunk_ids(message_id=message_id):
        outbox_chunk_task.delay(chunk_id)


@shared_task(ignore_result=True, acks_late=True)
def outbox_chunk_task(chunk_id: int) -> None:
    outcome = services.outbox_chunk_send(chunk_id=chunk_id)
    if outcome.retry_in is not None:
        outbox_chunk_task.apply_async((chunk_id,), countdown=outcome.retry_in)


@shared_task(ignore_result=True)
def outbox_sweep_task() -> int:
    chunk_ids = services.outbox_sweep()
    for chunk_id in chunk_ids:
        outbox_chunk_task.delay(chunk_id)
    return len(chunk_ids)


@shared_task(ignore_result=True, acks_late=True)
def process_webhook_events_task(event_pks: list[int]) -> None:
    """The events of one webhook body (or a sweep's batch), in order, each in its own
    transaction: one task per body, not per event, when LINE sends several at once."""
    from messaging.models import WebhookEvent
    from messaging.webhook import webhook_event_process

    events = WebhookEvent.objects.in_bulk(event_pks)
    for pk in event_pks:
        if pk in events:
            webhook_event_process(event=events[pk])


@shared_task(ignore_result=True, acks_late=True)
def process_webhook_event_task(event_pk: int) -> None:
    """One event (tasks queued before events were batched per body)."""
    process_webhook_events_task([event_pk])


# A sweep queues what it finds in tasks of at most this many events.
SWEEP_BATCH = 50


@shared_task(ignore_result=True)
def webhook_sweep_task() -> int:
    from messaging.webhook import webhook_events_stuck

    event_pks = webhook_events_stuck()
    for start in range(0, len(event_pks), SWEEP_BATCH):
        process_webhook_events_task.delay(event_pks[start : start + SWEEP_BATCH])
    return len(event_pks)
