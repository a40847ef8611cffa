"""Loaded by pytest with ``-p hakobou.testing.env`` before Django settings are read.

Tests use development-style settings (DEBUG is forced off at run time by the
test runner anyway); DATABASE_URL / REDIS_URL from the environment are kept, so
CI runs the same suite on PostgreSQL and Redis.
"""

import os

os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hakobou.settings")
os.environ["LINE_MODE"] = "simulator"
# Fixed test-only keys: tests never touch a developer's var/dev-keys.json or var/secret-key.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-outside-the-test-suite-0000")
os.environ.setdefault("RESIDENT_DATA_KEY", "dGVzdC1vbmx5LWRhdGEta2V5LTAwMDAwMDAwMDAwMDA=")
os.environ.setdefault("RESIDENT_INDEX_KEY", "dGVzdC1vbmx5LWluZGV4LWtleS0wMDAwMDAwMDAwMDA=")
# Server threads (the LINE simulator, live servers) close their connections after
# each request, so the test database can be dropped at the end.
os.environ.setdefault("DATABASE_CONN_MAX_AGE", "0")
# Tasks run in the test process (tests of the broker path switch this off themselves).
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
# A shared Redis must not mix test keys with a running instance's.
os.environ.setdefault("CACHE_KEY_PREFIX", f"hakobou-test-{os.getpid()}")
# Playwright's sync API runs an event loop in the test thread; the ORM calls made by
# test code around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
