"""A city-wide notice to 10,000 LINE friends while LINE (the simulator) answers about
one request in ten with a 500, one in ten with a 429 and one in twenty too late: sent
from the composer through the real path (approval, notice_send_task, the outbox, a
Celery worker), each resident receives it exactly once, in their own language (counted
in the simulator's inbox)."""

import random

import pytest
from django.db.models import Sum

from bench.delivery import NOTICE_TEXTS, seed_accounts, seed_users, staff_pair
from hakobou.testing import figures
from messaging import simulator
from messaging.models import LineFriend, OutboxChunk, SimulatedMessage
from notices.models import Notice
from notices.services import notice_approve, notice_create, notice_submit
from tests.faults.stage import inbox_of, wait_for

pytestmark = pytest.mark.django_db(transaction=True)
RECIPIENTS = 10_000


def wrong_language() -> int:
    """Messages whose text is not the notice's in the recipient's language."""
    language = dict(LineFriend.objects.values_list("user_id", "language"))
    return sum(
        1
        for user_id, message in SimulatedMessage.objects.values_list("user__user_id", "message")
        if message.get("text") != NOTICE_TEXTS[language[user_id]]
    )


def test_a_notice_under_line_faults_reaches_each_resident_once(stage, answers, monkeypatch):
    user_ids = seed_users(RECIPIENTS)
    seed_accounts(user_ids)
    author, approver = staff_pair()
    # Seeded, so every run meets the same faults: among the first 21 requests (one per
    # 500 recipients and language) two 500s, two 429s and an answer too late.
    monkeypatch.setattr(simulator, "_random", random.Random(10_001))
    simulator.config_update(
        latency_ms=5, share_500=0.1, share_429=0.1, share_timeout=0.05, timeout_delay_ms=1500
    )
    stage.start_beat()
    stage.start_worker()

    notice = notice_create(
        title="障害試験：全員へのお知らせ",
        segment={"if": "everyone"},
        texts=NOTICE_TEXTS,
        by_user=author,
    )
    notice = notice_submit(notice=notice, by_user=author)
    notice_approve(notice=notice, by_user=approver)  # its commit queues notice_send_task
    notices = Notice.objects.filter(pk=notice.pk)
    wait_for(lambda: notices.get().status == Notice.Status.SENT, what="the notice frozen")
    stage.wait_until_sent(message__purpose=f"notice:{notice.pk}")

    inbox = inbox_of(user_ids)
    chunks = OutboxChunk.objects.filter(message__purpose=f"notice:{notice.pk}")
    injected = answers["500"] + answers["429"]
    figures.count("fault: recipients sent under faults", inbox.received)
    figures.count("fault: requests sent under faults", chunks.count())
    figures.count("fault: attempts under faults", chunks.aggregate(n=Sum("attempts"))["n"])
    figures.count("fault: injected 5xx/429 answered", injected)
    figures.count("fault: injected timeouts answered", answers["timeout"])
    assert answers["500"] >= 2
    assert answers["429"] >= 2
    assert answers["timeout"] >= 1
    inbox.check(recipients=RECIPIENTS, answered_409=answers["409"])
    assert wrong_language() == 0
    assert set(chunks.values_list("status", flat=True)) == {OutboxChunk.Status.SENT}
