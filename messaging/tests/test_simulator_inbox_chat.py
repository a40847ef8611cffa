"""The chat page draws LINE message objects as LINE does: text, template buttons and
confirms, flex by its altText, quick replies under the newest message, the rich menu."""

from hakobou.testing.cast import BaseTestCase
from messaging import simulator
from messaging.models import SimulatedMessage

BUTTONS = {
    "type": "template",
    "altText": "送迎の確認",
    "template": {
        "type": "buttons",
        "title": "送迎のご依頼",
        "text": "ボランティアが向かっています。",
        "actions": [
            {"type": "postback", "label": "受け取りました", "data": "action=x&answer=yes"},
            {"type": "message", "label": "電話してほしい", "text": "電話してください"},
            {"type": "uri", "label": "避難所を見る", "uri": "https://liff.line.me/LIFF/shelters/"},
            {"type": "uri", "label": "危ないリンク", "uri": "javascript:alert(1)"},
        ],
    },
}
CONFIRM = {
    "type": "template",
    "altText": "物資を受け取りましたか",
    "template": {
        "type": "confirm",
        "text": "物資を受け取りましたか？",
        "actions": [
            {"type": "postback", "label": "はい", "data": "action=x&answer=yes"},
            {"type": "postback", "label": "いいえ", "data": "action=x&answer=no"},
        ],
    },
}
FLEX = {"type": "flex", "altText": "避難所の混雑状況", "contents": {"type": "bubble"}}
QUICK = {
    "type": "text",
    "text": "どこに避難していますか？",
    "quickReply": {
        "items": [
            {"type": "action", "action": {"type": "message", "label": "自宅", "text": "自宅"}},
            {"type": "action", "action": {"type": "camera", "label": "カメラ"}},
        ]
    },
}


class ChatPageTestCase(BaseTestCase):
    def setUp(self):
        self.line_user = simulator.simulated_user_create(display_name="函館 花子")
        self.url = f"/line-sim/inbox/{self.line_user.user_id}/"
        self.client.force_login(self.staff)

    def receive(self, message: dict) -> SimulatedMessage:
        # Stored as the simulator stores what LINE delivered (its own HTTP path is
        # covered by the outbox and browser tests).
        return SimulatedMessage.objects.create(user=self.line_user, message=message)

    def says(self, text: str) -> SimulatedMessage:
        return SimulatedMessage.objects.create(
            user=self.line_user,
            direction=SimulatedMessage.Direction.FROM_USER,
            message={"type": "text", "text": text},
        )

    def test_it_shows_received_messages_left_and_the_users_own_right(self):
        self.receive({"type": "text", "text": "避難所が開設されました"})
        self.says("ありがとう")
        page = self.client.get(self.url).content.decode()
        self.assertIn('class="sim-msg theirs"', page)
        self.assertIn('class="sim-msg mine"', page)
        self.assertLess(page.index("避難所が開設されました"), page.index("ありがとう"))

    def test_it_escapes_what_a_message_says(self):
        self.receive({"type": "text", "text": "<script>alert(1)</script>"})
        page = self.client.get(self.url)
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertContains(page, "&lt;script&gt;")

    def test_it_draws_a_buttons_template_with_working_buttons(self):
        row = self.receive(BUTTONS)
        with self.settings(LIFF_ID="LIFF"):
            page = self.client.get(self.url)
        self.assertContains(page, "送迎のご依頼")
        self.assertContains(page, "ボランティアが向かっています。")
        self.assertContains(page, f'name="ref" value="m{row.pk}.t0"')
        self.assertContains(page, f'name="ref" value="m{row.pk}.t1"')
        # A LIFF link opens the portal's own start page, then the path.
        self.assertContains(page, 'href="/my/start/?next=%2Fshelters%2F"')
        # A scheme LINE refuses is drawn, but as nothing to click.
        self.assertNotContains(page, "javascript:")
        self.assertContains(page, "危ないリンク")

    def test_it_draws_a_confirm_template_as_two_buttons(self):
        row = self.receive(CONFIRM)
        page = self.client.get(self.url)
        self.assertContains(page, "物資を受け取りましたか？")
        self.assertContains(page, "sim-actions confirm")
        self.assertContains(page, f'value="m{row.pk}.t1"')

    def test_it_shows_a_flex_message_by_its_alt_text(self):
        self.receive(FLEX)
        self.assertContains(self.client.get(self.url), "避難所の混雑状況")

    def test_quick_replies_show_under_the_newest_message_only(self):
        row = self.receive(QUICK)
        page = self.client.get(self.url)
        self.assertContains(page, f'value="m{row.pk}.q0"')
        self.assertContains(page, "sim-action chip unsupported")  # the camera
        self.says("自宅")
        self.assertNotContains(self.client.get(self.url), f'value="m{row.pk}.q0"')

    def test_it_shows_the_rich_menu_from_code(self):
        page = self.client.get(self.url)
        self.assertContains(page, "メニュー")
        self.assertContains(page, 'value="r1"')  # わたしの状況, a postback
        self.assertContains(page, "わたしの状況")
        self.assertContains(page, 'href="/my/start/"')  # 登録: the portal itself
        self.assertContains(page, 'href="/my/qr/"')

    def test_a_blocked_user_sees_no_composer_but_can_add_the_friend_again(self):
        self.line_user.is_friend = False
        self.line_user.save()
        page = self.client.get(self.url)
        self.assertContains(page, "友だち追加")
        self.assertNotContains(page, 'name="text"')
        self.assertNotContains(page, 'value="r1"')

    def test_it_says_how_many_older_messages_are_not_shown(self):
        SimulatedMessage.objects.bulk_create(
            SimulatedMessage(user=self.line_user, message={"type": "text", "text": f"お知らせ{n}"})
            for n in range(105)
        )
        page = self.client.get(self.url)
        self.assertContains(page, "古いメッセージ 5 件は表示していません")
        self.assertContains(page, "お知らせ104")
        self.assertNotContains(page, "お知らせ4<")


class ChatPollTestCase(BaseTestCase):
    def setUp(self):
        self.line_user = simulator.simulated_user_create(display_name="函館 花子")
        self.url = f"/line-sim/inbox/{self.line_user.user_id}/messages/"
        self.client.force_login(self.staff)

    def test_it_returns_only_messages_after_the_given_id(self):
        first = SimulatedMessage.objects.create(
            user=self.line_user, message={"type": "text", "text": "一通目"}
        )
        last = SimulatedMessage.objects.create(user=self.line_user, message=QUICK)
        data = self.client.get(self.url, {"after": first.pk}).json()
        self.assertEqual(data["last_id"], last.pk)
        self.assertIn("どこに避難していますか？", data["html"])
        self.assertNotIn("一通目", data["html"])
        self.assertIn(f"m{last.pk}.q0", data["quick_replies"])

    def test_nothing_new_leaves_the_quick_replies_alone(self):
        last = SimulatedMessage.objects.create(user=self.line_user, message=QUICK)
        data = self.client.get(self.url, {"after": last.pk}).json()
        self.assertEqual(data, {"last_id": last.pk, "html": "", "quick_replies": None})

    def test_a_bad_cursor_is_refused(self):
        self.assertEqual(self.client.get(self.url, {"after": "x"}).status_code, 400)
