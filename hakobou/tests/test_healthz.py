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


class HealthzArrivalFollowUpsTestCase(TestCase):
    """Arrivals left waiting for the worker (report ended, LINE notice) are reported."""

    def arrive(self, minutes_ago: float):
        from datetime import timedelta

        from django.utils import timezone

        from hakobou.testing.broker import broker_in_memory
        from shelters.models import Method, PresenceEvent
        from shelters.services import stay_check_in
        from shelters.tests.factories import ShelterFactory
        from shelters.tests.test_presence import make_resident

        # No worker consumes the in-memory broker: the arrival stays due.
        with broker_in_memory(), self.captureOnCommitCallbacks(execute=True):
            stay_check_in(
                resident=make_resident(), shelter=ShelterFactory(), method=Method.PERSONAL_QR
            )
        PresenceEvent.objects.update(created_at=timezone.now() - timedelta(minutes=minutes_ago))

    def test_it_reports_none_due(self):
        body = self.client.get("/healthz").json()
        self.assertEqual(body["arrival_follow_ups"], {"ok": True, "detail": "none due"})

    def test_it_reports_an_arrival_followed_up_in_the_usual_second_as_ok(self):
        self.arrive(minutes_ago=0)
        response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "ok")
        self.assertTrue(body["arrival_follow_ups"]["ok"])
        self.assertRegex(body["arrival_follow_ups"]["detail"], r"^oldest due \d s ago$")

    def test_it_says_degraded_but_keeps_serving_when_arrivals_wait_for_a_worker(self):
        self.arrive(minutes_ago=5)
        with self.assertLogs("hakobou.health", "WARNING"):
            response = self.client.get("/healthz")
        # The web tier can still serve: no 503 that would take it out of a load balancer.
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertEqual(body["status"], "degraded")
        self.assertEqual(
            body["arrival_follow_ups"], {"ok": False, "detail": "oldest due 300 s ago"}
        )


class HealthzLineOutboxTestCase(TestCase):
    """LINE messages left waiting for the worker (a notice, a segment message)."""

    def queue(self, minutes_ago: float, **chunk):
        from datetime import timedelta

        from django.utils import timezone

        from hakobou.testing.broker import broker_in_memory
        from messaging.models import OutboxChunk
        from messaging.services import outbox_enqueue

        # No worker consumes the in-memory broker: the chunk stays pending.
        with broker_in_memory(), self.captureOnCommitCallbacks(execute=True):
            message = outbox_enqueue(
                user_ids=["U" + "a" * 32], messages=[{"type": "text", "text": "テスト"}]
            )
        message.created_at = timezone.now() - timedelta(minutes=minutes_ago)
        message.save(update_fields=["created_at"])
        OutboxChunk.objects.filter(message=message).update(**chunk)

    def test_it_reports_none_due(self):
        body = self.client.get("/healthz").json()
        self.assertEqual(body["line_outbox"], {"ok": True, "detail": "none due"})

    def test_a_message_just_queued_is_ok(self):
        self.queue(minutes_ago=0)
        body = self.client.get("/healthz").json()
        self.assertEqual(body["status"], "ok")
        self.assertTrue(body["line_outbox"]["ok"])

    def test_a_message_nobody_sent_for_ten_minutes_is_degraded(self):
        self.queue(minutes_ago=10)
        with self.assertLogs("hakobou.health", "WARNING"):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["status"], "degraded")
        self.assertEqual(
            response.json()["line_outbox"], {"ok": False, "detail": "oldest due 600 s ago"}
        )

    def test_a_retry_waiting_out_its_back_off_is_not_due(self):
        from datetime import timedelta

        from django.utils import timezone

        self.queue(minutes_ago=10, next_attempt_at=timezone.now() + timedelta(minutes=1))
        body = self.client.get("/healthz").json()
        self.assertEqual(body["line_outbox"], {"ok": True, "detail": "none due"})

    def test_a_sent_message_is_not_due(self):
        self.queue(minutes_ago=10, status="sent")
        body = self.client.get("/healthz").json()
        self.assertEqual(body["line_outbox"], {"ok": True, "detail": "none due"})
