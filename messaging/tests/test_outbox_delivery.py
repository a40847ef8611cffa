"""Outbox delivery against the LINE simulator over HTTP: counted at the simulator."""

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from hakobou.testing.broker import broker_unreachable
from messaging import line, simulator
from messaging.models import LineFriend, OutboxChunk, OutboxMessage, SimulatedMessage
from messaging.services import outbox_chunk_send, outbox_enqueue, outbox_sweep
from messaging.tests.conftest import received

pytestmark = pytest.mark.django_db(transaction=True)
HELLO = [{"type": "text", "text": "避難所が開設されました"}]


def drain(max_rounds=50):
    """Run the sweep as beat would, with the clock moved past every back-off."""
    for round_ in range(max_rounds):
        due = outbox_sweep(now=timezone.now() + timedelta(hours=1 + round_))
        if not due:
            return round_
        for chunk_id in due:
            outbox_chunk_send(chunk_id=chunk_id, now=timezone.now() + timedelta(hours=1 + round_))
    raise AssertionError("the outbox did not drain")


def test_a_push_is_delivered_once_after_commit(line_users):
    (user_id,) = line_users(1)
    with transaction.atomic():
        message = outbox_enqueue(user_ids=[user_id], messages=HELLO, purpose="test")
        assert received(user_id) == 0  # nothing leaves before the domain write commits
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert message.kind == OutboxMessage.Kind.PUSH
    assert received(user_id) == 1


def test_nothing_is_sent_when_the_domain_transaction_rolls_back(line_users):
    (user_id,) = line_users(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(user_ids=[user_id], messages=HELLO)
        raise RuntimeError("the domain write failed")
    assert not OutboxMessage.objects.exists()
    assert received(user_id) == 0


def test_a_multicast_is_split_into_chunks_of_500_and_reaches_everyone_once(line_users):
    user_ids = line_users(1_201)
    message = outbox_enqueue(user_ids=user_ids + user_ids[:5], messages=HELLO)
    assert message.chunks.count() == 3
    message.refresh_from_db()
    assert (message.status, message.recipients, message.delivered) == ("sent", 1_201, 1_201)
    assert SimulatedMessage.objects.count() == 1_201
    assert SimulatedMessage.objects.values("user").distinct().count() == 1_201


def test_injected_500s_and_timeouts_still_deliver_exactly_once(line_users, fast_faults):
    user_ids = line_users(1_500)
    simulator.config_update(share_500=0.3, share_timeout=0.3, timeout_delay_ms=600)
    message = outbox_enqueue(user_ids=user_ids, messages=HELLO)
    drain()
    simulator.config_update(share_500=0, share_timeout=0)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert SimulatedMessage.objects.count() == 1_500
    assert SimulatedMessage.objects.values("user").distinct().count() == 1_500
    assert sum(message.chunks.values_list("attempts", flat=True)) >= 3


def test_a_repeated_retry_key_answers_409_and_delivers_nothing_more(line_users):
    (user_id,) = line_users(1)
    key = str(uuid.uuid4())
    line.push(user_id, HELLO, retry_key=key)
    line.push(user_id, HELLO, retry_key=key)  # 409: already accepted, not an error
    assert received(user_id) == 1


def test_429_backs_off_longer_then_delivers(line_users, settings):
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 10
    (user_id,) = line_users(1)
    simulator.config_update(share_429=1.0)
    message = outbox_enqueue(user_ids=[user_id], messages=HELLO)
    chunk = message.chunks.get()
    assert chunk.status == OutboxChunk.Status.PENDING
    assert chunk.last_status == 429
    assert chunk.next_attempt_at > timezone.now() + timedelta(seconds=15)  # ≥ 4 × base × 0.5
    assert outbox_chunk_send(chunk_id=chunk.pk).status == "skipped"  # not due yet
    simulator.config_update(share_429=0)
    drain()
    assert received(user_id) == 1


def test_a_permanent_4xx_fails_at_once_and_keeps_the_error(line_users):
    message = outbox_enqueue(user_ids=["not-a-line-user"], messages=HELLO)
    chunk = message.chunks.get()
    assert (chunk.status, chunk.attempts, chunk.last_status) == ("failed", 1, 400)
    assert "to" in chunk.last_error
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.FAILED
    assert outbox_sweep() == []


def test_users_who_blocked_the_account_are_skipped_and_counted(line_users):
    user_ids = line_users(3)
    LineFriend.objects.create(user_id=user_ids[1], blocked_at=timezone.now())
    message = outbox_enqueue(user_ids=user_ids, messages=HELLO)
    message.refresh_from_db()
    assert (message.delivered, message.skipped_blocked) == (2, 1)
    assert [received(u) for u in user_ids] == [1, 0, 1]


def test_the_same_domain_event_is_queued_once(line_users):
    (user_id,) = line_users(1)
    first = outbox_enqueue(user_ids=[user_id], messages=HELLO, dedupe_key="pickup:1:claimed")
    second = outbox_enqueue(user_ids=[user_id], messages=HELLO, dedupe_key="pickup:1:claimed")
    assert first.pk == second.pk
    assert received(user_id) == 1


def test_a_broker_outage_during_the_domain_write_is_caught_up_by_the_sweep(line_users):
    (user_id,) = line_users(1)
    with broker_unreachable(), transaction.atomic():
        message = outbox_enqueue(user_ids=[user_id], messages=HELLO)
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING  # committed, not lost
    assert received(user_id) == 0
    drain()
    assert received(user_id) == 1


def test_a_chunk_left_sending_by_a_dead_worker_is_resent_safely(line_users):
    (user_id,) = line_users(1)
    message = outbox_enqueue(user_ids=[user_id], messages=HELLO)
    chunk = message.chunks.get()
    # The worker sent it, then died before recording that.
    OutboxChunk.objects.filter(pk=chunk.pk).update(
        status="sending", claimed_at=timezone.now() - timedelta(minutes=10)
    )
    drain()
    chunk.refresh_from_db()
    assert chunk.status == "sent"
    assert received(user_id) == 1  # the stored retry key made the resend a 409


def test_the_sweep_leaves_a_just_queued_chunk_to_its_task(line_users):
    (user_id,) = line_users(1)
    with transaction.atomic():
        message = outbox_enqueue(user_ids=[user_id], messages=HELLO)
        transaction.set_rollback(False)
    OutboxChunk.objects.filter(message=message).update(status="pending", next_attempt_at=None)
    chunk_id = message.chunks.get().pk
    assert outbox_sweep() == []
    assert outbox_sweep(now=timezone.now() + timedelta(minutes=2)) == [chunk_id]
