"""A message typed in the chat is answered with a pointer to the menu."""

import pytest

from messaging import simulator
from messaging.models import WebhookEvent
from messaging.tests.webhook_helpers import inbox as replies
from messaging.tests.webhook_helpers import post

pytestmark = pytest.mark.django_db(transaction=True)


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
    post(client, body)
    (reply,) = replies(user)
    assert reply.startswith("下のメニューからお選びください。")


def test_a_message_in_a_group_chat_gets_no_reply(client, user):
    event = {
        "type": "message",
        "source": {"type": "group", "groupId": "C" + "1" * 32, "userId": user.user_id},
        "message": {"id": "3", "type": "text", "text": "みなさん無事ですか"},
    }
    body = simulator.webhook_body(user, event)
    post(client, body)
    assert replies(user) == []
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE
