"""What each LINE webhook event does (友だち追加、ブロック、ボタン、メッセージ).

A handler takes the stored event (its payload is the event as LINE sent it) and
returns the messages to reply with, or None. It runs inside the processing
transaction, so it must not reply itself: a reply token is used once, after the
event is recorded as done (messaging/webhook.py). Messages for later go through
the outbox.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lib.city import city_name
from messaging import line, postbacks
from messaging.friends import (
    followed_hooks,
    friend_language,
    line_friend_blocked,
    line_friend_followed,
)
from messaging.line import liff_url
from messaging.models import WebhookEvent
from messaging.services import outbox_enqueue

logger = logging.getLogger(__name__)

Handler = Callable[[WebhookEvent], list[dict] | None]


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def _user_id(payload: dict) -> str | None:
    """The LINE user behind the event: only one-to-one chats are served; in a group
    or room the account stays silent."""
    source = payload.get("source") or {}
    if source.get("type") != "user":
        return None
    user_id = source.get("userId")
    return user_id if isinstance(user_id, str) and user_id else None


def _happened_at(payload: dict) -> datetime.datetime:
    stamp = payload.get("timestamp")
    if isinstance(stamp, int):
        return datetime.datetime.fromtimestamp(stamp / 1000, tz=datetime.UTC)
    return timezone.now()


# --- Events ------------------------------------------------------------------------------


def on_follow(event: WebhookEvent) -> None:
    user_id = _user_id(event.payload)
    if user_id is None:
        return None
    try:
        profile = line.profile(user_id)
    except line.LineError as exc:
        # The friendship matters more than the name: keep what we have.
        logger.warning("webhook: LINE profile unavailable (%s)", type(exc).__name__)
        display_name = language = None
    else:
        display_name, language = profile.display_name, profile.language
    friend = line_friend_followed(
        user_id=user_id,
        display_name=display_name,
        language=language,
        at=_happened_at(event.payload),
    )
    for hook in followed_hooks():
        hook(user_id)
    with translation.override(friend.language or settings.LANGUAGE_CODE):
        welcome = _("%(city)sの災害時支援サービスです。こちらから登録できます。") % {
            "city": city_name()
        }
    outbox_enqueue(
        user_ids=[user_id],
        messages=[text(f"{welcome}\n{liff_url()}")],
        purpose="welcome",
        dedupe_key=f"welcome:{event.event_id}",
    )
    return None


def on_unfollow(event: WebhookEvent) -> None:
    user_id = _user_id(event.payload)
    if user_id is not None:
        line_friend_blocked(user_id=user_id, at=_happened_at(event.payload))
    return None


def on_postback(event: WebhookEvent) -> list[dict] | None:
    user_id = _user_id(event.payload)
    if user_id is None:
        return None
    language = friend_language(user_id)
    data = (event.payload.get("postback") or {}).get("data", "")
    action, _params = postbacks.parse(data)
    # postbacks.dispatch answers None both for "no handler" and for "no reply".
    if not postbacks.is_registered(action):
        logger.info("webhook: postback for unknown action %r", action[:50])
        with translation.override(language):
            return [
                text(_("このボタンは現在ご利用いただけません。下のメニューからお選びください。"))
            ]
    return postbacks.dispatch(user_id=user_id, language=language, data=data)


def on_message(event: WebhookEvent) -> list[dict] | None:
    user_id = _user_id(event.payload)
    if user_id is None:
        return None
    with translation.override(friend_language(user_id)):
        return [
            text(
                _(
                    "下のメニューからお選びください。"
                    "このアカウントでは個別のメッセージにはお答えできません。"
                    "緊急の場合は 119番・110番 へお電話ください。"
                )
            )
        ]


HANDLERS: dict[str, Handler] = {
    "follow": on_follow,
    "unfollow": on_unfollow,
    "postback": on_postback,
    "message": on_message,
}
