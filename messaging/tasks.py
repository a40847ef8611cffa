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
def process_webhook_event_task(event_pk: int) -> None:
    from messaging.models import WebhookEvent
    from messaging.webhook import webhook_event_process

    event = WebhookEvent.objects.filter(pk=event_pk).first()
    if event is not None:
        webhook_event_process(event=event)


@shared_task(ignore_result=True)
def webhook_sweep_task() -> int:
    from messaging.webhook import webhook_events_stuck

    event_pks = webhook_events_stuck()
    for event_pk in event_pks:
        process_webhook_event_task.delay(event_pk)
    return len(event_pks)
