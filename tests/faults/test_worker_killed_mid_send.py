"""A Celery worker killed (SIGKILL) in the middle of a send: a new worker and beat's
outbox sweep finish it by themselves, and each resident receives the message exactly
once (counted in the simulator's inbox)."""

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
NOTICE = [{"type": "text", "text": "【函館市】避難所を開設しました（障害試験）"}]


def test_a_send_resumes_after_its_worker_is_killed_and_each_resident_gets_it_once(stage, answers):
    user_ids = seed_users(RECIPIENTS)
    simulator.config_update(latency_ms=300)  # requests long enough to be killed mid-way
    worker = stage.start_worker()
    with transaction.atomic():
        message = outbox_enqueue(user_ids=user_ids, messages=NOTICE, purpose="fault: kill")
    # Beat's clock starts with the message: its second sweep, a minute on, is the first
    # that finds the message old enough to queue again (SWEEP_GRACE).
    stage.start_beat()
    stage.wait_until_mid_send(message)

    stage.kill_worker(worker)
    chunks = OutboxChunk.objects.filter(message=message)
    in_flight = chunks.filter(status=OutboxChunk.Status.SENDING)
    killed_mid_request = in_flight.count()
    # Nothing is helped along: the sweep gives the dead worker's claims up after
    # OUTBOX_STALE_CLAIM_SECONDS (short on this stage), queues them, and the new worker
    # sends them with their retry keys, as it does the requests the dead worker had
    # taken from the queue.
    stage.start_worker()
    stage.wait_until_sent(message=message)

    inbox = inbox_of(user_ids)
    figures.count("fault: workers killed mid-send")
    figures.count("fault: requests in flight when the worker was killed", killed_mid_request)
    assert killed_mid_request >= 1
    inbox.check(recipients=RECIPIENTS, answered_409=answers["409"])
    assert set(chunks.values_list("status", flat=True)) == {OutboxChunk.Status.SENT}
