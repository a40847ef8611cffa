"""Liveness of what the portal depends on, for /healthz and operators' probes."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import redis
from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

# A probe must answer fast even when a dependency hangs; the load balancer's own
# timeout is usually a few seconds.
PROBE_TIMEOUT_SECONDS = 1.0


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


def report() -> tuple[bool, dict]:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(check.ok for check in checks.values())
    body = {"status": "ok" if healthy else "error"}
    body.update({name: asdict(check) for name, check in checks.items()})
    return healthy, body
