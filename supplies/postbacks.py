"""The household's answer on LINE: 「受け取りました」/「届いていません」 (registered in
SuppliesConfig.ready())."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from messaging import postbacks
from messaging.line import liff_url
from residents.models import Account
from supplies.deliveries import Answer, ReceiptOutcome, delivery_access_denied, delivery_answer
from supplies.receipts import MY_PAGE


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def receipt(context: postbacks.PostbackContext) -> list[dict]:
    """Record the answer (the first one wins) and say what was recorded."""
    with translation.override(context.language):
        try:
            delivery_id = int(context.params.get("delivery", ""))
            answer = Answer(context.params.get("answer", ""))
        except ValueError:
            return [
                text(_("このボタンは使えなくなりました。お手数ですが市にお問い合わせください。"))
            ]
        account = Account.objects.filter(line_user_id=context.user_id, withdrawn_at=None).first()
        if account is None:
            delivery_access_denied(delivery_id=delivery_id, via="postback:unknown_user")
            return [text(_("このお届けについてはお答えいただけません。"))]
        result = delivery_answer(
            delivery_id=delivery_id, account=account, answer=answer, via="postback"
        )
        return [text(reply_for(result.outcome, result.delivery))]


def reply_for(outcome: ReceiptOutcome, delivery) -> str:
    """What the household is told, on LINE and on the web, in the active language."""
    if outcome == ReceiptOutcome.CONFIRMED:
        return _("受け取りを確認しました。ありがとうございました。")
    if outcome == ReceiptOutcome.DISPUTED:
        return (
            _(
                "届いていないことを担当者に伝えました。確認してご連絡します。"
                "足りないものなどがあれば、こちらからお知らせください。"
            )
            + f"\n{liff_url(MY_PAGE)}"
        )
    if outcome == ReceiptOutcome.ALREADY:
        if delivery.status == delivery.Status.CONFIRMED:
            return _("このお届けは、すでに受け取りを確認済みです。")
        return _("このお届けは「届いていません」と伺っています。担当者が確認しています。")
    if outcome == ReceiptOutcome.NOT_YET:
        return _("このお届けはまだ配達済みになっていません。")
    return _("このお届けについてはお答えいただけません。")
