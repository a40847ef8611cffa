"""LINE's webhook: events are verified, stored once, answered 200 at once, and
processed in a task, one per body (what each event does lives in messaging/events.py).

LINE may deliver an event twice (a redelivery after a timeout, or two deliveries at
once); its ``webhookEventId`` is unique in our table, so only the delivery that
stored it queues processing. Processing claims the row before running the handler
and records the outcome in the same transaction, so a re-run task does nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lib.tasks import publish
from messaging import events, line
from messaging.models import WebhookEvent

__all__ = [
    "MalformedWebhook",
    "line_webhook",
    "webhook_event_process",
    "webhook_events_receive",
    "webhook_events_stuck",
]

logger = logging.getLogger(__name__)

# An event still "received" this long after it arrived lost its task (broker down).
STUCK_AFTER = timedelta(minutes=2)


class MalformedWebhook(Exception):
    """Correctly signed, but not a webhook body we can read."""


@csrf_exempt
@require_POST
def line_webhook(request: HttpRequest) -> HttpResponse:
    try:
        webhook_events_receive(body=request.body, signature=request.headers.get("X-Line-Signature"))
    except line.InvalidSignature:
        logger.warning("webhook: rejected a request with a missing or invalid signature")
        return HttpResponseBadRequest("invalid signature")
    except MalformedWebhook as exc:
        logger.warning("webhook: rejected a signed but malformed body (%s)", exc)
        return HttpResponseBadRequest("malformed body")
    return HttpResponse("OK")


def _event_id(raw: dict) -> str:
    event_id = raw.get("webhookEventId")
    if isinstance(event_id, str) and event_id:
        return event_id[:64]
    # Every LINE event has one; should one ever be missing, its content still dedupes.
    return hashlib.sha256(json.dumps(raw, sort_keys=True).encode()).hexdigest()


def webhook_events_receive(*, body: bytes, signature: str | None) -> list[WebhookEvent]:
    """Verify the body, store each event not seen before and queue its processing.

    Returns the newly stored events. Raises line.InvalidSignature, MalformedWebhook.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedWebhook("not UTF-8") from None
    try:
        line.parse_webhook(text, signature)  # the SDK verifies the signature and the shape
    except line.InvalidSignature:
        raise
    except Exception as exc:
        raise MalformedWebhook(type(exc).__name__) from None
    raw_events = json.loads(text).get("events")
    if not isinstance(raw_events, list) or not all(isinstance(e, dict) for e in raw_events):
        raise MalformedWebhook("events is not a list of objects")

    stored = []
    with transaction.atomic():
        for raw in raw_events:
            # The unique event_id decides: of two deliveries at once, one inserts and
            # the other (blocked until the first commits) finds the row.
            event, created = WebhookEvent.objects.get_or_create(
                event_id=_event_id(raw),
                defaults={
                    "event_type": str(raw.get("type", ""))[:30],
                    "payload": raw,
                    "is_redelivery": bool((raw.get("deliveryContext") or {}).get("isRedelivery")),
                },
            )
            if created:
                stored.append(event)
        if stored:
            # One task for the body's new events (LINE often sends several at once).
            pks = [event.pk for event in stored]
            transaction.on_commit(lambda: _queue(pks))
    return stored


def _queue(event_pks: list[int]) -> None:
    from messaging.tasks import process_webhook_events_task

    try:
        publish(process_webhook_events_task, event_pks)
    except Exception:
        # The broker is down (or, with eager tasks, processing broke): the events are
        # stored, LINE must still get its 200, and the sweep processes them later.
        logger.exception("webhook: could not process events %s now; the sweep will", event_pks)


def webhook_event_process(*, event: WebhookEvent) -> WebhookEvent:
    """Run the event's handler once; record done, or failed with the error's type.

    A failed handler leaves nothing half-written: its writes are rolled back.
    """
    replies: list[dict] | None = None
    with transaction.atomic():
        claimed = (
            WebhookEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=event.pk, status=WebhookEvent.Status.RECEIVED)
            .first()
        )
        if claimed is None:
            # Done or failed already, or another worker holds it right now.
            event.refresh_from_db()
            return event
        handler = events.HANDLERS.get(claimed.event_type)
        error = ""
        try:
            with transaction.atomic():
                replies = handler(claimed) if handler is not None else None
        except Exception as exc:
            # The log gets the traceback; the row only the error's type (no personal data).
            logger.exception("webhook: %s event %s failed", claimed.event_type, claimed.event_id)
            error = type(exc).__name__
            with translation.override(settings.LANGUAGE_CODE):
                replies = [
                    events.text(
                        _("ただいま処理できませんでした。時間をおいてもう一度お試しください。")
                    )
                ]
        finished = WebhookEvent.objects.filter(
            pk=claimed.pk, status=WebhookEvent.Status.RECEIVED
        ).update(
            status=WebhookEvent.Status.FAILED if error else WebhookEvent.Status.DONE,
            error=error,
            processed_at=timezone.now(),
        )
        if not finished:
            # SQLite has no row locks: another worker finished it meanwhile, so
            # this run's writes are undone.
            transaction.set_rollback(True)
            replies = None
        reply_token = claimed.payload.get("replyToken")
        if replies and isinstance(reply_token, str):
            transaction.on_commit(lambda: _reply(reply_token, replies))
    event.refresh_from_db()
    return event


def _reply(reply_token: str, messages: list[dict]) -> None:
    # A reply token is good once, for about a minute: a failed reply is not retried.
    try:
        line.reply(reply_token, messages[: line.MAX_MESSAGES_PER_REQUEST])
    except line.LineError as exc:
        logger.warning("webhook: reply failed (%s: %s)", type(exc).__name__, exc)


def webhook_events_stuck(*, now=None) -> list[int]:
    """Events whose task never ran (the broker was down when they arrived)."""
    now = now or timezone.now()
    return list(
        WebhookEvent.objects.filter(
            status=WebhookEvent.Status.RECEIVED, received_at__lt=now - STUCK_AFTER
        )
        .order_by("received_at")
        .values_list("pk", flat=True)
    )
