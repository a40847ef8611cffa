"""Sending never outruns LINE's per-channel rate limits: every sender takes a token
from one bucket (shared through Redis) before each LINE request, and the simulator
answers 429 above its limits as LINE does. Counted at the simulator."""

import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from hakobou.testing.broker import broker_in_memory
from hakobou.testing.concurrency import at_once
from messaging import line, rate_limits, simulator
from messaging.models import OutboxChunk, OutboxMessage, SimulatedMessage
from messaging.services import outbox_chunk_send, outbox_enqueue
from messaging.tests.conftest import received

pytestmark = pytest.mark.django_db(transaction=True)
HELLO = [{"type": "text", "text": "避難所が開設されました"}]


@pytest.fixture(autouse=True)
def fresh_buckets():
    rate_limits.reset()
    yield
    rate_limits.reset()


def queued_multicasts(user_ids: list[str]) -> list[int]:
    """One multicast to each pair of users, written but not sent (no worker runs)."""
    with broker_in_memory():
        for i in range(0, len(user_ids), 2):
            outbox_enqueue(user_ids=user_ids[i : i + 2], messages=HELLO, purpose="test")
    return list(OutboxChunk.objects.order_by("pk").values_list("pk", flat=True))


def test_the_simulator_answers_429_above_its_limit_as_line_does(line_users):
    simulator.config_update(limit_multicast_per_second=2)
    user_ids = line_users(2)
    before = simulator.answered_429_count()
    refused = 0
    for _ in range(8):  # straight through the wrapper, without the outbox's limiter
        try:
            line.multicast(user_ids, HELLO, retry_key=str(uuid.uuid4()))
        except line.LineRateLimited:
            refused += 1
    assert refused >= 2  # 8 requests in at most two one-second windows of 2
    assert simulator.answered_429_count() - before == refused


@pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel writers need PostgreSQL")
def test_a_burst_above_the_limit_from_several_threads_gets_no_429_and_delivers_each_once(
    line_users, settings
):
    # LINE (the simulator) takes 8 multicasts a second; we allow ourselves 4.
    simulator.config_update(limit_multicast_per_second=8)
    settings.LINE_RATE_MULTICAST_PER_SECOND = 4
    user_ids = line_users(30)
    chunk_ids = queued_multicasts(user_ids)
    assert len(chunk_ids) == 15
    before = simulator.answered_429_count()
    # Three workers, five requests each, all at once. (Each holds a database connection
    # while it waits for its tokens; the simulator needs one too: this thread lets go of
    # its own, so a process's pool of four is enough.)
    connection.close()
    shares = [chunk_ids[i::3] for i in range(3)]
    results = at_once(lambda share: [outbox_chunk_send(chunk_id=pk).status for pk in share], shares)

    assert sorted(status for statuses in results for status in statuses) == ["sent"] * 15
    assert simulator.answered_429_count() == before
    assert list(OutboxChunk.objects.values_list("attempts", "last_status").distinct()) == [(1, 200)]
    assert [received(user_id) for user_id in user_ids] == [1] * 30
    assert SimulatedMessage.objects.count() == 30


def test_a_broadcast_past_the_hourly_budget_waits_in_the_outbox_without_using_an_attempt(
    line_users, settings
):
    settings.LINE_RATE_BROADCAST_PER_HOUR = 1
    (user_id,) = line_users(1)
    first = outbox_enqueue(user_ids=None, messages=HELLO)
    first.refresh_from_db()
    assert first.status == OutboxMessage.Status.SENT

    with broker_in_memory():
        second = outbox_enqueue(user_ids=None, messages=HELLO)
    chunk = second.chunks.get()
    outcome = outbox_chunk_send(chunk_id=chunk.pk)
    chunk.refresh_from_db()
    assert outcome.status == "retry"
    assert outcome.retry_in > 3000  # the next broadcast token is about an hour away
    assert (chunk.status, chunk.attempts, chunk.last_status) == ("pending", 0, None)
    assert chunk.next_attempt_at > timezone.now() + timedelta(minutes=50)
    assert received(user_id) == 1


DEAD_REDIS = {"default": {"BACKEND": "lib.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}}


def test_sending_still_works_while_redis_is_down(line_users):
    user_ids = line_users(4)
    with override_settings(CACHES=DEAD_REDIS):
        rate_limits.reset()
        multicast = outbox_enqueue(user_ids=user_ids, messages=HELLO)
        push = outbox_enqueue(user_ids=user_ids[:1], messages=HELLO)
    for message in (multicast, push):
        message.refresh_from_db()
        assert message.status == OutboxMessage.Status.SENT
    assert [received(user_id) for user_id in user_ids] == [2, 1, 1, 1]
