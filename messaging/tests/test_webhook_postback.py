"""Postbacks (rich menu and message buttons) are answered through the reply token."""

import pytest

from messaging import postbacks
from messaging.models import WebhookEvent
from messaging.tests import webhook_helpers
from messaging.tests.webhook_helpers import tap

pytestmark = pytest.mark.django_db(transaction=True)


def inbox(user) -> list[dict]:
    return webhook_helpers.inbox(user, texts=False)


@pytest.fixture
def quiet_action():
    """A button whose handler does its work and sends no reply."""
    taps = []

    def handler(context):
        taps.append(context.params)
        return None

    postbacks.register("test-quiet")(handler)
    yield taps
    postbacks._handlers.pop("test-quiet")


def test_an_unknown_button_gets_a_polite_reply(client, user):
    tap(client, user, "action=pickup-cancel-v0&request=7")
    (reply,) = inbox(user)
    assert reply["text"].startswith("このボタンは現在ご利用いただけません。")
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE


def test_a_handler_without_a_reply_sends_nothing(client, user, quiet_action):
    tap(client, user, "action=test-quiet&delivery=42")
    assert quiet_action == [{"delivery": "42"}]
    assert inbox(user) == []
