"""「届きましたか？」: the question a household gets on LINE when its supplies are marked
delivered (and once more if it has not answered), with two postback buttons. Queued
through the outbox in the delivery's transaction, keyed by delivery, so it is sent
exactly once whatever retries happen."""

from __future__ import annotations

from django.utils.translation import gettext as _

from messaging.line import liff_url
from messaging.services import outbox_enqueue_localized
from supplies.models import Delivery
from supplies.selectors import describe_items, household_line_user_ids, items_by_id

POSTBACK_ACTION = "supply-receipt"
MY_PAGE = "/my/"
# LINE: a confirm template's text is at most 240 characters, altText at most 400.
TEMPLATE_TEXT_MAX = 240


def answer_data(delivery_id: int, answer: str) -> str:
    return f"action={POSTBACK_ACTION}&delivery={delivery_id}&answer={answer}"


def question_messages(delivery: Delivery, *, reminder: bool = False) -> list[dict]:
    """The LINE messages asking this household, in the active language."""
    items = describe_items(delivery.delivered, items_by_id(delivery.delivered))
    if reminder:
        lead = _("先日お届けした物資（%(items)s）は受け取られましたか。") % {"items": items}
    else:
        lead = _("物資をお届けしました（%(items)s）。受け取られましたか。") % {"items": items}
    question = _("下のボタンで教えてください。")
    text = f"{lead}\n{question}"
    if len(text) > TEMPLATE_TEXT_MAX:
        text = text[: TEMPLATE_TEXT_MAX - len(question) - 2] + "…\n" + question
    received, missing = _("受け取りました"), _("届いていません")
    return [
        {
            "type": "template",
            "altText": f"{lead} {liff_url(MY_PAGE)}"[:400],
            "template": {
                "type": "confirm",
                "text": text,
                "actions": [
                    {
                        "type": "postback",
                        "label": received,
                        "data": answer_data(delivery.pk, "yes"),
                        "displayText": received,
                    },
                    {
                        "type": "postback",
                        "label": missing,
                        "data": answer_data(delivery.pk, "no"),
                        "displayText": missing,
                    },
                ],
            },
        }
    ]


def ask_household(delivery: Delivery, *, reminder: bool = False) -> None:
    """Queue the question to every LINE account of the household (a browser-only
    household sees it on /my/ instead)."""
    kind = "reminder" if reminder else "delivered"
    outbox_enqueue_localized(
        user_ids=household_line_user_ids(delivery.report_id),
        messages=lambda: question_messages(delivery, reminder=reminder),
        purpose=f"supply_{kind}",
        dedupe_key=f"supply-{kind}:{delivery.pk}",
    )
