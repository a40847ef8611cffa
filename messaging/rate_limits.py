"""LINE's rate limits per channel, kept by every sender together.

LINE allows a channel 2,000 pushes and 200 multicasts a second, and 60 broadcasts an
hour, and answers 429 above that. A 429 is handled (the outbox backs off), but with
more Celery workers it would be a storm of them, so each sender takes a token from a
bucket shared through Redis before every LINE request (lib.token_bucket, the token
bucket LINE recommends for large accounts), at the configured rates
(LINE_RATE_PUSH_PER_SECOND, LINE_RATE_MULTICAST_PER_SECOND, LINE_RATE_BROADCAST_PER_HOUR),
which are below LINE's.

Without Redis (`make run` on its own: tasks run inline in one process) the bucket is
kept in the process; when Redis fails it is kept per process until Redis is back.
"""

from __future__ import annotations

import hashlib
import threading

from django.conf import settings
from django.core.cache import cache

from lib.token_bucket import Reservation, TokenBucket, cache_redis

# LINE's limits: requests per window of this many seconds.
LINE_LIMITS = {"push": (2000, 1.0), "multicast": (200, 1.0), "broadcast": (60, 3600.0)}
# A sender sleeps up to this long for its token; a longer wait (a broadcast after 50 in
# an hour) puts the request back in the outbox for later instead of holding a worker.
MAX_WAIT_SECONDS = 2.0

_buckets: dict[tuple, TokenBucket] = {}
_lock = threading.Lock()


def configured_rate(kind: str) -> float:
    """Requests per LINE window (a second, or an hour for broadcasts) we allow ourselves."""
    return {
        "push": settings.LINE_RATE_PUSH_PER_SECOND,
        "multicast": settings.LINE_RATE_MULTICAST_PER_SECOND,
        "broadcast": settings.LINE_RATE_BROADCAST_PER_HOUR,
    }[kind]


def bucket_key(kind: str) -> str:
    """The bucket's Redis key: per channel (LINE counts per channel) and per deployment
    (the cache's key prefix)."""
    channel = hashlib.sha256(settings.LINE_CHANNEL_ACCESS_TOKEN.encode()).hexdigest()[:12]
    return cache.make_key(f"line-rate:{channel}:{kind}")


def bucket(kind: str) -> TokenBucket:
    """The bucket of one kind of request (push, multicast, broadcast).

    Its capacity (the burst after a quiet moment) is a tenth of a window's requests but
    never more than the room left below LINE's limit, so no window of LINE's can see
    more than the limit, however the requests fall."""
    limit, window = LINE_LIMITS[kind]
    per_window = configured_rate(kind)
    capacity = max(1.0, min(per_window / 10, limit - per_window))
    key = bucket_key(kind)
    identity = (key, per_window, capacity)
    with _lock:
        found = _buckets.get(identity)
        if found is None:
            found = _buckets[identity] = TokenBucket(
                key, rate=per_window / window, capacity=capacity, redis=cache_redis
            )
        return found


def reserve(kind: str, *, max_wait: float = MAX_WAIT_SECONDS) -> Reservation:
    """A token for one LINE request of this kind: send after ``wait`` seconds, or, when
    not reserved, try again in ``wait`` seconds."""
    return bucket(kind).reserve(max_wait=max_wait)


def wait_for_token(kind: str) -> float:
    """Sleep until a LINE request of this kind may be sent (for callers outside the
    outbox, e.g. bench/delivery.py's floor); the seconds slept."""
    return bucket(kind).wait_for_token()


def reset() -> None:
    """Forget every bucket, in this process and this channel's in Redis (for tests: one
    test's burst must not make the next one wait)."""
    with _lock:
        _buckets.clear()
    try:
        client = cache_redis()
        if client is not None:
            client.delete(*(bucket_key(kind) for kind in LINE_LIMITS))
    except Exception:  # Redis down: nothing shared to forget
        return
