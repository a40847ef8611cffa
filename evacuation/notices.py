"""What the resident hears on LINE at each step of their pickup request."""

from __future__ import annotations

from django.utils.translation import gettext as _

from evacuation.models import PickupEvent, PickupRequest
from messaging.services import outbox_enqueue_text
from residents.selectors import line_user_ids_of

Kind = PickupEvent.Kind

# What the resident hears at each step (translated per account at send time).
RESIDENT_MESSAGES = {
    Kind.REQUESTED: lambda p: _(
        "送迎の依頼を受け付けました（行き先：%(shelter)s）。担当者が決まったらお知らせします。"
    ),
    Kind.CLAIMED: lambda p: _(
        "担当者が決まりました。お迎えの準備をしています。しばらくお待ちください（行き先：%(shelter)s）。"
    ),
    Kind.PICKED_UP: lambda p: _("お迎えに到着しました。%(shelter)s へ向かいます。"),
    Kind.ARRIVED: lambda p: _("%(shelter)s に到着しました。受付は済んでいます。"),
    Kind.CANCELLED: lambda p: _("送迎の依頼を取り消しました。"),
    Kind.UNABLE: lambda p: _(
        "申し訳ありません。送迎ができませんでした（理由：%(reason)s）。市の窓口からご連絡します。"
    ),
}


def tell_resident(pickup: PickupRequest, event: PickupEvent) -> None:
    """Queue the step's LINE message, once per event (the outbox's dedupe key)."""
    outbox_enqueue_text(
        user_ids=line_user_ids_of([pickup.report.account]),
        text=lambda: (
            RESIDENT_MESSAGES[event.kind](pickup)
            % {"shelter": pickup.destination.name, "reason": pickup.unable_reason}
        ),
        purpose=f"pickup_{event.kind}",
        dedupe_key=f"pickup-event:{event.pk}",
    )
