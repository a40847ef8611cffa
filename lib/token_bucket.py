"""A token bucket shared by every process through Redis, for calls to an API with a
rate limit (LINE: 200 multicasts a second per channel).

``rate`` tokens a second flow into a bucket holding at most ``capacity``; a call takes
one. So in any interval of T seconds at most ``capacity + rate × T`` calls start: with a
capacity of a tenth of a second's tokens, no second sees more than 1.1 × the rate.

A caller *reserves* its token: when the bucket is empty it is told how long to wait
and the token is its own from then on (the bucket goes into debt). So waiting callers
are served in turn, and each call costs one Redis round trip, not a poll per
caller. A wait longer than ``max_wait`` is not reserved: the caller is told how long
it would be and does something better than sleep (a task re-queues itself).

The bucket lives in Redis (one atomic Lua script, on Redis's own clock, so workers on
several machines agree) when a client is given; otherwise, and whenever Redis fails,
in this process. Failing over is the degraded mode: each process then keeps the rate
on its own, so N processes may together reach N × the rate, and what the API refuses
is retried by the caller as before. Redis is not waited for: the client's fail-fast
connections (lib.cache) refuse at once for a while after a failure.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

# KEYS[1] the bucket's hash; ARGV: rate (tokens/s), capacity, max_wait (s), and "now" in
# seconds (empty: Redis's own clock). Returns {1 if reserved, the wait in seconds}.
_RESERVE = """
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local max_wait = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
if now == nil then
  local clock = redis.call('TIME')
  now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
end
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens, at = capacity, now
end
if now > at then
  tokens = math.min(capacity, tokens + (now - at) * rate)
  at = now
end
local wait = 0
if tokens < 1 then
  wait = (1 - tokens) / rate
end
local reserved = 0
if wait <= max_wait then
  tokens = tokens - 1
  reserved = 1
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'at', at)
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return {reserved, string.format('%.6f', wait)}
"""


@dataclass(frozen=True)
class Reservation:
    reserved: bool  # the token is the caller's: call after ``wait`` seconds
    wait: float  # seconds until the call may start (reserved) or a token frees (not)


class TokenBucket:
    """``reserve()`` a token before each call; ``redis`` returns the client to share the
    bucket through (or None: this process only). ``clock`` replaces Redis's clock (tests)."""

    def __init__(
        self,
        key: str,
        *,
        rate: float,
        capacity: float,
        redis: Callable[[], Any | None] = lambda: None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        if rate <= 0 or capacity < 1:
            raise ValueError("a token bucket needs a positive rate and room for one token")
        self.key = key
        self.rate = float(rate)
        self.capacity = float(capacity)
        self._redis = redis
        self._clock = clock
        self._script = None  # the registered Lua script (its SHA is computed once)
        self._degraded = False  # Redis failed: said once in the log, not on every call
        self._lock = threading.Lock()
        self._tokens = self.capacity
        self._at: float | None = None

    def reserve(self, *, max_wait: float = float("inf")) -> Reservation:
        client = self._client()
        if client is not None:
            try:
                reservation = self._reserve_shared(client, max_wait)
            except Exception as exc:  # any Redis failure: keep sending, at this process's rate
                if not self._degraded:
                    logger.warning("rate limit %s: Redis failed (%s); per process", self.key, exc)
                self._degraded = True
            else:
                if self._degraded:
                    logger.warning("rate limit %s: shared through Redis again", self.key)
                self._degraded = False
                return reservation
        return self._reserve_local(max_wait)

    def wait_for_token(self) -> float:
        """Reserve a token and sleep until it is due; the seconds slept."""
        reservation = self.reserve()
        if reservation.wait > 0:
            time.sleep(reservation.wait)
        return reservation.wait

    def _client(self):
        try:
            return self._redis()
        except Exception:
            logger.warning("rate limit %s: no Redis client; limiting per process", self.key)
            return None

    def _reserve_shared(self, client, max_wait: float) -> Reservation:
        if self._script is None:
            self._script = client.register_script(_RESERVE)
        now = "" if self._clock is None else repr(self._clock())
        limit = repr(max_wait) if max_wait != float("inf") else "1e308"
        # EVALSHA, and EVAL once when this Redis has not seen the script (redis-py).
        reserved, wait = self._script(
            keys=[self.key], args=[repr(self.rate), repr(self.capacity), limit, now], client=client
        )
        return Reservation(bool(int(reserved)), float(wait))

    def _reserve_local(self, max_wait: float) -> Reservation:
        with self._lock:
            now = self._clock() if self._clock is not None else time.monotonic()
            if self._at is None:
                self._at = now
            if now > self._at:
                self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
                self._at = now
            wait = (1 - self._tokens) / self.rate if self._tokens < 1 else 0.0
            if wait > max_wait:
                return Reservation(False, wait)
            self._tokens -= 1
            return Reservation(True, wait)


def cache_redis(alias: str = "default"):
    """The Redis client behind a Django cache (Django's Redis backend or lib.cache's),
    or None when that cache is not Redis (a first run's per-process cache)."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    cache = caches[alias]
    if not isinstance(cache, RedisCache):
        return None
    return cache._cache.get_client(write=True)
