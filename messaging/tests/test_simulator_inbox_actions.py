"""Taps, typing, follow and block in the simulator's chat reach the portal through the
real webhook path (signed as LINE signs it), and the portal's replies land in the chat."""

import pytest

from messaging import postbacks, simulator
from messaging.models import SimulatedMessage, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)

BUTTONS = {
    "type": "template",
    "altText": "物資の受け取り",
    "template": {
        "type": "buttons",
        "text": "物資を受け取りましたか？",
        "actions": [
            {
                "type": "postback",
                "label": "受け取りました",
                "data": "action=test-inbox&answer=yes",
                "displayText": "受け取りました",
            },
            {"type": "postback", "label": "無言", "data": "action=test-inbox&answer=quiet"},
            {"type": "message", "label": "電話してほしい", "text": "電話してください"},
        ],
    },
}


@pytest.fixture
def portal(live_server):
    """The simulator posts its webhook events to the live test server."""
    simulator.config_update(webhook_url=f"{live_server.url}/line/webhook")
    return live_server


@pytest.fixture
def taps():
    seen = []

    def handler(context):
        seen.append(context.params)
        return [{"type": "text", "text": f"了解しました（{context.params['answer']}）"}]

    postbacks.register("test-inbox")(handler)
    yield seen
    postbacks._handlers.pop("test-inbox")


@pytest.fixture
def hanako(db):
    return simulator.simulated_user_create(display_name="函館 花子")


@pytest.fixture
def staff_client(client, cast):
    client.force_login(cast.staff)
    return client


def chat(line_user) -> str:
    return f"/line-sim/inbox/{line_user.user_id}/"


def texts(line_user, direction) -> list[str]:
    rows = SimulatedMessage.objects.filter(user=line_user, direction=direction).order_by("pk")
    return [row.message.get("text") for row in rows]


def received(line_user) -> list[str]:
    return texts(line_user, SimulatedMessage.Direction.TO_USER)


def sent(line_user) -> list[str]:
    return texts(line_user, SimulatedMessage.Direction.FROM_USER)


def test_a_postback_button_goes_through_the_webhook_and_the_reply_appears(
    portal, taps, hanako, staff_client
):
    row = SimulatedMessage.objects.create(user=hanako, message=BUTTONS)
    response = staff_client.post(chat(hanako) + "tap/", {"ref": f"m{row.pk}.t0"})
    assert response.status_code == 302 and response["Location"] == chat(hanako)
    assert taps == [{"answer": "yes"}]
    assert sent(hanako) == ["受け取りました"]  # its displayText, as LINE shows it
    assert received(hanako)[-1] == "了解しました（yes）"
    assert WebhookEvent.objects.get().event_type == "postback"
    assert "了解しました（yes）" in staff_client.get(chat(hanako)).content.decode()


def test_a_postback_without_display_text_shows_nothing_as_the_users_message(
    portal, taps, hanako, staff_client
):
    row = SimulatedMessage.objects.create(user=hanako, message=BUTTONS)
    staff_client.post(chat(hanako) + "tap/", {"ref": f"m{row.pk}.t1"})
    assert taps == [{"answer": "quiet"}]
    assert sent(hanako) == []


def test_a_message_button_says_its_text(portal, hanako, staff_client):
    row = SimulatedMessage.objects.create(user=hanako, message=BUTTONS)
    staff_client.post(chat(hanako) + "tap/", {"ref": f"m{row.pk}.t2"})
    assert sent(hanako) == ["電話してください"]
    event = WebhookEvent.objects.get()
    assert event.payload["message"]["text"] == "電話してください"


def test_the_rich_menu_status_area_asks_the_portal(portal, hanako, staff_client):
    staff_client.post(chat(hanako) + "tap/", {"ref": "r1"})
    assert sent(hanako) == ["わたしの状況"]
    event = WebhookEvent.objects.get()
    assert event.payload["postback"]["data"] == "action=status"
    assert event.status == WebhookEvent.Status.DONE
    assert len(received(hanako)) == 1  # the portal's answer, by reply token


def test_a_tap_on_another_users_message_is_refused(portal, taps, hanako, staff_client):
    taro = simulator.simulated_user_create(display_name="函館 太郎")
    row = SimulatedMessage.objects.create(user=taro, message=BUTTONS)
    for ref in (f"m{row.pk}.t0", f"m{row.pk}.t9", "r99", "x", ""):
        response = staff_client.post(chat(hanako) + "tap/", {"ref": ref}, follow=True)
        assert "このボタンは使えません" in response.content.decode()
    assert taps == []
    assert not WebhookEvent.objects.exists()


def test_typing_a_message_sends_it_to_the_portal(portal, hanako, staff_client):
    staff_client.post(chat(hanako) + "say/", {"text": "  避難所はどこですか  "})
    assert sent(hanako) == ["避難所はどこですか"]
    assert WebhookEvent.objects.get().event_type == "message"


def test_an_empty_message_is_not_sent(portal, hanako, staff_client):
    response = staff_client.post(chat(hanako) + "say/", {"text": "   "}, follow=True)
    assert "メッセージを入力してください。" in response.content.decode()
    assert sent(hanako) == []
    assert not WebhookEvent.objects.exists()


def test_blocking_and_adding_the_friend_again_tell_the_portal(portal, hanako, staff_client):
    staff_client.post(chat(hanako) + "unfollow/")
    hanako.refresh_from_db()
    assert not hanako.is_friend
    response = staff_client.post(chat(hanako) + "say/", {"text": "こんにちは"}, follow=True)
    assert "ブロック中は送信できません" in response.content.decode()
    assert staff_client.post(chat(hanako) + "tap/", {"ref": "r1"}).status_code == 302

    staff_client.post(chat(hanako) + "follow/")
    hanako.refresh_from_db()
    assert hanako.is_friend
    types = list(WebhookEvent.objects.order_by("received_at").values_list("event_type", flat=True))
    assert types == ["unfollow", "follow"]


def test_a_portal_that_is_down_is_reported_politely(hanako, staff_client):
    simulator.config_update(webhook_url="http://127.0.0.1:9/line/webhook")
    response = staff_client.post(chat(hanako) + "say/", {"text": "こんにちは"}, follow=True)
    assert "ポータルの Webhook に届きませんでした" in response.content.decode()
    response = staff_client.post(chat(hanako) + "unfollow/", follow=True)
    assert "ポータルの Webhook に届きませんでした" in response.content.decode()
    hanako.refresh_from_db()
    assert not hanako.is_friend  # the block itself happened, as it would in LINE


def test_a_resident_acts_in_their_own_chat(portal, taps, hanako, client):
    response = client.post("/my/session/", {"id_token": simulator.id_token_issue(hanako)})
    assert response.status_code == 200
    row = SimulatedMessage.objects.create(user=hanako, message=BUTTONS)
    client.post(chat(hanako) + "tap/", {"ref": f"m{row.pk}.t0"})
    assert taps == [{"answer": "yes"}]
