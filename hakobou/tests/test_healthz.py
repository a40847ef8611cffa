from django.test import TestCase, override_settings


class HealthzTestCase(TestCase):
    def test_it_reports_healthy_dependencies(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertTrue(body["database"]["ok"])
        self.assertTrue(body["broker"]["ok"])
        self.assertEqual(
            response["Cache-Control"], "max-age=0, no-cache, no-store, must-revalidate, private"
        )

    @override_settings(REDIS_URL="redis://127.0.0.1:1/0")
    def test_it_answers_503_when_the_broker_is_unreachable(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        body = response.json()
        self.assertEqual(body["status"], "error")
        self.assertEqual(body["broker"], {"ok": False, "detail": "unreachable"})
        self.assertTrue(body["database"]["ok"])

    @override_settings(REDIS_URL=None)
    def test_it_reports_inline_tasks_without_a_broker(self):
        response = self.client.get("/healthz")
        self.assertEqual(response.json()["broker"], {"ok": True, "detail": "inline"})

    def test_it_answers_503_when_the_database_is_unreachable(self):
        from unittest import mock

        from django.db import OperationalError

        # The database cannot be stopped under a running test; make its cursor fail instead.
        with mock.patch("hakobou.health.connection.cursor", side_effect=OperationalError("down")):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 503)
        self.assertEqual(response.json()["database"], {"ok": False, "detail": "unreachable"})
