"""The Redis cache backend: one Redis client per connection pool, and fail-fast.

Django's RedisCacheClient makes a new ``redis.Redis`` for every cache operation; each
one builds redis-py's table of some 150 response callbacks, which on a check-in cost
about as much as the Redis round trip itself. A client is only a thin, thread-safe
wrapper around its connection pool (which Django already keeps), so one per pool is
kept and reused.

Its connections fail fast (lib.breaker): after a refused connection or a
timeout, every cache operation of this process fails at once for a few seconds (longer
while Redis stays down, up to a minute). The
callers fall back (sessions to the database, an arrival's wake-up to queuing its task
regardless); without this each of them would wait out the timeout on every request
while Redis hangs.
"""

from __future__ import annotations

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient

from lib.breaker import Breaker

COOL_DOWN_SECONDS = 5.0
MAX_COOL_DOWN_SECONDS = 60.0
# Operations that wait longer than this are failures: a cache answers in a millisecond.
TIMEOUT_SECONDS = 1.0

breaker = Breaker("the Redis cache", COOL_DOWN_SECONDS, max_cool_down_seconds=MAX_COOL_DOWN_SECONDS)


class _FailFast:
    """A redis-py connection that refuses at once while the breaker is open, and opens
    it on a refused connection or a timeout."""

    def _guarded(self, operation, *args, **kwargs):
        if breaker.is_open:
            raise redis.exceptions.ConnectionError("the Redis cache failed moments ago")
        try:
            result = operation(*args, **kwargs)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            breaker.trip()
            raise
        breaker.succeeded()
        return result

    def connect(self, *args, **kwargs):
        return self._guarded(super().connect, *args, **kwargs)

    def send_packed_command(self, *args, **kwargs):
        return self._guarded(super().send_packed_command, *args, **kwargs)

    def read_response(self, *args, **kwargs):
        return self._guarded(super().read_response, *args, **kwargs)


class FailFastConnection(_FailFast, redis.Connection):
    pass


class FailFastSSLConnection(_FailFast, redis.SSLConnection):
    pass


class _ReusingClient(RedisCacheClient):
    def __init__(self, servers, **options) -> None:
        tls = any(server.startswith("rediss://") for server in servers)
        options.setdefault("connection_class", FailFastSSLConnection if tls else FailFastConnection)
        options.setdefault("socket_connect_timeout", TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", TIMEOUT_SECONDS)
        super().__init__(servers, **options)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(index)
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = _ReusingClient
