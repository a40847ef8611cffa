"""The household's answer on the web: the same question as on LINE, for residents who
use the portal in a browser (and for LINE users who open /my/)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from residents.identity import account_required, current_account
from supplies.deliveries import (
    Answer,
    DeliveryError,
    NotAllowed,
    ReceiptOutcome,
    delivery_add_dispute_note,
    delivery_answer,
)
from supplies.forms import DisputeNoteForm, ReceiptAnswerForm
from supplies.postbacks import reply_for
from supplies.selectors import household_deliveries


@require_POST
@account_required
def receipt_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """「受け取りました」/「届いていません」 from /my/. The first answer wins."""
    form = ReceiptAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("回答を読み取れませんでした。もう一度お試しください。"))
        return redirect("residents:home")
    result = delivery_answer(
        delivery_id=pk,
        account=current_account(request),
        answer=Answer(form.cleaned_data["answer"]),
        via="web",
    )
    if result.outcome == ReceiptOutcome.NOT_YOURS:
        messages.error(request, reply_for(result.outcome, None))
        return redirect("residents:home")
    if result.outcome == ReceiptOutcome.DISPUTED:
        return redirect("supplies:dispute-note", pk=pk)
    messages.success(request, reply_for(result.outcome, result.delivery))
    return redirect("residents:home")


@require_http_methods(["GET", "POST"])
@account_required
def dispute_note(request: HttpRequest, pk: int) -> HttpResponse:
    """After 「届いていません」: what is missing, when someone is home."""
    account = current_account(request)
    delivery = household_deliveries(account).select_related("round").filter(pk=pk).first()
    if delivery is None:
        messages.error(request, reply_for(ReceiptOutcome.NOT_YOURS, None))
        return redirect("residents:home")
    form = DisputeNoteForm(request.POST or None, initial={"note": delivery.dispute_note})
    if request.method == "POST" and form.is_valid():
        try:
            delivery_add_dispute_note(
                delivery=delivery, account=account, note=form.cleaned_data["note"]
            )
        except (DeliveryError, NotAllowed):
            messages.error(request, _("このお届けには、いまはメモを追加できません。"))
            return redirect("residents:home")
        messages.success(request, _("担当者に伝えました。ありがとうございました。"))
        return redirect("residents:home")
    return render(request, "supplies/dispute_note.html", {"delivery": delivery, "form": form})
