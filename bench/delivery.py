"""Segment delivery benchmark: one message to 300,000 LINE users through the outbox.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hakobou REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/delivery.py [--recipients 300000] [--latency-ms 50] \\
        [--concurrency 8] [--workers 1] [--pool threads|prefork] \\
        [--line-multicast-limit 200] [--rate 150] [--composer]

Target: 300,000 recipients handed to the LINE API (simulated, 50 ms
latency) in ≤ 60 s, each exactly once. Everything runs as it does in production, as
separate processes: the LINE simulator behind gunicorn, a Celery worker fed through
Redis, PostgreSQL. The bench enqueues one multicast with ``outbox_enqueue`` in a
transaction; its on-commit dispatch queues ``outbox_deliver_task`` and the worker does
the rest. The clock runs from the commit to the moment every chunk is sent.

Senders: ``--workers`` Celery worker processes of ``--concurrency`` each (``--workers 2
--concurrency 8``: 16 senders in two processes). However many there are, together they
keep LINE's rate limit: each takes a token from one bucket in Redis before each request
(messaging/rate_limits.py, ``--rate`` multicasts a second), and the simulator answers
429 above ``--line-multicast-limit`` a second as LINE does (200). The bench counts the
simulator's 429s, which must be none.

Floors: the arithmetic one (requests × latency ÷ senders, or requests ÷ rate when the
rate limit is the slower) and one measured in the same run: the same requests sent
straight through ``messaging.line.multicast`` by a thread pool of the same size (each
taking its token too), without the outbox and Celery. The last line printed is the
headline.

``--composer``: the same target measured from the city notice composer, after the run
above (whose outbox figure is then the floor). Each simulated user also gets a resident
account and a following ``LineFriend`` (90 % "ja", 8 % "en", 2 % "ja-easy"), and two
staff users write and approve one notice to ``{"if": "everyone"}`` in the three
languages: ``notice_create`` and ``notice_submit`` (awaiting approval: it is city-wide),
then ``notice_approve``, whose commit queues ``notice_send_task``; the worker freezes
the recipients (``NoticeRecipient``), writes one outbox message per language, and the
outbox delivers them. The clock runs from the composer's first step until every chunk
of the notice's messages is sent; the phases are create + submit, approve, freeze +
enqueue (from the approval's commit until the notice is "sent": recipients frozen,
outbox written) and delivery. Exactly once: each user received one message, the text of
their own language, and the notice froze one LINE recipient per user. Exit status 0 on
target, 2 off target (or any 429), 1 when anyone did not get the notice exactly once.

It never touches the database DATABASE_URL names: it works in a sibling database
``<name>_bench_delivery`` (created when missing; its messaging, resident account and
notice tables emptied), and in its own Redis database (``--redis-db``, default 15),
flushed at start.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import secrets
import socket
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (
    VENV_BIN,
    Child,
    CpuMeter,
    analyze,
    bench_redis_url,
    free_port,
    gunicorn_argv,
    interrupt_on_sigterm,
    log,
    log_problems,
    postgres_bench_url,
    refuse_unless_bench_database,
    run_with_children,
    truncate,
    wait_for_http,
)

SCRIPT = "bench/delivery.py"
BENCH_SUFFIX = "_bench_delivery"
TARGET_S = 60.0
DEFAULT_CONCURRENCY = 8  # CPU-bound from 4 up on 2 cores; 8 stays within the SDK pool (10)
MESSAGES = [{"type": "text", "text": "【函館市】避難所の開設状況をお知らせします（ベンチマーク）"}]
PROBE_PATH = f"/line-sim/v2/bot/profile/U{'0' * 32}"
# --composer: the notice's text in each language, and the friends' languages (of every
# 50 users in seeding order, 45 read Japanese, 4 English, 1 やさしい日本語).
NOTICE_TEXTS = {
    "ja": "【函館市】避難所の開設状況をお知らせします（ベンチマーク）",
    "en": "[Hakodate City] Shelters now open (benchmark)",
    "ja-easy": "【はこだて し】ひなんじょ が あきました（べんちまーく）",
}
LANGUAGE_SLOTS = ["ja"] * 45 + ["en"] * 4 + ["ja-easy"]
AUTHOR, APPROVER = "bench-delivery-author", "bench-delivery-approver"


# --- isolation: own database, own Redis database ----------------------------------------


def setup_django(redis_db: int, simulator_url: str, rate: float) -> dict[str, str]:
    """Point this process at the bench database / Redis and return the environment the
    child processes get (the same one, so they agree on the simulator's token and on
    the rate limit)."""
    env = {
        # The simulator's channel token is derived from it: made for this run.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "LINE_RATE_MULTICAST_PER_SECOND": repr(rate),
        "DATABASE_URL": postgres_bench_url(BENCH_SUFFIX, SCRIPT),
        "REDIS_URL": bench_redis_url(redis_db, SCRIPT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LINE_MODE": "simulator",
        "LINE_SIMULATOR_URL": simulator_url,
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "hakobou.settings",
        "LOG_LEVEL": "WARNING",
        # Keep each thread's connection for the whole run (production's 60 s would
        # reconnect mid-run and hide the closed backends' CPU from the accounting).
        "DATABASE_CONN_MAX_AGE": "600",
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    import hakobou.celery  # noqa: F401 - .delay() must use the project's broker

    name = refuse_unless_bench_database(BENCH_SUFFIX)
    # Production-like in this process: DEBUG keeps every SQL string and costs per query.
    settings.DEBUG = False
    # The warm-up and the measured floor share the SDK's pool of 10 connections between
    # more threads; urllib3's "pool is full" notices would drown the progress lines.
    logging.getLogger("urllib3.connectionpool").setLevel(logging.ERROR)
    log(f"database: {connection.vendor} {name}; redis: {env['REDIS_URL'].rsplit('@', 1)[-1]}")
    call_command("migrate", verbosity=0, interactive=False)
    return {**os.environ, **env}


def messaging_tables(*, users: bool = True) -> list[str]:
    """The messaging app's tables (without the simulated users and the simulator's
    configuration when ``users`` is false)."""
    from messaging.models import (
        OutboxChunk,
        OutboxMessage,
        SimulatedMessage,
        SimulatedRequest,
        SimulatedUser,
        SimulatorConfig,
        WebhookEvent,
    )

    models = [SimulatedMessage, SimulatedRequest, OutboxChunk, OutboxMessage, WebhookEvent]
    if users:
        models += [SimulatedUser, SimulatorConfig]
    return [m._meta.db_table for m in models]


def composer_tables() -> list[str]:
    """What --composer seeds and writes besides messaging's tables: resident accounts
    (TRUNCATE … CASCADE empties what points at them), LINE friends, notices. Emptied in
    both modes, so each starts from the same tables."""
    from messaging.models import LineFriend
    from notices.models import Notice, NoticeRecipient, Segment
    from residents.models import Account

    return [m._meta.db_table for m in (NoticeRecipient, Notice, Segment, Account, LineFriend)]


# --- seed ----------------------------------------------------------------------------


def seed_users(count: int) -> list[str]:
    """``count`` simulated friends (COPY), ids in creation order."""
    from django.db import connection
    from django.utils import timezone

    from messaging.models import SimulatedUser

    rng = random.Random(300_000)  # noqa: S311 - synthetic ids
    user_ids: list[str] = []
    seen: set[str] = set()
    while len(user_ids) < count:
        user_id = f"U{rng.getrandbits(128):032x}"
        if user_id not in seen:
            seen.add(user_id)
            user_ids.append(user_id)
    now = timezone.now()
    table = SimulatedUser._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        statement = (
            f"COPY {table} (user_id, display_name, language, is_friend, created_at) FROM STDIN"
        )
        with cursor.copy(statement) as copy:
            for n, user_id in enumerate(user_ids):
                copy.write_row((user_id, f"住民{n:06d}", "ja", True, now))
    analyze([table])
    log(f"  seeded {count} simulated LINE friends in {time.perf_counter() - started:.1f} s")
    return user_ids


def seed_accounts(user_ids: list[str]) -> dict[str, int]:
    """For --composer: a resident account and a following LINE friend per user id (COPY),
    in LANGUAGE_SLOTS' languages; how many friends read each language."""
    from django.db import connection
    from django.utils import timezone

    from messaging.models import LineFriend
    from residents.models import Account

    now = timezone.now()
    languages: dict[str, int] = dict.fromkeys(NOTICE_TEXTS, 0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # The other columns are nullable (no consent, withdrawal, suspension, recovery
        # code): a LINE account as sign-in creates it.
        table = Account._meta.db_table
        statement = f"COPY {table} (line_user_id, display_name, created_at) FROM STDIN"
        with cursor.copy(statement) as copy:
            for n, user_id in enumerate(user_ids):
                copy.write_row((user_id, f"住民{n:06d}", now))
        statement = (
            f"COPY {LineFriend._meta.db_table} "
            "(user_id, display_name, language, is_following, blocked_at, created_at) FROM STDIN"
        )
        with cursor.copy(statement) as copy:
            for n, user_id in enumerate(user_ids):
                language = LANGUAGE_SLOTS[n % len(LANGUAGE_SLOTS)]
                languages[language] += 1
                copy.write_row((user_id, f"住民{n:06d}", language, True, None, now))
    analyze([Account._meta.db_table, LineFriend._meta.db_table])
    shares = ", ".join(f"{code} {n}" for code, n in languages.items())
    log(
        f"  seeded {len(user_ids)} resident accounts and following LINE friends ({shares}) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return languages


def staff_pair():
    """The notice's author and its approver (two city staff: four eyes)."""
    from areas.services import staff_upsert

    author = staff_upsert(username=AUTHOR, password=None, full_name="ベンチ 作成者")
    approver = staff_upsert(username=APPROVER, password=None, full_name="ベンチ 承認者")
    return author, approver


# --- child processes -----------------------------------------------------------------


def start_simulator(
    children: list[Child], env: dict[str, str], port: int, workers: int, threads: int, logdir: Path
) -> None:
    child = Child("simulator", gunicorn_argv(port, workers, threads, "gthread"), env, logdir)
    children.append(child)
    # No token: the simulator answers 401 like LINE, so it is up.
    probe = f"http://127.0.0.1:{port}{PROBE_PATH}"
    wait_for_http(child, probe, ready={401}, what="the simulator server")


def start_worker(
    children: list[Child],
    env: dict[str, str],
    concurrency: int,
    pool: str,
    logdir: Path,
    number: int = 0,
) -> None:
    from hakobou.celery import app

    node = f"bench-delivery-{os.getpid()}-{number}@%h"
    argv = [
        str(VENV_BIN / "celery"), "-A", "hakobou", "worker",
        "--pool", pool,
        "--concurrency", str(concurrency),
        "--loglevel", "WARNING",
        "--hostname", node,
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    child = Child(f"worker-{number}", argv, env, logdir)
    children.append(child)
    destination = [node.replace("%h", socket.gethostname())]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not child.alive():
            raise SystemExit(f"the Celery worker exited:\n{child.tail()}")
        if app.control.ping(destination=destination, timeout=0.5):
            return
        time.sleep(0.2)
    raise SystemExit(f"the Celery worker did not answer within 60 s:\n{child.tail()}")


# --- floors --------------------------------------------------------------------------


def limited_multicast(user_ids: list[str]) -> None:
    """One multicast straight through the LINE wrapper, after its rate-limit token (the
    same bucket the workers take theirs from)."""
    from messaging import line, rate_limits

    retry_key = str(uuid.uuid4())
    for attempt in range(3):
        rate_limits.wait_for_token("multicast")
        try:
            line.multicast(user_ids, MESSAGES, retry_key=retry_key)
            return
        except line.LineRetryable:
            # A pooled connection the server closed while it was idle (gunicorn keeps
            # them 2 s): the same key again, as the outbox would.
            if attempt == 2:
                raise


def measured_floor(user_ids: list[str], concurrency: int) -> float:
    """The same multicasts sent straight through the LINE wrapper by a thread pool."""
    from messaging import line

    groups = [
        user_ids[i : i + line.MULTICAST_MAX_RECIPIENTS]
        for i in range(0, len(user_ids), line.MULTICAST_MAX_RECIPIENTS)
    ]

    def send(group: list[str]) -> None:
        limited_multicast(group)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(send, group) for group in groups]:
            future.result(timeout=300)
    return time.perf_counter() - started


def warm_up(user_ids: list[str], concurrency: int, timeout: float = 60) -> float:
    """Let the simulator's and the worker's threads import, connect and answer, so the
    timed run measures the steady state a long-running deployment is in (2 × N direct
    requests, then 2 × N one-user pushes through the outbox)."""
    from django.db import transaction

    from messaging.models import OutboxChunk, OutboxMessage
    from messaging.services import outbox_enqueue

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        futures = [
            pool.submit(limited_multicast, [user_id]) for user_id in user_ids[: 2 * concurrency]
        ]
        for future in futures:
            future.result(timeout=timeout)
    with transaction.atomic():
        for user_id in user_ids[: 2 * concurrency]:
            outbox_enqueue(user_ids=[user_id], messages=MESSAGES, purpose="bench warm-up")
    # Done when every message row is refreshed too: the worker refreshes it (locking it)
    # after the chunk, and the truncate that follows must not meet that transaction
    # (it deadlocked once).
    deadline = time.perf_counter() + timeout
    while (
        OutboxChunk.objects.filter(status__in=["pending", "sending"]).exists()
        or OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
    ):
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the warm-up was not delivered within {timeout:.0f} s")
        time.sleep(0.05)
    return time.perf_counter() - started


# --- the timed run -------------------------------------------------------------------


def chunk_counts(**where) -> dict[str, int]:
    """The chunks ``where`` selects, counted by status."""
    from django.db.models import Count

    from messaging.models import OutboxChunk

    rows = OutboxChunk.objects.filter(**where).values("status").annotate(n=Count("pk")).order_by()
    return {row["status"]: row["n"] for row in rows}


def alive_or_raise(children: list[Child]) -> None:
    dead = [child.name for child in children if not child.alive()]
    if dead:
        raise RuntimeError(f"{', '.join(dead)} exited during the run")


def wait_for_chunks(where: dict, since: float, timeout: float, children: list[Child]) -> float:
    """Wait until none of the chunks ``where`` selects is pending or sending (the message
    row is only a summary the worker refreshes after each chunk); the perf_counter then.
    Progress every 5 s, counted from ``since``."""
    deadline = since + timeout
    next_report = time.perf_counter() + 5
    while True:
        now = time.perf_counter()
        counts = chunk_counts(**where)
        if counts and not counts.get("pending") and not counts.get("sending"):
            return now
        if now > deadline:
            raise TimeoutError(f"not done {timeout:.0f} s after commit: {counts}")
        alive_or_raise(children)
        if now >= next_report:
            done = counts.get("sent", 0) + counts.get("failed", 0)
            log(f"  {now - since:5.1f} s: {done}/{sum(counts.values())} chunks done")
            next_report += 5
        time.sleep(0.05)


def settle(messages: list) -> None:
    """Give the last chunk's refresh of each message row a moment to land."""
    from messaging.models import OutboxMessage

    deadline = time.perf_counter() + 5
    for message in messages:
        message.refresh_from_db()
        while message.status == OutboxMessage.Status.PENDING and time.perf_counter() < deadline:
            time.sleep(0.05)
            message.refresh_from_db()


def timed_delivery(user_ids: list[str], timeout: float, children: list[Child]):
    """(message, enqueue seconds, seconds from commit to every chunk done, commit time)."""
    from django.db import transaction

    from messaging.services import outbox_enqueue

    started = time.perf_counter()
    with transaction.atomic():
        message = outbox_enqueue(user_ids=user_ids, messages=MESSAGES, purpose="bench")
        enqueued = time.perf_counter()
    committed = time.perf_counter()  # the on-commit dispatch has queued the task
    commit_wall = time.time()
    log(
        f"  enqueue: {message.chunks.count()} chunks written in {enqueued - started:.2f} s; "
        f"commit + dispatch {committed - enqueued:.3f} s"
    )
    done_at = wait_for_chunks({"message_id": message.pk}, committed, timeout, children)
    settle([message])
    return message, enqueued - started, done_at - committed, commit_wall


def simulator_received() -> tuple[int, int, int]:
    """Messages the simulator stored, distinct users who got them, users who got more
    than one."""
    from django.db import connection

    from messaging.models import SimulatedMessage

    table = SimulatedMessage._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(DISTINCT user_id) FROM {table}")  # noqa: S608
        total, distinct = cursor.fetchone()
        cursor.execute(
            f"SELECT count(*) FROM (SELECT user_id FROM {table} "  # noqa: S608
            "GROUP BY user_id HAVING count(*) > 1) AS twice"
        )
        (doubled,) = cursor.fetchone()
    return total, distinct, doubled


def verify(messages: list, recipients: int, commit_wall: float, since: str = "commit") -> bool:
    """Exactly once, as the simulated users saw it (one LINE message each): the simulator
    holds only these outbox ``messages``' deliveries. Logs the details."""
    from django.db.models import Max, Min, Sum

    from messaging.models import OutboxChunk

    total, distinct, doubled = simulator_received()
    chunks = OutboxChunk.objects.filter(message__in=[message.pk for message in messages])
    stats = chunks.aggregate(
        attempts=Sum("attempts"),
        delivered=Sum("delivered"),
        first=Min("sent_at"),
        last=Max("sent_at"),
    )
    failed = chunks.filter(status=OutboxChunk.Status.FAILED)
    log(
        f"  simulator stored {total} messages for {distinct} distinct users "
        f"(expected {recipients}); users who received more than one: {doubled}"
    )
    log(
        f"  chunks: {chunks.count()}, attempts {stats['attempts']}, "
        f"retried {chunks.filter(attempts__gt=1).count()}, failed {failed.count()}"
    )
    for pk, status, error in failed.values_list("pk", "last_status", "last_error")[:5]:
        log(f"    failed chunk {pk}: {status} {error[:200]}")
    for message in messages:
        delivered = chunks.filter(message=message).aggregate(n=Sum("delivered"))["n"]
        log(
            f"  message row {message.pk} ({message.purpose}): status {message.status}, "
            f"{message.recipients} recipients, delivered {message.delivered} "
            f"(chunks say {delivered})"
        )
        if message.status != "sent" or message.delivered != delivered:
            log("  WARNING: every chunk is done but the message row disagrees")
    if stats["first"] and stats["last"]:
        log(
            f"  first chunk sent {stats['first'].timestamp() - commit_wall:.2f} s after {since}, "
            f"last {stats['last'].timestamp() - commit_wall:.2f} s"
        )
    return total == recipients and distinct == recipients and not doubled and not failed.exists()


# --- --composer: from the composer to LINE ------------------------------------------


@dataclass
class ComposerRun:
    notice: object
    messages: list
    create_submit_s: float
    approve_s: float
    send_s: float  # approval's commit → notice "sent" (recipients frozen, outbox written)
    delivery_s: float  # → every chunk of the notice's messages done
    approved_wall: float
    # CPU-s by consumer, and other processes', from the first step until "sent"
    cpu_until_sent: tuple[dict[str, float], float]

    @property
    def total_s(self) -> float:
        return self.create_submit_s + self.approve_s + self.send_s + self.delivery_s


def timed_composer(
    author, approver, timeout: float, children: list[Child], meter: CpuMeter
) -> ComposerRun:
    """A notice to everyone, from the composer's first step until LINE has it all."""
    from messaging.models import OutboxMessage
    from notices.models import Notice
    from notices.services import notice_approve, notice_create, notice_submit

    started = time.perf_counter()
    notice = notice_create(
        title="ベンチマーク：全員へのお知らせ",
        segment={"if": "everyone"},
        texts=NOTICE_TEXTS,
        by_user=author,
    )
    notice = notice_submit(notice=notice, by_user=author)
    submitted = time.perf_counter()
    if notice.status != Notice.Status.AWAITING_APPROVAL:
        raise RuntimeError(f"the submitted notice is {notice.status}, not awaiting approval")
    notice = notice_approve(notice=notice, by_user=approver)
    approved = time.perf_counter()  # committed, notice_send_task queued on commit
    approved_wall = time.time()
    if notice.status != Notice.Status.SCHEDULED:
        raise RuntimeError(f"the approved notice is {notice.status}, not scheduled")
    log(
        f"  notice {notice.pk}: created and submitted in {submitted - started:.2f} s "
        f"(awaiting approval), approved in {approved - submitted:.2f} s; notice_send_task queued"
    )

    # Sent: the worker's notice_send committed the frozen recipients and the outbox rows.
    deadline = approved + timeout
    next_report = approved + 5
    while True:
        now = time.perf_counter()
        status = Notice.objects.filter(pk=notice.pk).values_list("status", flat=True).get()
        if status == Notice.Status.SENT:
            break
        if status not in (Notice.Status.SCHEDULED, Notice.Status.SENDING):
            raise RuntimeError(f"the notice went {status} instead of sent")
        if now > deadline:
            raise TimeoutError(f"the notice is still {status} {timeout:.0f} s after approval")
        alive_or_raise(children)
        if now >= next_report:
            # notice_send commits its status change with everything else, at the end.
            log(f"  {now - approved:5.1f} s: notice not sent yet (still {status} here)")
            next_report += 5
        time.sleep(0.05)
    sent = time.perf_counter()
    cpu_until_sent = meter.used()
    purpose = f"notice:{notice.pk}"
    messages = list(OutboxMessage.objects.filter(purpose=purpose).order_by("pk"))
    log(
        f"  {sent - approved:5.1f} s: notice sent: recipients frozen, {len(messages)} outbox "
        f"messages ({', '.join(f'{m.recipients} × {m.dedupe_key}' for m in messages)})"
    )
    done_at = wait_for_chunks({"message__purpose": purpose}, approved, timeout, children)
    settle(messages)
    notice.refresh_from_db()
    return ComposerRun(
        notice=notice,
        messages=messages,
        create_submit_s=submitted - started,
        approve_s=approved - submitted,
        send_s=sent - approved,
        delivery_s=done_at - sent,
        approved_wall=approved_wall,
        cpu_until_sent=cpu_until_sent,
    )


def log_send_breakdown(run: ComposerRun) -> None:
    """Where notice_send's time went, from the rows' own timestamps (the worker's clock
    is this machine's): waiting for a worker, freezing the recipients (segment, friends,
    NoticeRecipient rows), writing the outbox and committing."""
    started = run.notice.started_at.timestamp()
    first_outbox = min(message.created_at for message in run.messages).timestamp()
    approved, sent_wall = run.approved_wall, run.approved_wall + run.send_s
    # The approval's commit is timed after notice_approve returns (the task may already
    # have started then): never less than 0.
    pickup = max(started - approved, 0.0)
    log(
        f"  freeze + enqueue {run.send_s:.2f} s: task picked up {pickup:.2f} s "
        f"after approval; recipients frozen (segment, friends, NoticeRecipient rows) in "
        f"{first_outbox - started:.2f} s; outbox written and committed in "
        f"{sent_wall - first_outbox:.2f} s (± 0.05 s polling)"
    )


def verify_composer(run: ComposerRun, languages: dict[str, int], recipients: int) -> bool:
    """Exactly once and in the right language: one stored message per user, each the
    notice's text in the language their LineFriend row says; one LINE recipient frozen
    per user, in that language; the notice's counts agree."""
    from django.db import connection
    from django.db.models import Count

    from messaging.models import LineFriend, SimulatedMessage, SimulatedUser
    from notices.models import NoticeRecipient

    once = verify(run.messages, recipients, run.approved_wall, since="approval")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT f.language, m.message->>'type', m.message->>'text', count(*) "  # noqa: S608
            f"FROM {SimulatedMessage._meta.db_table} m "
            f"JOIN {SimulatedUser._meta.db_table} u ON u.id = m.user_id "
            f"LEFT JOIN {LineFriend._meta.db_table} f ON f.user_id = u.user_id "
            "GROUP BY 1, 2, 3"
        )
        rows = cursor.fetchall()
    right = dict.fromkeys(languages, 0)
    wrong = 0
    for language, kind, text, n in rows:
        if kind == "text" and language in NOTICE_TEXTS and text == NOTICE_TEXTS[language]:
            right[language] += n
        else:
            wrong += n
    frozen = (
        NoticeRecipient.objects.filter(notice=run.notice)
        .values("channel", "language")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_channel: dict[str, int] = {}
    line_languages = dict.fromkeys(languages, 0)
    for row in frozen:
        by_channel[row["channel"]] = by_channel.get(row["channel"], 0) + row["n"]
        if row["channel"] == NoticeRecipient.Channel.LINE:
            line_languages[row["language"]] = line_languages.get(row["language"], 0) + row["n"]
    log(
        "  in their language (received / friends who read it): "
        + ", ".join(f"{code} {right[code]}/{languages[code]}" for code in languages)
        + f"; other text or no friend row: {wrong}"
    )
    log(
        f"  NoticeRecipient rows: {by_channel} (expected line: {recipients}); LINE ones by "
        f"language: {line_languages}; notice row: reachable {run.notice.reachable}, "
        f"blocked {run.notice.blocked}, web only {run.notice.web_only}"
    )
    return (
        once
        and not wrong
        and right == languages
        and by_channel == {NoticeRecipient.Channel.LINE: recipients}
        and line_languages == languages
        and len(run.messages) == sum(1 for n in languages.values() if n)
        and (run.notice.reachable, run.notice.blocked, run.notice.web_only) == (recipients, 0, 0)
    )


# --- main ----------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=300_000)
    parser.add_argument("--latency-ms", type=int, default=50, help="simulated LINE latency")
    parser.add_argument(
        "--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="each Celery worker's"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="Celery worker processes (senders: × concurrency)"
    )
    parser.add_argument("--pool", choices=("threads", "prefork"), default="threads")
    parser.add_argument(
        "--line-multicast-limit",
        type=int,
        default=200,
        help="multicasts a second the simulator takes before answering 429 (LINE: 200)",
    )
    parser.add_argument(
        "--rate",
        type=float,
        default=150.0,
        help="LINE_RATE_MULTICAST_PER_SECOND: what the senders allow themselves together",
    )
    parser.add_argument("--sim-workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--sim-threads", type=int, default=16, help="threads per gunicorn worker")
    parser.add_argument("--redis-db", type=int, default=15)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds before giving up")
    parser.add_argument("--no-measured-floor", action="store_true")
    parser.add_argument(
        "--composer",
        action="store_true",
        help="then the same recipients from the notice composer (the outbox alone is the floor)",
    )
    parser.add_argument("--keep-logs", action="store_true", help="keep the children's logs")
    args = parser.parse_args()
    if args.recipients < 2:
        parser.error("--recipients must be at least 2 (a multicast)")
    if args.workers < 1 or args.concurrency < 1:
        parser.error("--workers and --concurrency must be at least 1")
    args.senders = args.workers * args.concurrency
    return args


def run(args, env: dict[str, str], port: int, children: list[Child], logdir: Path) -> int:
    """Everything from starting the servers to the headline; the exit status (0 on
    target, 2 off target; with --composer 1 when not exactly once)."""
    from django.db import connection

    from messaging import line, simulator
    from messaging.models import SimulatedMessage, SimulatedRequest

    started = time.perf_counter()
    start_simulator(children, env, port, args.sim_workers, args.sim_threads, logdir)
    for number in range(args.workers):
        start_worker(children, env, args.concurrency, args.pool, logdir, number)
    log(
        f"  simulator on :{port} and {args.workers} Celery worker(s) up in "
        f"{time.perf_counter() - started:.1f} s"
    )
    warm_s = warm_up(args.user_ids, args.senders)
    truncate(messaging_tables(users=False))
    log(f"  warm-up: {4 * args.senders} requests in {warm_s:.1f} s")
    # LINE counts a request when it arrives; the simulator when a thread gets to it. While
    # its processes start (the warm-up), requests wait and are then counted in one burst:
    # its limit applies from here on.
    simulator.config_update(limit_multicast_per_second=args.line_multicast_limit)

    requests_needed = -(-args.recipients // line.MULTICAST_MAX_RECIPIENTS)
    floor_s = requests_needed * args.latency_ms / 1000 / args.senders
    floor_text = f"{requests_needed} × {args.latency_ms} ms ÷ {args.senders}"
    if requests_needed / args.rate > floor_s:  # the rate limit is the slower
        floor_s = requests_needed / args.rate
        floor_text = f"{requests_needed} ÷ {args.rate:g}/s"
    log(f"  floor: {floor_text} = {floor_s:.2f} s")
    measured_s = None
    if not args.no_measured_floor:
        measured_s = measured_floor(args.user_ids, args.senders)
        log(
            f"  measured floor: the same {requests_needed} multicasts straight through "
            f"messaging.line by {args.senders} threads: {measured_s:.2f} s "
            f"({SimulatedMessage.objects.count()} messages stored, now cleared)"
        )
        truncate([SimulatedMessage._meta.db_table, SimulatedRequest._meta.db_table])

    meter = CpuMeter(children, str(connection.settings_dict["NAME"]))
    answered_429 = simulator.answered_429_count()
    message, enqueue_s, elapsed, commit_wall = timed_delivery(args.user_ids, args.timeout, children)
    answered_429 = simulator.answered_429_count() - answered_429
    rate = args.recipients / elapsed
    log(f"  delivered: every chunk done {elapsed:.2f} s after commit, {rate:,.0f} recipients/s")
    meter.report(elapsed)
    exactly_once = verify([message], args.recipients, commit_wall)
    log(
        f"  429s answered by the simulator during the run: {answered_429} "
        f"(limit {args.line_multicast_limit}/s, senders allowed {args.rate:g}/s together; "
        f"{simulator.answered_429_count()} in the whole bench, warm-up and floor included)"
    )
    if not args.composer:  # (--composer reports the logs once, at its end)
        # The readiness probe's own 401s are expected.
        log_problems(children, expected=PROBE_PATH)

    measured = ""
    if measured_s:
        measured = f"; measured floor {measured_s:.1f} s, ratio {elapsed / measured_s:.1f}×"
    log(
        f"delivery: {args.recipients} recipients in {elapsed:.1f} s "
        f"(target ≤ {TARGET_S:.0f} s) with {args.senders} senders ({args.workers} worker(s) × "
        f"concurrency {args.concurrency}, {args.pool}); "
        f"{rate:,.0f} recipients/s; floor {floor_s:.1f} s ({floor_text}), "
        f"ratio {elapsed / floor_s:.1f}×{measured}; enqueue {enqueue_s:.1f} s; "
        f"429s: {answered_429}; exactly once: {'yes' if exactly_once else 'NO'}"
    )
    if not args.composer:
        return 0 if exactly_once and not answered_429 and elapsed <= TARGET_S else 2
    return run_composer(args, children, floor_s=elapsed, floor_once=exactly_once)


def run_composer(args, children: list[Child], *, floor_s: float, floor_once: bool) -> int:
    """--composer, after the outbox alone (``floor_s``): the notice from the composer to
    LINE, and the headline; the exit status."""
    from django.db import connection

    from messaging import simulator
    from messaging.models import SimulatedMessage, SimulatedRequest

    # Only the notice's deliveries in the simulator from here on (verify counts them all).
    truncate([SimulatedMessage._meta.db_table, SimulatedRequest._meta.db_table])
    log(f"composer: a notice to everyone ({args.recipients} LINE friends), written and approved")
    meter = CpuMeter(children, str(connection.settings_dict["NAME"]))
    answered_429 = simulator.answered_429_count()
    composed = timed_composer(args.author, args.approver, args.timeout, children, meter)
    answered_429 = simulator.answered_429_count() - answered_429
    total = composed.total_s
    log(
        f"  handed over: every chunk done {total:.2f} s after the composer's first step: "
        f"create + submit {composed.create_submit_s:.2f} s, approve {composed.approve_s:.2f} s, "
        f"freeze + enqueue {composed.send_s:.2f} s, delivery {composed.delivery_s:.2f} s"
    )
    log_send_breakdown(composed)
    used, others = meter.report(total)
    before, others_before = composed.cpu_until_sent
    after = {name: used[name] - before[name] for name in used}
    for label, cpu, other in (
        ("until the notice was sent", before, others_before),
        ("in the delivery", after, others - others_before),
    ):
        parts = ", ".join(f"{name} {cpu_s:.1f}" for name, cpu_s in cpu.items())
        log(f"    CPU-s {label}: {parts}; other processes {other:.1f}")
    exactly_once = verify_composer(composed, args.languages, args.recipients)
    log(
        f"  429s answered by the simulator during the composer run: {answered_429} "
        f"({simulator.answered_429_count()} in the whole bench)"
    )
    # The readiness probe's own 401s are expected.
    log_problems(children, expected=PROBE_PATH)

    both_once = exactly_once and floor_once
    log(
        f"composer to handed over: {args.recipients} recipients in {total:.1f} s "
        f"(target ≤ {TARGET_S:.0f} s): create+submit {composed.create_submit_s:.2f} s, "
        f"approve {composed.approve_s:.2f} s, freeze+enqueue {composed.send_s:.1f} s, "
        f"delivery {composed.delivery_s:.1f} s; floor (outbox alone, measured in the same run) "
        f"{floor_s:.1f} s, ratio {total / floor_s:.1f}×; 429s: {answered_429}; "
        f"exactly once: {'yes' if both_once else 'NO'}"
    )
    if not both_once:
        return 1
    return 0 if total <= TARGET_S and not answered_429 else 2


def main() -> None:
    args = parse_args()
    interrupt_on_sigterm()
    port = free_port()
    env = setup_django(args.redis_db, f"http://127.0.0.1:{port}/line-sim", args.rate)
    from messaging import simulator

    log(
        f"one message to {args.recipients} users"
        + (", then a notice to them from the composer" if args.composer else "")
        + f", {args.latency_ms} ms simulated latency; "
        f"{args.workers} worker(s) --pool {args.pool} --concurrency {args.concurrency}; "
        f"simulator gunicorn {args.sim_workers} workers × {args.sim_threads} threads, "
        f"429 above {args.line_multicast_limit} multicasts/s; senders allowed {args.rate:g}/s"
    )
    truncate(messaging_tables() + composer_tables())
    args.user_ids = seed_users(args.recipients)
    if args.composer:
        args.languages = seed_accounts(args.user_ids)
        args.author, args.approver = staff_pair()
    simulator.config_update(latency_ms=args.latency_ms, limit_multicast_per_second=0)

    run_with_children(
        "delivery",
        lambda children, logdir: run(args, env, port, children, logdir),
        keep_logs=args.keep_logs,
        failures=(TimeoutError, RuntimeError),
    )


if __name__ == "__main__":
    main()
