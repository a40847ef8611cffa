"""PostgreSQL connections are bounded by a pool per process, sized from the environment;
SQLite is left as it was."""

import json

from django.test import SimpleTestCase

from hakobou.testing.production import PRODUCTION_ENV, run_manage

PRINT_DATABASE = (
    "import json; from django.conf import settings; d = settings.DATABASES['default']; "
    "print(json.dumps({'options': d.get('OPTIONS', {}), 'max_age': d['CONN_MAX_AGE']}))"
)
POSTGRES = "postgres://hakobou@127.0.0.1:5432/hakobou"  # never connected to here


class DatabasePoolSettingsTestCase(SimpleTestCase):
    def database(self, **env):
        result = run_manage("shell", "-c", PRINT_DATABASE, env={**PRODUCTION_ENV, **env})
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout.strip().splitlines()[-1])

    def test_postgresql_gets_a_bounded_pool_that_waits_for_a_free_connection(self):
        database = self.database(DATABASE_URL=POSTGRES)
        self.assertEqual(database["options"]["pool"], {"min_size": 1, "max_size": 4, "timeout": 30})
        self.assertEqual(database["max_age"], 0)  # the pool keeps connections, not threads

    def test_the_pool_is_sized_from_the_environment_or_switched_off(self):
        database = self.database(
            DATABASE_URL=POSTGRES,
            DATABASE_POOL_MAX_SIZE="10",
            DATABASE_POOL_MIN_SIZE="2",
            DATABASE_POOL_TIMEOUT="5",
        )
        self.assertEqual(database["options"]["pool"], {"min_size": 2, "max_size": 10, "timeout": 5})
        without = self.database(
            DATABASE_URL=POSTGRES, DATABASE_POOL_MAX_SIZE="0", DATABASE_CONN_MAX_AGE="90"
        )
        self.assertNotIn("pool", without["options"])
        self.assertEqual(without["max_age"], 90)

    def test_postgresql_connections_run_without_jit(self):
        # Short queries: JIT compilation cost more than it saved (bench/segments.py).
        for size in ("4", "0"):
            database = self.database(DATABASE_URL=POSTGRES, DATABASE_POOL_MAX_SIZE=size)
            self.assertEqual(database["options"]["options"], "-c jit=off")

    def test_a_bad_size_stops_start_up_naming_the_variable(self):
        result = run_manage(
            "check",
            env={**PRODUCTION_ENV, "DATABASE_URL": POSTGRES, "DATABASE_POOL_MIN_SIZE": "9"},
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DATABASE_POOL_MIN_SIZE must be at most 4", result.stderr)

    def test_sqlite_has_no_pool(self):
        database = self.database(DATABASE_URL="sqlite:////tmp/hakobou-pool-settings.sqlite3")
        self.assertNotIn("pool", database["options"])
