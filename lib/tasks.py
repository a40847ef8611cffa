"""Queuing a Celery task from a request, failing fast while the broker is down.

Every caller keeps what the task will do in the database (an outbox row, a due
arrival, a stored webhook event) and a beat sweep queues it later, so a publish that
cannot get through may fail; it must not make every request wait out the broker's
timeouts while Redis hangs (lib.breaker).
"""

from __future__ import annotations

import kombu.exceptions
import redis
from celery import current_app

from lib.breaker import Breaker

COOL_DOWN_SECONDS = 5.0
# A hung broker costs the publish that finds out up to the transport's socket timeout
# (5 s): while it stays down, that is paid once a minute per process at most.
MAX_COOL_DOWN_SECONDS = 60.0

broker = Breaker(
    "the Celery broker", COOL_DOWN_SECONDS, max_cool_down_seconds=MAX_COOL_DOWN_SECONDS
)

_BROKER_FAILURES = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)


def runs_inline() -> bool:
    """Tasks run at once in the caller (tests, `make run` without a broker)."""
    return bool(current_app.conf.task_always_eager)


def publish(task, *args, countdown: float | None = None) -> None:
    """Queue ``task`` with ``args`` (run at once where tasks run inline). Raises
    breaker.Unavailable at once while the broker failed moments ago, and the broker's
    error when it fails now; a task that runs inline raises what it raises."""
    if runs_inline():
        task.apply_async(args, countdown=countdown)
        return
    broker.check()
    try:
        task.apply_async(args, countdown=countdown)
    except _BROKER_FAILURES:
        broker.trip()
        raise
    broker.succeeded()
