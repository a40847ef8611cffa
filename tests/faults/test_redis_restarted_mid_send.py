"""Redis (the broker and the cache) crashes and comes back empty in the middle of a
send: the worker reconnects, beat's outbox sweep queues again what the crash took,
and each resident receives the message exactly once (counted in the simulator's
inbox)."""

import pytest
from django.db import transaction

from bench.delivery import seed_users
from hakobou.testing import figures
from messaging import simulator
from messaging.models import OutboxChunk
from messaging.services import outbox_enqueue
from tests.faults.stage import inbox_of

pytestmark = pytest.mark.django_db(transaction=True)
RECIPIENTS = 10_000
NOTICE = [{"type": "text", "text": "【函館市】給水所を開設しました（障害試験）"}]


def test_a_send_resumes_after_redis_restarts_and_each_resident_gets_it_once(stage, answers):
    user_ids = seed_users(RECIPIENTS)
    simulator.config_update(latency_ms=300)
    stage.start_worker()
    with transaction.atomic():
        message = outbox_enqueue(user_ids=user_ids, messages=NOTICE, purpose="fault: redis")
    # Beat's clock starts with the message: its second sweep, a minute on, is the first
    # that finds the message old enough to queue again (SWEEP_GRACE).
    stage.start_beat()
    stage.wait_until_mid_send(message)

    stage.redis.crash()  # no persistence: every queued task goes with it
    chunks = OutboxChunk.objects.filter(message=message)
    left = chunks.exclude(status=OutboxChunk.Status.SENT).count()
    stage.redis.start()
    stage.wait_until_sent(message=message)

    inbox = inbox_of(user_ids)
    figures.count("fault: redis restarts mid-send")
    figures.count("fault: requests not yet sent when redis crashed", left)
    assert left >= 1
    inbox.check(recipients=RECIPIENTS, answered_409=answers["409"])
    assert set(chunks.values_list("status", flat=True)) == {OutboxChunk.Status.SENT}
