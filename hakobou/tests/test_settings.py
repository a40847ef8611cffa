from django.test import SimpleTestCase

from hakobou.testing.production import PRODUCTION_ENV, run_manage


class ProductionSettingsTestCase(SimpleTestCase):
    def check(self, *, drop=(), **overrides):
        return run_manage(
            "check",
            "--deploy",
            "--fail-level",
            "WARNING",
            env={**PRODUCTION_ENV, **overrides},
            drop=drop,
        )

    def test_it_passes_the_deploy_check_with_production_variables(self):
        result = self.check()
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("no issues", result.stdout)

    def test_it_refuses_to_start_without_secret_key(self):
        result = self.check(drop=("SECRET_KEY",))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY must be set", result.stderr)

    def test_it_refuses_a_short_secret_key(self):
        result = self.check(SECRET_KEY="short")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("at least 50 characters", result.stderr)

    def test_it_refuses_empty_allowed_hosts(self):
        result = self.check(drop=("ALLOWED_HOSTS",))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ALLOWED_HOSTS", result.stderr)

    def test_it_refuses_simulator_mode_unless_explicitly_allowed(self):
        result = self.check(LINE_MODE="simulator")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LINE_ALLOW_SIMULATOR_IN_PRODUCTION", result.stderr)

        allowed = self.check(LINE_MODE="simulator", LINE_ALLOW_SIMULATOR_IN_PRODUCTION="true")
        self.assertEqual(allowed.returncode, 0, allowed.stderr)

    def test_it_requires_line_credentials_in_live_mode(self):
        result = self.check(drop=("LINE_CHANNEL_SECRET",))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LINE_CHANNEL_SECRET must be set", result.stderr)

    def test_it_rejects_a_malformed_liff_id(self):
        result = self.check(LIFF_ID="not-a-liff-id")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("LIFF_ID has an invalid format", result.stderr)

    def test_it_rejects_a_misspelt_boolean(self):
        result = self.check(SECURE_SSL_REDIRECT="ture")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECURE_SSL_REDIRECT must be one of", result.stderr)

    def test_it_rejects_an_unsupported_database_url(self):
        result = self.check(DATABASE_URL="mysql://root@127.0.0.1/hakobou")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("DATABASE_URL must be a postgres:// or sqlite:// URL", result.stderr)

    def test_it_refuses_to_start_without_resident_data_keys(self):
        result = self.check(drop=("RESIDENT_DATA_KEY",))
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("RESIDENT_DATA_KEY is not set", result.stderr)

    def test_it_refuses_a_malformed_resident_key(self):
        result = self.check(RESIDENT_INDEX_KEY="too-short")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("RESIDENT_INDEX_KEY: key 1 must be 32 random bytes", result.stderr)

    def test_it_refuses_the_same_key_for_data_and_index(self):
        result = self.check(RESIDENT_INDEX_KEY=PRODUCTION_ENV["RESIDENT_DATA_KEY"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("must be different keys", result.stderr)
