"""Liveness of what the portal depends on, for /healthz and operators' probes.

The database and the broker decide the answer's status (503 when either is down: this
web process cannot do its work). Work left waiting for the Celery worker is reported
too, as "degraded" with 200: the web tier is fine, but somebody should look at the worker
and beat (a 503 would take healthy web processes out of a load balancer for it)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from messaging.selectors import outbox_oldest_due
from residents.budgets import city_alarm_raised
from shelters.selectors import arrival_follow_up_oldest_due

logger = logging.getLogger(__name__)

# A probe must answer fast even when a dependency hangs; the load balancer's own
# timeout is usually a few seconds.
PROBE_TIMEOUT_SECONDS = 1.0
# An arrival is followed up about a second after it commits, and beat sweeps every 30 s
# for a task that was lost; one waiting longer than this means no worker is taking them.
FOLLOW_UP_STALE_SECONDS = 120
# A LINE request is sent as soon as it is due; beat sweeps up what a lost task left
# after a minute's grace, and a 429 waits out its back-off before it is due again.
OUTBOX_STALE_SECONDS = 300


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health: database unreachable: %s", exc)
        return Check(ok=False, detail="unreachable")
    return Check(ok=True, detail=connection.vendor)


def check_broker() -> Check:
    if not settings.REDIS_URL:
        return Check(ok=True, detail="inline")
    client = redis.Redis.from_url(
        settings.REDIS_URL,
        socket_connect_timeout=PROBE_TIMEOUT_SECONDS,
        socket_timeout=PROBE_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        logger.warning("health: broker unreachable: %s", exc)
        return Check(ok=False, detail="unreachable")
    finally:
        client.close()
    return Check(ok=True, detail="redis")


def _backlog(what: str, oldest_due: Callable[[], datetime | None], stale_seconds: int) -> Check:
    """Work waiting for the Celery worker: ok until the oldest has waited too long."""
    try:
        oldest = oldest_due()
    except Exception as exc:
        logger.warning("health: %s unreadable: %s", what, exc)
        return Check(ok=False, detail="unreadable")
    if oldest is None:
        return Check(ok=True, detail="none due")
    waiting = max(0, round((timezone.now() - oldest).total_seconds()))
    if waiting > stale_seconds:
        logger.warning("health: %s: the oldest has waited %s s", what, waiting)
    return Check(ok=waiting <= stale_seconds, detail=f"oldest due {waiting} s ago")


def check_arrival_follow_ups() -> Check:
    """Arrivals whose out-of-shelter report and LINE notice are still waiting."""
    return _backlog("arrival follow-ups", arrival_follow_up_oldest_due, FOLLOW_UP_STALE_SECONDS)


def check_line_outbox() -> Check:
    """LINE messages (notices, segment messages) waiting to be sent."""
    return _backlog("LINE outbox", outbox_oldest_due, OUTBOX_STALE_SECONDS)


def check_registry_guesses() -> Check:
    """Failed registry guesses across the city this minute: many at once look like
    someone enumerating residents (the admin index warns too)."""
    try:
        raised = city_alarm_raised()
    except Exception as exc:
        logger.warning("health: registry guesses unreadable: %s", exc)
        return Check(ok=False, detail="unreadable")
    if raised:
        logger.warning("health: failed registry guesses above the alarm threshold")
        return Check(ok=False, detail="failures above the alarm threshold this minute")
    return Check(ok=True, detail="normal")


def report() -> tuple[bool, dict]:
    """Whether this process can serve, and the body /healthz answers."""
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(check.ok for check in checks.values())
    backlog = {}
    if checks["database"].ok:
        backlog["arrival_follow_ups"] = check_arrival_follow_ups()
        backlog["line_outbox"] = check_line_outbox()
        backlog["registry_guesses"] = check_registry_guesses()
    if not healthy:
        status = "error"
    elif all(check.ok for check in backlog.values()):
        status = "ok"
    else:
        status = "degraded"
    body = {"status": status}
    body.update({name: asdict(check) for name, check in {**checks, **backlog}.items()})
    return healthy, body
