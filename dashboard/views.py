from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dashboard.permissions import responder_required
from residents.models import CareConsideration
from residents.roles import is_city_staff
from residents.selectors import areas_visible_to
from shelters.models import Shelter
from shelters.selectors import can_see_roster, occupancy, shelter_board
from shelters.services import shelter_set_status

QR_DECODER = "vendor/jsqr/jsQR.js"


@responder_required
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/index.html",
        {
            "areas": areas_visible_to(request.user),
            "reception_shelters": _reception_shelters(request.user),
        },
    )


def _reception_shelters(user):
    """Where this user may do reception: staff anywhere, reception users at their own."""
    if is_city_staff(user):
        return Shelter.objects.order_by("code")
    return Shelter.objects.filter(reception=user).order_by("code")


@require_GET
@responder_required
def reception(request: HttpRequest, pk: int) -> HttpResponse:
    """The shelter reception screen (tablet): scan, search, one tap in or out."""
    shelter = get_object_or_404(Shelter, pk=pk)
    if not can_see_roster(request.user, shelter):
        raise PermissionDenied
    return render(
        request,
        "dashboard/reception.html",
        {
            "shelter": shelter,
            "occupancy": occupancy(shelter),
            # Installed by `npm ci`; without it the page still takes USB scanners and names.
            "qr_decoder": static(QR_DECODER) if finders.find(QR_DECODER) else "",
            "texts": _reception_texts(),
        },
    )


def _reception_texts() -> dict[str, str]:
    """What reception.js says, translated here so the page speaks the staff's language."""
    return {
        "verified": _("住基照合済み"),
        "unverified": _("未確認（本人申告）"),
        "needs_support": _("避難行動要支援者"),
        "here": _("この避難所に入所中（{since}〜）"),
        "elsewhere": _("「{shelter}」に滞在中（{since}〜）"),
        "none": _("まだどこにも入所していません"),
        "companions": _("同行者 {count} 人"),
        "sending": _("送信中…"),
        "saved": _("保存しました（{time}）"),
        "not_saved": _(
            "保存できたか確認できませんでした（通信エラー）。もう一度送ってください。"
            "二重に登録されることはありません。"
        ),
        "retry": _("もう一度送る"),
        "searching": _("探しています…"),
        "no_results": _(
            "見つかりませんでした。フリガナと生年月日をご確認ください。"
            "台帳にない方は「代理登録」から登録できます。"
        ),
        "camera_error": _("カメラを使えませんでした。スキャナーか名前検索をお使いください。"),
        "camera_stop": _("カメラを止める"),
        "camera_start": _("カメラで読み取る"),
        "occupancy": _("入所 {people} 人 / 定員 {capacity} 人"),
    }


@require_GET
@responder_required
def board(request: HttpRequest) -> HttpResponse:
    """Shelter status board: occupancy and congestion everywhere, refreshed by polling."""
    return render(
        request,
        "dashboard/board.html",
        {
            "rows": shelter_board(),
            "care_labels": {code: str(label) for code, label in CareConsideration.choices},
            "receivable": set(_reception_shelters(request.user).values_list("pk", flat=True)),
            "can_manage": is_city_staff(request.user),
            "statuses": Shelter.Status.choices,
        },
    )


@require_POST
@responder_required
def shelter_status(request: HttpRequest, pk: int) -> HttpResponse:
    """City staff open, fill or close a shelter from the board (the same service as admin)."""
    if not is_city_staff(request.user):
        raise PermissionDenied
    shelter = get_object_or_404(Shelter, pk=pk)
    status = request.POST.get("status", "")
    if status not in Shelter.Status.values:
        messages.error(request, _("状態の指定が正しくありません。"))
    else:
        shelter = shelter_set_status(shelter=shelter, status=status, user=request.user)
        messages.success(
            request,
            _("「%(name)s」を「%(status)s」にしました。")
            % {"name": shelter.name, "status": shelter.get_status_display()},
        )
    return redirect("dashboard:board")
