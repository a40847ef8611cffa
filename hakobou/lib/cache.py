"""The Redis cache backend, with one Redis client per connection pool.

Django's RedisCacheClient makes a new ``redis.Redis`` for every cache operation; each
one builds redis-py's table of some 150 response callbacks, which on a check-in cost
about as much as the Redis round trip itself. A client is only a thin, thread-safe
wrapper around its connection pool (which Django already keeps), so one per pool is
kept and reused.
"""

from __future__ import annotations

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class _ReusingClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
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
