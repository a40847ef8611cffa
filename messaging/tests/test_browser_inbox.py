"""Staff drive a simulated resident's LINE chat in a real browser: the rich menu asks
the portal through the real webhook, a pushed message appears without a reload, and
its button answers the portal."""

import pytest

from hakobou.testing.browser import PHONE, TABLET, log_in
from messaging import postbacks, simulator
from messaging.services import outbox_enqueue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECEIPT = {
    "type": "template",
    "altText": "物資の受け取り確認",
    "template": {
        "type": "buttons",
        "title": "物資のお届け",
        "text": "飲料水 2L × 2 をお届けしました。受け取りましたか？",
        "actions": [
            {
                "type": "postback",
                "label": "受け取りました",
                "data": "action=test-receipt&answer=yes",
                "displayText": "受け取りました",
            },
            {"type": "uri", "label": "避難所を見る", "uri": "https://liff.line.me/x/shelters/"},
        ],
    },
    "quickReply": {
        "items": [
            {
                "type": "action",
                "action": {"type": "message", "label": "足りない", "text": "足りません"},
            },
            {"type": "action", "action": {"type": "location", "label": "位置情報"}},
        ]
    },
}


@pytest.fixture
def receipts():
    seen = []

    def handler(context):
        seen.append(context.params["answer"])
        return [{"type": "text", "text": "受け取りを記録しました。ありがとうございます。"}]

    postbacks.register("test-receipt")(handler)
    yield seen
    postbacks._handlers.pop("test-receipt")


def test_staff_use_the_rich_menu_and_a_pushed_button_in_a_simulated_chat(
    new_page, screenshot, live_server, cast, receipts
):
    simulator.config_update(webhook_url=f"{live_server.url}/line/webhook")
    hanako = simulator.simulated_user_create(display_name="函館 花子")
    simulator.simulated_user_create(display_name="青柳 一郎")

    page = new_page(PHONE)
    log_in(page, cast.staff.username, "/line-sim/inbox/")
    screenshot(page, "1-list")
    page.get_by_role("link", name="函館 花子").click()
    assert page.get_by_text("まだメッセージはありません").is_visible()
    screenshot(page, "2-empty-chat")

    # The rich menu's 「わたしの状況」 posts action=status to the real webhook.
    page.get_by_role("button", name="わたしの状況").click()
    page.get_by_text("まだ登録されていません").wait_for()
    assert page.locator(".sim-msg.mine").filter(has_text="わたしの状況").is_visible()
    screenshot(page, "3-status-reply")

    # A message the portal pushes appears by polling, without a reload.
    outbox_enqueue(user_ids=[hanako.user_id], messages=[RECEIPT], purpose="test")
    page.get_by_text("飲料水 2L × 2 をお届けしました。").wait_for()
    assert page.locator("#chat-quick-replies").get_by_role("button", name="足りない").is_visible()
    screenshot(page, "4-pushed-template")
    page.get_by_role("button", name="受け取りました").click()
    page.get_by_text("受け取りを記録しました。ありがとうございます。").wait_for()
    assert receipts == ["yes"]
    assert page.locator("#chat-quick-replies .sim-action").count() == 0  # the user acted
    screenshot(page, "5-button-answered")

    tablet = new_page(TABLET)
    log_in(tablet, cast.staff.username, "/line-sim/inbox/")
    screenshot(tablet, "6-list-tablet")
    tablet.get_by_role("link", name="函館 花子").click()
    assert tablet.get_by_text("受け取りを記録しました。ありがとうございます。").is_visible()
    screenshot(tablet, "7-chat-tablet")
