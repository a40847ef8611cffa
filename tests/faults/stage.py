"""The fault suite's stage: real processes, as in production, that a test may kill.

Its own redis-server (on a free port, never the machine's shared one), a Celery worker
and Celery beat started with the project's venv (bench/'s helpers), all pointed at the
test database, and the LINE simulator the test session already serves. What the
simulated users received is counted in the simulator's own inbox, not in the outbox's
bookkeeping.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import redis

from bench.common import VENV_BIN, Child, free_port
from bench.delivery import start_worker, wait_for_chunks

# Generous: a chunk a lost task left behind waits for the sweep (SWEEP_GRACE after its
# message was written, then beat's next run 30 s apart).
DELIVERY_TIMEOUT_SECONDS = 300.0
WORKER_CONCURRENCY = 2  # as bin/dev-server runs it


class RedisServer:
    """A redis-server of the suite's own, in a temporary directory, without persistence:
    a restart loses every queued task, as a crashed Redis without AOF does."""

    def __init__(self, workdir: Path) -> None:
        self.workdir, self.port = workdir, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.child: Child | None = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        argv = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no", "--daemonize", "no",
            "--dir", str(self.workdir),
        ]  # fmt: skip
        self.child = Child(f"redis-{self.starts}", argv, dict(os.environ), self.workdir)
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if not self.child.alive():
                raise RuntimeError(f"redis-server exited:\n{self.child.tail()}")
            with contextlib.suppress(redis.exceptions.ConnectionError):
                if client.ping():
                    client.close()
                    return
            time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer within 30 s:\n{self.child.tail()}")

    def crash(self) -> None:
        kill(self.child)

    def flush(self) -> None:
        client = redis.Redis(port=self.port)
        client.flushall()
        client.close()

    def stop(self) -> None:
        if self.child is not None:
            self.child.stop()


def kill(child: Child | None) -> None:
    """SIGKILL to the child and every process of its group: no shutdown, no ack."""
    if child is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.proc.pid, signal.SIGKILL)
    child.proc.wait(timeout=10)
    child.stop()  # closes its log


@dataclass
class Stage:
    redis: RedisServer
    env: dict[str, str]
    logdir: Path
    children: list[Child] = field(default_factory=list)

    def start_worker(self) -> Child:
        number = sum(1 for child in self.children if child.name.startswith("worker"))
        start_worker(self.children, self.env, WORKER_CONCURRENCY, "prefork", self.logdir, number)
        return self.children[-1]

    def start_beat(self) -> Child:
        argv = [
            str(VENV_BIN / "celery"), "-A", "hakobou", "beat", "--loglevel", "WARNING",
            "--schedule", str(self.logdir / "celerybeat-schedule"),
            "--pidfile", str(self.logdir / "celerybeat.pid"),
        ]  # fmt: skip
        child = Child("beat", argv, self.env, self.logdir)
        self.children.append(child)
        return child

    def stop(self) -> None:
        for child in reversed(self.children):
            child.stop()
        if self.redis.child is None or not self.redis.child.alive():
            self.redis.start()  # the next test's, after a test that crashed it failed

    def kill_worker(self, worker: Child) -> None:
        kill(worker)
        self.children.remove(worker)

    def wait_until_mid_send(self, message) -> None:
        """Until some of the message's requests are sent and another is on its way."""
        from messaging.models import OutboxChunk

        chunks = OutboxChunk.objects.filter(message=message)

        def under_way() -> bool:
            sent = chunks.filter(status=OutboxChunk.Status.SENT).count()
            return sent >= 2 and chunks.filter(status=OutboxChunk.Status.SENDING).exists()

        try:
            # Generous: were the message's task lost on the way, the sweep queues it.
            wait_for(under_way, what="the send under way", timeout=150)
        except AssertionError as exc:
            statuses = Counter(chunks.values_list("status", flat=True))
            raise AssertionError(f"{exc}: {dict(statuses)}\n{self.tails()}") from exc

    def tails(self) -> str:
        return "\n".join(f"--- {c.name} ---\n{c.tail(40)}" for c in self.children)

    def wait_until_sent(self, **where) -> None:
        """Until none of the chunks ``where`` selects is pending or sending (or fail,
        with the processes' log tails, after a generous timeout)."""
        try:
            wait_for_chunks(where, time.perf_counter(), DELIVERY_TIMEOUT_SECONDS, self.children)
        except (TimeoutError, RuntimeError) as exc:
            raise AssertionError(f"{exc}\n{self.tails()}") from exc


def database_url() -> str:
    """The test database (pytest-django's test_<name>), for the child processes: they must
    see what the test commits."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


# --- what the simulated users received ---------------------------------------------


@dataclass(frozen=True)
class Inbox:
    """Counted in the simulator's own message store, one LINE message per request."""

    lost: int  # recipients who received nothing
    duplicated: int  # copies beyond the first, and messages to someone not addressed
    received: int  # recipients who received it exactly once

    def check(self, *, recipients: int, answered_409: int) -> None:
        """Count the figures, then hold the suite to them: every recipient once."""
        from hakobou.testing import figures

        figures.count("fault: repeated requests answered 409 (retry key)", answered_409)
        figures.count("fault: messages lost", self.lost)
        figures.count("fault: messages duplicated", self.duplicated)
        assert self.lost == 0
        assert self.duplicated == 0
        assert self.received == recipients


def inbox_of(user_ids: list[str]) -> Inbox:
    from messaging.models import SimulatedMessage

    counts = Counter(
        SimulatedMessage.objects.filter(direction=SimulatedMessage.Direction.TO_USER).values_list(
            "user__user_id", flat=True
        )
    )
    wanted = set(user_ids)
    lost = sum(1 for user_id in wanted if not counts[user_id])
    twice = sum(n - 1 for user_id, n in counts.items() if user_id in wanted and n > 1)
    stray = sum(n for user_id, n in counts.items() if user_id not in wanted)
    once = sum(1 for user_id in wanted if counts[user_id] == 1)
    return Inbox(lost=lost, duplicated=twice + stray, received=once)


def wait_for(condition, *, what: str, timeout: float = 60.0, every: float = 0.02) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(every)
