"""Staff lower the simulator's rate limits on the inbox page for a test or a drill; an
empty limit is LINE's own, a bad one gets a polite Japanese message and changes nothing."""

from hakobou.testing.cast import BaseTestCase
from messaging import simulator
from messaging.models import SimulatorConfig

URL = "/line-sim/inbox/config/"
VALID = {
    "latency_ms": "0",
    "share_429": "0",
    "share_500": "0",
    "share_timeout": "0",
    "timeout_delay_ms": "3000",
    "webhook_url": "",
}


class RateLimitConfigTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def limits(self) -> tuple[int, int, int]:
        config = simulator.config()
        return (
            config.limit_push_per_second,
            config.limit_multicast_per_second,
            config.limit_broadcast_per_hour,
        )

    def test_the_limits_are_lines_own_until_changed(self):
        self.assertEqual(self.limits(), (2000, 200, 60))
        page = self.client.get("/line-sim/inbox/")
        self.assertContains(page, "multicast の上限（1 秒あたり）")
        self.assertContains(page, "空欄なら LINE と同じ 200、0 なら制限しません。")

    def test_staff_can_lower_the_limits(self):
        response = self.client.post(
            URL,
            {
                **VALID,
                "limit_push_per_second": "20",
                "limit_multicast_per_second": "5",
                "limit_broadcast_per_hour": "0",
            },
        )
        self.assertRedirects(response, "/line-sim/inbox/")
        self.assertEqual(self.limits(), (20, 5, 0))

    def test_an_empty_limit_is_lines_own(self):
        simulator.config_update(limit_multicast_per_second=5)
        self.client.post(URL, {**VALID, "limit_multicast_per_second": ""})
        self.assertEqual(self.limits(), (2000, 200, 60))

    def test_a_negative_or_garbage_limit_is_refused(self):
        for value in ("-1", "abc", "1.5"):
            with self.subTest(value=value):
                response = self.client.post(URL, {**VALID, "limit_push_per_second": value})
                self.assertContains(response, "0 以上の整数で入力してください。", status_code=400)
        self.assertFalse(SimulatorConfig.objects.exists())
