"""Fixtures of the fault suite: its own Redis for the session, and per test a stage
(worker and beat on that Redis and the test database) and the simulator's answers."""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator

import pytest

from hakobou.testing.broker import broker_at
from tests.faults.stage import RedisServer, Stage, database_url


@pytest.fixture(scope="session")
def own_redis(tmp_path_factory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def stage(transactional_db, own_redis, settings, line_simulator_url, tmp_path) -> Iterator[Stage]:
    """A worker and beat on the suite's Redis and the test database; this process
    publishes there too, and its cache (the simulator's counters) lives there."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the fault suite needs PostgreSQL (DATABASE_URL): workers share the data")
    own_redis.flush()
    settings.CACHES = {
        "default": {
            "BACKEND": "lib.cache.RedisCache",
            "LOCATION": own_redis.url,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "hakobou-faults"),
        }
    }
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": own_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LINE_SIMULATOR_URL": line_simulator_url,
        # Retries come back in a fraction of a second instead of 2 s and more, and an
        # injected timeout costs one second.
        "OUTBOX_BACKOFF_BASE_SECONDS": "0.2",
        "OUTBOX_STALE_CLAIM_SECONDS": "10",  # a dead worker's claims are given up soon
        "LINE_API_TIMEOUT_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
    }
    with broker_at(own_redis.url):
        stage = Stage(redis=own_redis, env=env, logdir=tmp_path)
        try:
            yield stage
        finally:
            stage.stop()


@pytest.fixture
def answers(monkeypatch) -> Counter[str]:
    """What the simulator answered to each send request, by status, as it answered
    ("timeout": accepted, but answered after the sender gave up)."""
    from messaging import simulator

    answered: Counter[str] = Counter()
    lock = threading.Lock()
    send = simulator.api_send

    def counted(**kwargs) -> simulator.ApiOutcome:
        outcome = send(**kwargs)
        with lock:
            answered[str(outcome.status)] += 1
            if outcome.delay_after:
                answered["timeout"] += 1
        return outcome

    monkeypatch.setattr(simulator, "api_send", counted)
    return answered
