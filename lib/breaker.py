"""Fail fast while a dependency is known to be down.

A hung or unreachable Redis makes every operation wait out its timeout. For the cache
(each signed-in request reads its session there) and for queuing tasks (each check-in
wakes its follow-up) that would add seconds to every request of every desk, though
each caller already has a fallback: the database answers, a sweep queues the task
later. So after a failure the process stops trying for a while: one request in that
time pays the timeout, not all of them. The wait doubles while the dependency keeps
failing (up to a limit) and is back to its first length after one success.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class Unavailable(ConnectionError):
    """Raised at once while a breaker is open."""


class Breaker:
    def __init__(
        self,
        name: str,
        cool_down_seconds: float,
        *,
        max_cool_down_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self.cool_down_seconds = cool_down_seconds
        self.max_cool_down_seconds = max_cool_down_seconds or cool_down_seconds
        self.clock = clock
        self._open_until = 0.0
        self._wait = 0.0  # the last window; 0 after a success

    @property
    def is_open(self) -> bool:
        return self.clock() < self._open_until

    def check(self) -> None:
        """Raises Unavailable while the dependency failed too recently to try again."""
        if self.is_open:
            raise Unavailable(f"{self.name} failed moments ago; not trying again yet")

    def trip(self) -> None:
        """It failed: fail fast for a while, twice as long as last time if it has not
        worked since."""
        if self.is_open:
            return  # another thread's failure of the same moment
        self._wait = min(
            self.max_cool_down_seconds, self._wait * 2 if self._wait else self.cool_down_seconds
        )
        self._open_until = self.clock() + self._wait
        logger.warning("%s unreachable: failing fast for %s s", self.name, self._wait)

    def succeeded(self) -> None:
        if self._wait:
            logger.warning("%s reachable again", self.name)
            self._wait = 0.0

    def reset(self) -> None:
        self._open_until = self._wait = 0.0
