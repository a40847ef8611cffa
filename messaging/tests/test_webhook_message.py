"""A message typed in the chat is answered with a pointer to the menu."""

import pytest

from messaging import simulator
from messaging.models import SimulatedMessage, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


def replies(user) -> list[str]:
    return [
        m.message["text"]
        for m in SimulatedMessage.objects.filter(
            user=user, direction=SimulatedMessage.Direction.TO_USER
        )
    ]


@pytest.fixture
def user(db):
    return simulator.simulated_user_create(display_name="函館 花子")


def test_a_text_message_gets_the_menu_reply(live_server, settings, user):
    settings.LINE_WEBHOOK_URL = f"{live_server.url}/line/webhook"
    assert simulator.user_says(user, "避難所はどこですか") == 200
    (reply,) = replies(user)
    assert reply.startswith("下のメニューからお選びください。")
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE


def test_a_sticker_gets_the_same_reply(client, user):
    body = simulator.webhook_body(
        user, {"type": "message", "message": {"id": "2", "type": "sticker"}}
    )
    client.post(
        "/line/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": simulator.webhook_signature(body)},
    )
    (reply,) = replies(user)
    assert reply.startswith("下のメニューからお選びください。")


def test_a_message_in_a_group_chat_gets_no_reply(client, user):
    event = {
        "type": "message",
        "source": {"type": "group", "groupId": "C" + "1" * 32, "userId": user.user_id},
        "message": {"id": "3", "type": "text", "text": "みなさん無事ですか"},
    }
    body = simulator.webhook_body(user, event)
    client.post(
        "/line/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": simulator.webhook_signature(body)},
    )
    assert replies(user) == []
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE
