"""The outbox: messages are written in the domain's transaction and delivered after
commit, each LINE request exactly once.

Exactly once rests on two things. Each chunk (one LINE request) gets a retry key when
it is written, and every attempt sends that same key, so LINE accepts a request at
most once and answers a repeat with 409, which we count as sent. And a chunk is
claimed with a conditional UPDATE before it is sent, so two workers (a re-run task,
the sweep) never send it at the same moment.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone, translation

from lib.tasks import publish
from messaging import line, rate_limits
from messaging.friends import blocked_friends, reachable_friends
from messaging.models import OutboxChunk, OutboxMessage

logger = logging.getLogger(__name__)

# A chunk due for less than this is probably still queued in the broker; the sweep
# leaves it to its task rather than queueing it twice.
SWEEP_GRACE = timedelta(seconds=60)
MAX_BACKOFF_SECONDS = 600


def outbox_enqueue(
    *,
    user_ids: Sequence[str] | None,
    messages: list[dict],
    purpose: str = "",
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """Queue messages for LINE users (``None``: a broadcast to every friend).

    Call it inside the domain service's transaction: the message is sent only if
    that transaction commits. With ``dedupe_key`` a second call for the same domain
    event returns the first message instead of sending again.
    """
    if not 1 <= len(messages) <= line.MAX_MESSAGES_PER_REQUEST:
        raise ValueError("a message carries 1 to 5 LINE messages")
    recipients = list(dict.fromkeys(user_ids)) if user_ids is not None else None
    if recipients is None:
        kind, groups = OutboxMessage.Kind.BROADCAST, [[]]
    elif len(recipients) == 1:
        kind, groups = OutboxMessage.Kind.PUSH, [recipients]
    else:
        size = line.MULTICAST_MAX_RECIPIENTS
        kind = OutboxMessage.Kind.MULTICAST
        groups = [recipients[i : i + size] for i in range(0, len(recipients), size)]
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                kind=kind,
                messages=messages,
                purpose=purpose,
                dedupe_key=dedupe_key,
                recipients=len(recipients) if recipients is not None else 0,
            )
            OutboxChunk.objects.bulk_create(
                [
                    OutboxChunk(message=message, user_ids=group, retry_key=uuid.uuid4())
                    for group in groups
                    if group or kind == OutboxMessage.Kind.BROADCAST
                ],
                batch_size=500,
            )
    except IntegrityError:
        if dedupe_key is None:
            raise
        return OutboxMessage.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: _dispatch(message.pk))
    return message


def outbox_enqueue_text(
    *, user_ids: Iterable[str], text: Callable[[], str], purpose: str, dedupe_key: str
) -> None:
    """Queue a text for these LINE users, each in their own language: ``text`` is called
    inside the language override."""
    outbox_enqueue_localized(
        user_ids=user_ids,
        messages=lambda: [{"type": "text", "text": text()}],
        purpose=purpose,
        dedupe_key=dedupe_key,
    )


def outbox_enqueue_localized(
    *,
    user_ids: Iterable[str],
    messages: Callable[[], list[dict]],
    purpose: str,
    dedupe_key: str,
) -> None:
    """Queue LINE messages for these users, each in their own language: ``messages`` is
    called inside the language override. Users who do not follow the account (or
    blocked it) are left out; one outbox message per language, deduplicated by key."""
    wanted = list(dict.fromkeys(user_ids))
    reachable = reachable_friends(wanted)
    by_language: dict[str, list[str]] = defaultdict(list)
    for user_id in wanted:
        if user_id in reachable:
            by_language[reachable[user_id]].append(user_id)
    for language, recipients in by_language.items():
        with translation.override(language):
            body = messages()
        outbox_enqueue(
            user_ids=recipients,
            messages=body,
            purpose=purpose,
            dedupe_key=f"{dedupe_key}:{language}",
        )


def _dispatch(message_id: int) -> None:
    from messaging.tasks import outbox_deliver_task

    try:
        publish(outbox_deliver_task, message_id)
    except Exception:  # the broker is down: the row is committed, the sweep sends it later
        logger.warning("outbox: could not queue message %s; the sweep will", message_id)


@dataclass(frozen=True)
class SendOutcome:
    status: str  # "sent", "failed", "retry", "skipped" (not due or claimed elsewhere)
    retry_in: float | None = None


def due_chunk_ids(*, message_id: int | None = None, now=None, grace=timedelta(0)) -> list[int]:
    now = now or timezone.now()
    due = OutboxChunk.objects.filter(status=OutboxChunk.Status.PENDING).filter(
        Q(next_attempt_at__isnull=True, message__created_at__lte=now - grace)
        | Q(next_attempt_at__lte=now - grace)
    )
    if message_id is not None:
        due = due.filter(message_id=message_id)
    return list(due.order_by("pk").values_list("pk", flat=True))


def _backoff(attempts: int, *, rate_limited: bool) -> float:
    base = settings.OUTBOX_BACKOFF_BASE_SECONDS * (4 if rate_limited else 1)
    delay = min(base * 2 ** max(attempts - 1, 0), MAX_BACKOFF_SECONDS)
    return delay * random.uniform(0.5, 1.5)  # noqa: S311 - jitter spreads retries out


def _without_blocked(user_ids: list[str]) -> tuple[list[str], int]:
    blocked = blocked_friends(user_ids)
    return [u for u in user_ids if u not in blocked], len(blocked)


def outbox_chunk_send(*, chunk_id: int, now=None) -> SendOutcome:
    """One attempt at one LINE request."""
    now = now or timezone.now()
    claimed = (
        OutboxChunk.objects.filter(pk=chunk_id, status=OutboxChunk.Status.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=OutboxChunk.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not claimed:
        return SendOutcome("skipped")
    chunk = OutboxChunk.objects.select_related("message").get(pk=chunk_id)
    message = chunk.message
    recipients, skipped = _without_blocked(chunk.user_ids)
    if recipients or message.kind == OutboxMessage.Kind.BROADCAST:
        # Wait for LINE's rate limit here rather than meet it as a 429 (rate_limits).
        reservation = rate_limits.reserve(message.kind)
        if not reservation.reserved:
            return _put_back(chunk, now=now, delay=reservation.wait)
        if reservation.wait:
            time.sleep(reservation.wait)
    try:
        if message.kind == OutboxMessage.Kind.BROADCAST:
            line.broadcast(message.messages, retry_key=str(chunk.retry_key))
        elif not recipients:
            pass  # everyone in this chunk blocked the account
        elif message.kind == OutboxMessage.Kind.PUSH:
            line.push(recipients[0], message.messages, retry_key=str(chunk.retry_key))
        else:
            line.multicast(recipients, message.messages, retry_key=str(chunk.retry_key))
    except line.LineRejected as exc:
        _finish(chunk, OutboxChunk.Status.FAILED, status_code=exc.status, error=str(exc))
        outcome = SendOutcome("failed")
    except line.LineUnavailable as exc:
        rate_limited = isinstance(exc, line.LineRateLimited)
        code = 429 if rate_limited else None
        if chunk.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            _finish(chunk, OutboxChunk.Status.FAILED, status_code=code, error=str(exc))
            outcome = SendOutcome("failed")
        else:
            delay = _backoff(chunk.attempts, rate_limited=rate_limited)
            OutboxChunk.objects.filter(pk=chunk.pk).update(
                status=OutboxChunk.Status.PENDING,
                next_attempt_at=now + timedelta(seconds=delay),
                last_status=code,
                last_error=str(exc)[:1000],
            )
            outcome = SendOutcome("retry", retry_in=delay)
    else:
        _finish(
            chunk,
            OutboxChunk.Status.SENT,
            delivered=len(recipients) if message.kind != OutboxMessage.Kind.BROADCAST else 0,
            skipped=skipped,
            status_code=200,
        )
        outcome = SendOutcome("sent")
    outbox_message_refresh(message_id=message.pk)
    return outcome


def _put_back(chunk: OutboxChunk, *, now, delay: float) -> SendOutcome:
    """Not sent: the rate limit's next token is further off than a worker should sleep.
    Due again then; it was not an attempt, so it costs none of the chunk's attempts."""
    OutboxChunk.objects.filter(pk=chunk.pk, status=OutboxChunk.Status.SENDING).update(
        status=OutboxChunk.Status.PENDING,
        attempts=F("attempts") - 1,
        claimed_at=None,
        next_attempt_at=now + timedelta(seconds=delay),
    )
    return SendOutcome("retry", retry_in=delay)


def _finish(chunk, status, *, status_code=None, error="", delivered=0, skipped=0) -> None:
    OutboxChunk.objects.filter(pk=chunk.pk).update(
        status=status,
        last_status=status_code,
        last_error=error[:1000],
        delivered=delivered,
        skipped_blocked=skipped,
        sent_at=timezone.now() if status == OutboxChunk.Status.SENT else None,
    )


@transaction.atomic
def outbox_message_refresh(*, message_id: int) -> None:
    """Recompute a message's status and counts from its chunks.

    The message row is locked first: two chunks finishing together must not let a
    stale "pending" overwrite the final "sent".
    """
    OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
    stats = OutboxChunk.objects.filter(message_id=message_id).aggregate(
        open=Count("pk", filter=Q(status__in=["pending", "sending"])),
        sent=Count("pk", filter=Q(status="sent")),
        failed=Count("pk", filter=Q(status="failed")),
        delivered=Sum("delivered"),
        skipped=Sum("skipped_blocked"),
    )
    if stats["open"]:
        status = OutboxMessage.Status.PENDING
    elif not stats["failed"]:
        status = OutboxMessage.Status.SENT
    elif stats["sent"]:
        status = OutboxMessage.Status.PARTIAL
    else:
        status = OutboxMessage.Status.FAILED
    OutboxMessage.objects.filter(pk=message_id).update(
        status=status,
        delivered=stats["delivered"] or 0,
        skipped_blocked=stats["skipped"] or 0,
        finished_at=None if status == OutboxMessage.Status.PENDING else timezone.now(),
    )


def outbox_sweep(*, now=None) -> list[int]:
    """Chunks to (re)send: due pending ones, and ones a dead worker left "sending".

    Re-sending a stale claim is safe: its retry key makes LINE answer 409 if the
    first attempt got through.
    """
    now = now or timezone.now()
    # A chunk claimed longer ago than this belongs to a worker that died mid-send.
    stale = now - timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)
    OutboxChunk.objects.filter(status=OutboxChunk.Status.SENDING, claimed_at__lt=stale).update(
        status=OutboxChunk.Status.PENDING, next_attempt_at=now - SWEEP_GRACE
    )
    return due_chunk_ids(now=now, grace=SWEEP_GRACE)


def outbox_retry_failed(*, message_ids: Sequence[int]) -> int:
    """Send again the requests of these messages that failed for good, and only those:
    each keeps its retry key, so a request LINE did accept after all (a timeout on the
    way back) is answered 409 and counted as sent, never delivered twice. Returns how
    many requests were re-armed."""
    failed = OutboxChunk.objects.filter(
        message_id__in=list(message_ids), status=OutboxChunk.Status.FAILED
    )
    with transaction.atomic():
        touched = list(failed.values_list("message_id", flat=True).distinct())
        rearmed = failed.update(
            status=OutboxChunk.Status.PENDING,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            last_error="",
        )
        for message_id in touched:
            outbox_message_refresh(message_id=message_id)
            transaction.on_commit(lambda pk=message_id: _dispatch(pk))
    return rearmed


@dataclass(frozen=True)
class OutboxReport:
    queued: int  # recipients whose request is still to be sent (or being sent)
    sent: int  # recipients LINE accepted
    failed: int  # recipients of requests that failed for good
    blocked: int  # recipients left out at sending time (they blocked the account)

    @property
    def total(self) -> int:
        return self.queued + self.sent + self.failed + self.blocked


def outbox_report(*, message_ids: Sequence[int]) -> OutboxReport:
    """Where the recipients of these messages stand, from their requests."""
    counts: dict[str, int] = defaultdict(int)
    blocked = 0
    chunks = OutboxChunk.objects.filter(message_id__in=list(message_ids)).values_list(
        "status", "user_ids", "delivered", "skipped_blocked"
    )
    for status, user_ids, delivered, skipped in chunks:
        if status == OutboxChunk.Status.SENT:
            counts["sent"] += delivered
            blocked += skipped
        elif status == OutboxChunk.Status.FAILED:
            counts["failed"] += len(user_ids)
        else:
            counts["queued"] += len(user_ids)
    return OutboxReport(
        queued=counts["queued"], sent=counts["sent"], failed=counts["failed"], blocked=blocked
    )
