"""Staff follow deliveries in the admin: each outbox message with its chunks' attempts
and errors (read-only), webhook events, and the simulator. Volunteers cannot."""

import uuid
from datetime import timedelta

from django.utils import timezone

from hakobou.testing.cast import BaseTestCase
from messaging import simulator
from messaging.models import OutboxChunk, OutboxMessage, WebhookEvent


class OutboxAdminTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.message = OutboxMessage.objects.create(
            kind=OutboxMessage.Kind.MULTICAST,
            messages=[{"type": "text", "text": "避難所が開設されました"}],
            purpose="shelter-open",
            status=OutboxMessage.Status.PARTIAL,
            recipients=700,
            delivered=500,
            skipped_blocked=3,
        )
        cls.failed = OutboxChunk.objects.create(
            message=cls.message,
            user_ids=["U" + "a" * 32] * 200,
            retry_key=uuid.uuid4(),
            status=OutboxChunk.Status.FAILED,
            attempts=8,
            last_status=500,
            last_error="500: Internal Server Error (simulated)",
            next_attempt_at=timezone.now() + timedelta(minutes=5),
        )
        OutboxChunk.objects.create(
            message=cls.message,
            user_ids=["U" + "b" * 32] * 500,
            retry_key=uuid.uuid4(),
            status=OutboxChunk.Status.SENT,
            attempts=1,
            last_status=200,
            sent_at=timezone.now(),
        )
        cls.event = WebhookEvent.objects.create(
            event_id="01TESTEVENT",
            event_type="postback",
            payload={"type": "postback"},
            status=WebhookEvent.Status.FAILED,
            error="DoesNotExist",
        )

    def setUp(self):
        self.client.force_login(self.staff)

    def test_staff_see_outbox_messages_with_their_counts(self):
        page = self.client.get("/admin/messaging/outboxmessage/")
        self.assertContains(page, "shelter-open")
        self.assertContains(page, "一部失敗")
        for count in ("700", "500", "3"):
            self.assertContains(page, f">{count}<")

    def test_staff_filter_outbox_messages_by_status_and_kind(self):
        page = self.client.get("/admin/messaging/outboxmessage/?status=partial&kind=multicast")
        self.assertContains(page, "shelter-open")
        page = self.client.get("/admin/messaging/outboxmessage/?status=sent")
        self.assertNotContains(page, "shelter-open")

    def test_chunk_attempts_and_errors_are_visible_and_not_editable(self):
        page = self.client.get(f"/admin/messaging/outboxmessage/{self.message.pk}/change/")
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, "500: Internal Server Error (simulated)")
        self.assertContains(page, "試行回数")
        self.assertContains(page, ">8<")
        self.assertContains(page, "失敗")
        # No inputs for the chunks or the message: delivery state is the services' alone.
        self.assertNotContains(page, 'name="chunks-0-attempts"')
        self.assertNotContains(page, 'name="status"')
        self.assertNotContains(page, 'type="submit" value="保存"')

    def test_nobody_edits_or_deletes_outbox_rows_through_the_admin(self):
        url = f"/admin/messaging/outboxmessage/{self.message.pk}/change/"
        self.client.post(url, {"status": "sent", "chunks-0-attempts": "0"})
        self.failed.refresh_from_db()
        self.message.refresh_from_db()
        self.assertEqual((self.message.status, self.failed.attempts), ("partial", 8))
        delete = self.client.get(f"/admin/messaging/outboxmessage/{self.message.pk}/delete/")
        self.assertEqual(delete.status_code, 403)
        self.assertEqual(self.client.get("/admin/messaging/outboxmessage/add/").status_code, 403)

    def test_staff_see_webhook_events_read_only(self):
        page = self.client.get("/admin/messaging/webhookevent/")
        self.assertContains(page, "01TESTEVENT")
        self.assertContains(page, "DoesNotExist")
        self.assertContains(page, "postback")
        detail = self.client.get(f"/admin/messaging/webhookevent/{self.event.pk}/change/")
        self.assertContains(detail, "DoesNotExist")
        self.assertNotContains(detail, 'name="status"')

    def test_staff_see_simulated_users_and_the_simulator_config(self):
        line_user = simulator.simulated_user_create(display_name="函館 花子")
        page = self.client.get("/admin/messaging/simulateduser/")
        self.assertContains(page, "函館 花子")
        self.assertContains(page, f"/line-sim/inbox/{line_user.user_id}/")
        self.assertEqual(self.client.get("/admin/messaging/simulatorconfig/").status_code, 200)

    def test_the_simulator_config_admin_validates_like_the_inbox(self):
        response = self.client.post(
            "/admin/messaging/simulatorconfig/add/",
            {
                "latency_ms": "0",
                "share_429": "0.6",
                "share_500": "0.6",
                "share_timeout": "0",
                "timeout_delay_ms": "1000",
                "webhook_url": "",
            },
        )
        self.assertContains(response, "割合の合計は 1 以下にしてください")

    def test_a_volunteer_gets_the_admin_login(self):
        self.client.force_login(self.volunteer_a)
        for url in (
            "/admin/messaging/outboxmessage/",
            f"/admin/messaging/outboxmessage/{self.message.pk}/change/",
            "/admin/messaging/webhookevent/",
            "/admin/messaging/simulatorconfig/",
            "/admin/messaging/simulateduser/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/admin/login/"))
