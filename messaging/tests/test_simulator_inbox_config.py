"""Staff create simulated users and set latency and fault injection on the inbox page;
bad values get a polite Japanese message and change nothing."""

from hakobou.testing.cast import BaseTestCase
from messaging import simulator
from messaging.models import SimulatedUser, SimulatorConfig

VALID = {
    "latency_ms": "50",
    "share_429": "0.1",
    "share_500": "0.2",
    "share_timeout": "0.05",
    "timeout_delay_ms": "3000",
    "webhook_url": "http://web:8000/line/webhook",
}


class CreateUserTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.staff)

    def test_it_creates_a_user_and_opens_their_chat(self):
        response = self.client.post("/line-sim/inbox/new/", {"display_name": " 函館 次郎 "})
        line_user = SimulatedUser.objects.get()
        self.assertEqual(line_user.display_name, "函館 次郎")
        self.assertRedirects(response, f"/line-sim/inbox/{line_user.user_id}/")

    def test_a_name_is_required(self):
        response = self.client.post("/line-sim/inbox/new/", {"display_name": "  "})
        self.assertContains(response, "表示名を入力してください。", status_code=400)
        self.assertFalse(SimulatedUser.objects.exists())

    def test_the_list_shows_friendship_and_message_counts(self):
        hanako = simulator.simulated_user_create(display_name="函館 花子")
        taro = simulator.simulated_user_create(display_name="函館 太郎")
        taro.is_friend = False
        taro.save()
        hanako.messages.create(message={"type": "text", "text": "1"})
        hanako.messages.create(message={"type": "text", "text": "2"})
        page = self.client.get("/line-sim/inbox/").content.decode()
        hanako_row = page[page.index("函館 花子") :]
        self.assertIn("友だち", hanako_row[:300])
        self.assertIn("2 件", hanako_row[:300])
        taro_row = page[page.index("函館 太郎") :]
        self.assertIn("ブロック中", taro_row[:300])
        self.assertIn("0 件", taro_row[:300])

    def test_it_finds_a_user_by_name(self):
        simulator.simulated_user_create(display_name="函館 花子")
        simulator.simulated_user_create(display_name="青柳 一郎")
        page = self.client.get("/line-sim/inbox/", {"q": "青柳"})
        self.assertContains(page, "青柳 一郎")
        self.assertNotContains(page, "函館 花子")


class FaultConfigTestCase(BaseTestCase):
    url = "/line-sim/inbox/config/"

    def setUp(self):
        self.client.force_login(self.staff)

    def post(self, **changes):
        return self.client.post(self.url, {**VALID, **changes})

    def test_it_saves_latency_faults_and_the_webhook_url(self):
        response = self.post()
        self.assertRedirects(response, "/line-sim/inbox/")
        config = simulator.config()
        self.assertEqual(
            (config.latency_ms, config.share_429, config.share_500, config.share_timeout),
            (50, 0.1, 0.2, 0.05),
        )
        self.assertEqual(config.webhook_url, "http://web:8000/line/webhook")
        self.assertEqual(SimulatorConfig.objects.count(), 1)
        self.assertContains(self.client.get("/line-sim/inbox/"), "障害の注入が有効です")

    def test_a_share_outside_0_to_1_is_refused(self):
        for value in ("1.5", "-0.1", "abc", "nan"):
            with self.subTest(value=value):
                response = self.post(share_500=value)
                self.assertContains(
                    response, "0 から 1 までの数で入力してください", status_code=400
                )
        self.assertFalse(SimulatorConfig.objects.exists())

    def test_shares_adding_up_to_more_than_1_are_refused(self):
        response = self.post(share_429="0.5", share_500="0.4", share_timeout="0.2")
        self.assertContains(response, "割合の合計は 1 以下にしてください", status_code=400)
        self.assertFalse(SimulatorConfig.objects.exists())

    def test_a_bad_webhook_url_or_latency_is_refused(self):
        self.assertContains(
            self.post(webhook_url="ftp://x/hook"), "http:// または https://", status_code=400
        )
        self.assertContains(self.post(latency_ms="-1"), "0 以上の整数", status_code=400)
        self.assertContains(self.post(latency_ms="999999"), "60000 ミリ秒以下", status_code=400)

    def test_an_empty_webhook_url_falls_back_to_the_setting(self):
        self.post(webhook_url="")
        self.assertEqual(simulator.config().webhook_url, "")
        self.assertContains(self.client.get("/line-sim/inbox/"), "/line/webhook")

    def test_a_volunteer_cannot_inject_faults(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(self.post().status_code, 403)
        self.assertFalse(SimulatorConfig.objects.exists())
