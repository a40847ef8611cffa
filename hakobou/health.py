"""Liveness of what the portal depends on, for /healthz and operators' probes.

The database and the broker decide the answer's status (503 when either is down: this
web process cannot do its work). Work left waiting for the Celery worker is reported
too, as "degraded" with 200: the web tier is fine, but somebody should look at the worker
and beat (a 503 would take healthy web processes out of a load balancer for it)."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from shelters.selectors import arrival_follow_up_oldest_due

logger = logging.getLogger(__name__)

# A probe must answer fast even when a dependency hangs; the load balancer's own
# timeout is usually a few seconds.
PROBE_TIMEOUT_SECONDS = 1.0
# An arrival is followed up about a second after it commits, and beat sweeps every 30 s
# for a task that was lost; one waiting longer than this means no worker is taking them.
FOLLOW_UP_STALE_SECONDS = 120


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


def check_arrival_follow_ups() -> Check:
    """Arrivals whose out-of-shelter report and LINE notice are still waiting."""
    try:
        oldest = arrival_follow_up_oldest_due()
    except Exception as exc:
        logger.warning("health: arrival follow-ups unreadable: %s", exc)
        return Check(ok=False, detail="unreadable")
    if oldest is None:
        return Check(ok=True, detail="none due")
    waiting = max(0, round((timezone.now() - oldest).total_seconds()))
    if waiting > FOLLOW_UP_STALE_SECONDS:
        logger.warning("health: an arrival has waited %s s for its follow-up", waiting)
    return Check(ok=waiting <= FOLLOW_UP_STALE_SECONDS, detail=f"oldest due {waiting} s ago")


def report() -> tuple[bool, dict]:
    """Whether this process can serve, and the body /healthz answers."""
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(check.ok for check in checks.values())
    backlog = {}
    if checks["database"].ok:
        backlog["arrival_follow_ups"] = check_arrival_follow_ups()
    if not healthy:
        status = "error"
    elif all(check.ok for check in backlog.values()):
        status = "ok"
    else:
        status = "degraded"
    body = {"status": status}
    body.update({name: asdict(check) for name, check in {**checks, **backlog}.items()})
    return healthy, body
