"""Blocking the city's account (unfollow) stops every message to that user."""

import datetime
import time

import pytest

from messaging.models import LineFriend
from messaging.services import outbox_enqueue
from messaging.tests.webhook_helpers import received, send

pytestmark = pytest.mark.django_db(transaction=True)


def test_unfollow_blocks_the_friend_and_later_messages_are_skipped(client, user):
    send(client, user, {"type": "follow"})
    assert received(user) == 1
    assert send(client, user, {"type": "unfollow"}).status_code == 200
    friend = LineFriend.objects.get(user_id=user.user_id)
    assert friend.is_following is False
    assert friend.blocked_at is not None
    # The simulated user still counts as a friend here: only our own check can stop this.
    message = outbox_enqueue(
        user_ids=[user.user_id], messages=[{"type": "text", "text": "避難所が開設されました"}]
    )
    message.refresh_from_db()
    assert (message.delivered, message.skipped_blocked) == (0, 1)
    assert received(user) == 1


def test_an_unfollow_from_an_unknown_user_is_remembered_as_blocked(client, user):
    send(client, user, {"type": "unfollow"})
    friend = LineFriend.objects.get(user_id=user.user_id)
    assert friend.blocked_at is not None
    assert received(user) == 0


def test_a_late_follow_does_not_lift_a_newer_block(client, user):
    now_ms = int(time.time() * 1000)
    send(client, user, {"type": "unfollow"}, timestamp=now_ms)
    # The follow from a minute earlier arrives only now (LINE redelivered it).
    send(
        client,
        user,
        {"type": "follow"},
        timestamp=now_ms - 60_000,
        deliveryContext={"isRedelivery": True},
    )
    friend = LineFriend.objects.get(user_id=user.user_id)
    assert friend.blocked_at == datetime.datetime.fromtimestamp(now_ms / 1000, tz=datetime.UTC)
    assert friend.is_following is False
    assert received(user) == 0  # the welcome went to the outbox and was skipped
