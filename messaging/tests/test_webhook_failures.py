"""An event whose handler fails is marked failed, undone, and does not stop the others."""

import json

import pytest

from messaging import postbacks, simulator
from messaging.models import LineFriend, WebhookEvent
from messaging.tests.webhook_helpers import inbox as replies
from messaging.tests.webhook_helpers import post

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broken_action():
    def handler(context):
        LineFriend.objects.filter(user_id=context.user_id).update(display_name="書きかけ")
        LineFriend.objects.create(user_id=f"{context.user_id}-half-written")
        raise RuntimeError(f"broken for {context.user_id}")

    postbacks.register("test-broken")(handler)
    yield
    postbacks._handlers.pop("test-broken")


def test_a_failing_event_is_marked_failed_and_the_next_one_still_runs(client, broken_action):
    tapper = simulator.simulated_user_create(display_name="函館 花子")
    writer = simulator.simulated_user_create(display_name="青柳 次郎")
    first = json.loads(
        simulator.webhook_body(
            tapper, {"type": "postback", "postback": {"data": "action=test-broken"}}
        )
    )
    second = json.loads(
        simulator.webhook_body(
            writer, {"type": "message", "message": {"id": "1", "type": "text", "text": "はい"}}
        )
    )
    body = json.dumps({**first, "events": first["events"] + second["events"]})

    response = post(client, body)

    assert response.status_code == 200
    failed = WebhookEvent.objects.get(event_type="postback")
    assert (failed.status, failed.error) == ("failed", "RuntimeError")  # no user id kept
    assert WebhookEvent.objects.get(event_type="message").status == "done"
    # Nothing the failed handler wrote remains.
    assert not LineFriend.objects.filter(user_id__startswith=tapper.user_id).exists()
    assert replies(tapper) == ["ただいま処理できませんでした。時間をおいてもう一度お試しください。"]
    (menu,) = replies(writer)
    assert menu.startswith("下のメニューからお選びください。")


def test_an_expired_reply_token_is_logged_and_the_event_is_still_done(client, caplog):
    user = simulator.simulated_user_create(display_name="函館 花子")
    body = simulator.webhook_body(user, {"type": "postback", "postback": {"data": "action=status"}})
    payload = json.loads(body)
    payload["events"][0]["replyToken"] = "expired"
    body = json.dumps(payload)
    post(client, body)
    assert WebhookEvent.objects.get().status == "done"
    assert replies(user) == []
    assert "reply failed" in caplog.text
