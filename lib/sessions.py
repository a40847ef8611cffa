"""Sessions kept in the database and read through the cache (Redis in production).

Every signed-in request reads its session; from Redis that is one GET instead of a
database query. The database stays the source of truth: when Redis is unreachable
the session is read from and written to the database as before, and nobody is
signed out (Django's own cached_db store lets a failed cache write end the request).
A cached copy lives at most CACHE_SECONDS: a sign-out while the cache was unreachable
(the database row is gone, the cached copy could not be deleted) stops working from
the cache that soon after it comes back.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300


class _TolerantCache:
    """The cache, with failures logged and treated as a miss."""

    def __init__(self, cache) -> None:
        self._cache = cache

    def _try(self, operation: str, *args, default=None):
        try:
            return getattr(self._cache, operation)(*args)
        except Exception:  # the cache server is down: the database answers instead
            logger.warning("sessions: cache %s failed; using the database", operation)
            return default

    def get(self, key, default=None):
        return self._try("get", key, default=default)

    def set(self, key, value, timeout=None) -> None:
        timeout = CACHE_SECONDS if timeout is None else min(timeout, CACHE_SECONDS)
        self._try("set", key, value, timeout)

    def delete(self, key) -> None:
        self._try("delete", key)

    def __contains__(self, key) -> bool:
        return bool(self._try("has_key", key, default=False))


class SessionStore(CachedDBStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _TolerantCache(self._cache)
