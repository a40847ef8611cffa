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

from messaging import line, postbacks
from messaging.line import liff_url
from messaging.models import WebhookEvent
from messaging.services import outbox_enqueue
from residents.line_accounts import (
    line_account_blocked,
    line_account_followed,
    line_account_get_or_create,
)
from residents.models import Account, ResidentLink
from residents.registration import masked_name
from residents.selectors import linked_residents

logger = logging.getLogger(__name__)

START_PATH = "/my/start/"
HOME_PATH = "/my/"

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


def _language(account: Account) -> str:
    return account.language or settings.LANGUAGE_CODE


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
    account = line_account_followed(
        user_id=user_id,
        display_name=display_name,
        language=language,
        at=_happened_at(event.payload),
    )
    with translation.override(_language(account)):
        welcome = _("%(city)sの災害時支援サービスです。こちらから登録できます。") % {
            "city": settings.CITY_NAME
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
        line_account_blocked(user_id=user_id, at=_happened_at(event.payload))
    return None


def on_postback(event: WebhookEvent) -> list[dict] | None:
    user_id = _user_id(event.payload)
    if user_id is None:
        return None
    account = line_account_get_or_create(user_id=user_id)
    data = (event.payload.get("postback") or {}).get("data", "")
    action, _params = postbacks.parse(data)
    # postbacks.dispatch answers None both for "no handler" and for "no reply".
    if not postbacks.is_registered(action):
        logger.info("webhook: postback for unknown action %r", action[:50])
        with translation.override(_language(account)):
            return [
                text(_("このボタンは現在ご利用いただけません。下のメニューからお選びください。"))
            ]
    return postbacks.dispatch(account=account, data=data)


def on_message(event: WebhookEvent) -> list[dict] | None:
    user_id = _user_id(event.payload)
    if user_id is None:
        return None
    account = line_account_get_or_create(user_id=user_id)
    with translation.override(_language(account)):
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


# --- Postbacks ---------------------------------------------------------------------------


@postbacks.register("status")
def status(context: postbacks.PostbackContext) -> list[dict]:
    """「わたしの状況」 in the rich menu: is this account registered, and for how many?"""
    links = list(linked_residents(context.account))
    own = next((link for link in links if link.relation == ResidentLink.Relation.SELF), None)
    family = sum(link.relation == ResidentLink.Relation.FAMILY for link in links)
    with translation.override(_language(context.account)):
        if own is None:
            message = _("まだ登録されていません。こちらから登録できます。")
            return [text(f"{message}\n{liff_url()}")]
        # Masked, as on the registration confirmation: the chat is not the place
        # for a full name from the registry.
        message = _("%(name)s さんは登録済みです（ご家族 %(family)s 人）。") % {
            "name": masked_name(own.resident.display_name),
            "family": family,
        }
        return [text(f"{message}\n{liff_url(HOME_PATH)}"), text(_where(context.account, links))]


def _where(account, links) -> str:
    """Where the household is now: at a shelter, reported outside one, or not yet known
    (then how to tell the city — nobody should be left out because they stayed home)."""
    from residents.evacuation import report_open
    from shelters.models import Stay

    stay = (
        Stay.objects.filter(
            resident__in=[link.resident for link in links], checked_out_at__isnull=True
        )
        .select_related("shelter")
        .first()
    )
    if stay is not None:
        return _("「%(shelter)s」に入所しています。") % {"shelter": stay.shelter.name}
    report = report_open(account=account)
    if report is not None and report.status == report.Status.ACTIVE:
        return _("避難所以外での避難をお知らせいただいています。変わったら更新してください。") + (
            f"\n{liff_url('/my/report/')}"
        )
    return _("避難所以外（自宅・車中など）に避難しているときは、こちらからお知らせください。") + (
        f"\n{liff_url('/my/report/')}"
    )
