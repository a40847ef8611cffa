import contextlib

import pytest

from hakobou.testing.cast import Cast, make_cast

pytest_plugins = ["hakobou.testing.browser", "hakobou.testing.line_simulator"]


def pytest_configure(config) -> None:
    """A test process serves the portal (live_server), the LINE simulator and the test
    itself from threads of one process: a request waiting on another thread's request
    (a webhook asking the simulator for a profile while the browser polls) needs more
    pooled connections than a production worker's DATABASE_POOL_MAX_SIZE."""
    from django.conf import settings

    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    if isinstance(pool, dict):
        pool["max_size"] = max(pool.get("max_size", 0), 20)


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


@pytest.fixture(autouse=True)
def _process_state_reset():
    """What a process remembers between requests must not pass from one test to the
    next: a fail-fast window after Redis or the broker failed, an arrival follow-up task
    believed queued (a test that published to a broker nobody consumes leaves one)."""
    yield
    from django.core.cache import cache

    from lib import cache as redis_cache
    from lib import tasks
    from shelters import follow_ups

    redis_cache.breaker.reset()
    tasks.broker.reset()
    follow_ups._cover.until = 0.0
    # A test's cache may point at a server that is gone.
    with contextlib.suppress(Exception):
        cache.delete(follow_ups._WAKE_KEY)


def pytest_terminal_summary(terminalreporter) -> None:
    """The security and reliability figures counted during the run (hakobou.testing.figures)."""
    from hakobou.testing import figures

    rows = figures.report()
    if not rows:
        return
    terminalreporter.section("security and reliability figures")
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        terminalreporter.write_line(f"{name:<{width}}  {value:>9,}")
