import re

from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import get_current_timezone_name, localtime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from areas.selectors import areas_visible_to
from dashboard.api.base import display_name
from dashboard.forms import FilterForm
from dashboard.legend import map_legend, need_glyphs, pickup_ranks, urgency_words
from dashboard.permissions import can_see_evacuees
from evacuation.models import Need, PickupRequest
from lib.csvexport import excel_csv
from lib.maps import map_config
from lib.roles import is_city_staff, responder_required
from residents.models import CareConsideration, DetailView
from residents.services import detail_view_log
from shelters import care_notes
from shelters.forms import ShelterCloseForm
from shelters.models import Shelter
from shelters.selectors import (
    can_see_roster,
    care_told_by_stays,
    occupancy,
    people_inside,
    reception_shelters_of,
    shelter_board,
    shelter_for_its_staff,
    shelter_roster,
)
from shelters.services import (
    MoveEveryone,
    PeopleStillInside,
    StatusChangeRefused,
    shelter_set_status,
    shelter_status_choices,
)
from supplies.selectors import open_supply_requests

QR_DECODER = "vendor/jsqr/jsQR.js"


@responder_required
def index(request: HttpRequest) -> HttpResponse:
    """The volunteers' map and list of people sheltering outside shelters (staff: the
    whole city), with the other dashboard pages one tap away. The page itself holds no
    one's data: the map, the list and each detail come from the JSON API."""
    areas = list(areas_visible_to(request.user))
    context = {
        "areas": areas,
        "reception_shelters": reception_shelters_of(request.user),
        "show_map": can_see_evacuees(request.user),
        "user_name": display_name(request.user),
    }
    if context["show_map"]:
        context.update(
            filters=FilterForm(request.GET, areas=areas),
            map_config=map_config(),
            dashboard_config=_dashboard_config(request, areas),
            legend=map_legend(),
        )
    return render(request, "dashboard/index.html", context)


def _url_pattern(name: str) -> str:
    """A URL for the page to fill in: /api/evacuees/{id}, /api/pickups/{id}/claim …"""
    return re.sub(r"/0(?=/|$)", "/{id}", reverse(name, args=[0]))


def _dashboard_config(request: HttpRequest, areas) -> dict:
    return {
        "urls": {
            "evacueeLayer": reverse("dashboard-api:evacuee-layer"),
            "pickupLayer": reverse("dashboard-api:pickup-layer"),
            "list": reverse("dashboard-api:evacuees"),
            "detail": _url_pattern("dashboard-api:evacuee"),
            "board": reverse("shelters-api:board"),
            **{
                action: _url_pattern(f"dashboard-api:{name}")
                for action, name in (
                    ("claim", "claim"),
                    ("release", "release"),
                    ("hand_over", "hand-over"),
                    ("candidates", "handover-candidates"),
                    ("picked_up", "picked-up"),
                    ("arrived", "arrived"),
                    ("unable", "unable"),
                    ("note", "notes"),
                    ("dismiss", "dismiss"),
                    ("suspend", "suspend"),
                )
            },
        },
        # Where a volunteer's map opens: their areas (staff: the city's default view).
        "areas": [
            [area.center_lat, area.center_lng] for area in areas if not is_city_staff(request.user)
        ],
        # Shelters do not move: their places come with the page, occupancy by polling.
        "shelters": [
            {"id": pk, "name": name, "lat": lat, "lng": lng}
            for pk, name, lat, lng in Shelter.objects.order_by("code").values_list(
                "pk", "name", "latitude", "longitude"
            )
        ],
        "needs": {code: str(label) for code, label in Need.choices},
        "needGlyphs": need_glyphs(),
        # A pickup's colour, as the legend explains it (dashboard.legend).
        "pickupRanks": pickup_ranks(),
        # Times from the API are shown as the city's clock reads them, wherever the
        # tablet's own clock is set.
        "timeZone": get_current_timezone_name(),
        "care": {code: str(label) for code, label in CareConsideration.choices},
        "states": {code: str(label) for code, label in PickupRequest.Status.choices},
        "texts": _dashboard_texts(),
    }


def _dashboard_texts() -> dict[str, str]:
    """What dashboard.js says, translated here so the page speaks the user's language."""
    words = urgency_words()
    return {
        **{f"urgency{level}": word for level, word in words.items()},
        "updated": _("最終更新 {time}（10秒ごとに自動更新）"),
        "offline": _("更新できませんでした（通信エラー）。表示は {time} 時点のものです。"),
        "paused": _("画面が隠れている間は更新を止めています。"),
        "count": _("{count} 件"),
        "countTruncated": _("{total} 件中、緊急度の高い {count} 件"),
        "empty": _("条件に合う避難者はいません。"),
        "people": _("{count} 人"),
        "noPickup": _("—"),
        "open": _("詳しく"),
        "loading": _("読み込み中…"),
        "gone": _("この避難者は一覧から外れました（避難所に到着・終了・担当地区の外など）。"),
        "loadError": _("読み込めませんでした。通信状態を確かめて、もう一度選んでください。"),
        "sending": _("送信中…"),
        "sendError": _(
            "送信できたか確認できませんでした（通信エラー）。画面の状態を確かめて、"
            "必要ならもう一度押してください。二重に登録されることはありません。"
        ),
        "expiresIn": _("担当の期限まであと {minutes} 分"),
        "expiresSoon": _("担当の期限まであと 1 分未満"),
        "expired": _("担当の期限が切れました。ほかの方も担当できます。"),
        "holderMe": _("担当：あなた"),
        "holderLabel": _("担当"),
        "you": _("あなた"),
        # One character on a marker, with the colour: a pickup's state, a shelter.
        "glyphRequested": _("依"),
        "glyphClaimed": _("担"),
        "glyphPickedUp": _("送"),
        "glyphDone": _("済"),
        "glyphShelter": _("避"),
        "glyphNone": _("・"),
        "clusterTitle": _("{count} 件（拡大して表示）"),
        "mapMore": _(
            "この範囲は印が多いため、緊急度の高い {count} 件だけを地図に表示しています。"
            "すべては下の一覧でご覧ください。"
        ),
        "shelterPeople": _("{status}・入所 {people} 人 / 定員 {capacity} 人"),
        "evacueeTitle": _("避難所外の避難者（{need}）"),
        "pickupTitle": _("送迎依頼（{state}）"),
        "actionClaim": _("担当する"),
        "actionRenew": _("担当を延長する"),
        "actionPickedUp": _("お迎え済みにする"),
        "actionArrived": _("避難所に到着"),
        "actionRelease": _("担当を外れる"),
        "actionHandOver": _("引き継ぐ"),
        "actionUnable": _("対応できなかった"),
        "actionNote": _("メモを追加"),
        "handOverTo": _("引き継ぐ相手"),
        "handOverNone": _("この地区を担当しているほかのボランティアがいません。"),
        "unableReason": _("対応できなかった理由（住民にも伝わります）"),
        "note": _("メモ（担当者の間で共有）"),
        "people_heading": _("いる人"),
        "household": _("人数（世帯）"),
        "phone": _("電話"),
        "call": _("電話する"),
        "callName": _("{name} さんに電話する"),
        "directions": _("道順（地図アプリ）"),
        "place": _("場所"),
        "address": _("住所・目印"),
        "location": _("位置"),
        "showOnMap": _("地図で見る"),
        "needs": _("支援ニーズ"),
        "care": _("配慮事項"),
        "noteHeading": _("本人からのメモ"),
        "pickup": _("送迎"),
        "pickupNone": _("送迎の依頼はありません。"),
        "destination": _("行き先"),
        "mobility": _("移動"),
        "pickupUrgency": _("急ぎ具合"),
        "pickupPeople": _("送迎する人数"),
        "pickupNote": _("依頼のメモ"),
        "unableReasonLabel": _("対応できなかった理由"),
        "history": _("記録"),
        "unverified": _("未確認（本人申告）"),
        "unverifiedShort": _("未確認"),
        "unverifiedTitle": _("住民基本台帳で確認できていない申告"),
        "proxy": _("担当者が代理で入力"),
        "actionDismiss": _("いたずら・重複として閉じる"),
        "confirmDismiss": _(
            "このお知らせを「いたずら・重複」として閉じます。本人には通知されません。よろしいですか？"
        ),
        "actionSuspend": _("この利用者を停止する"),
        "confirmSuspend": _(
            "この利用者からの新しいお知らせ・送迎依頼を止め、開いている分を閉じます。よろしいですか？"
        ),
        "othersOnly": _("登録のない同行者 {count} 人"),
        "accuracy": _("（精度 約 {metres} m）"),
    }


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
        "told": _("避難所外避難・送迎で伝えられたこと"),
    }


@require_GET
@responder_required
def board(request: HttpRequest) -> HttpResponse:
    """Shelter status board: occupancy and congestion everywhere, refreshed by polling.
    Which status buttons a row offers is the service's answer (shelter_status_choices),
    here and in the polled JSON alike."""
    statuses = dict(Shelter.Status.choices)
    return render(
        request,
        "dashboard/board.html",
        {
            "rows": [
                (
                    row,
                    [
                        (value, statuses[value])
                        for value in shelter_status_choices(shelter=row.shelter, user=request.user)
                    ],
                )
                for row in shelter_board()
            ],
            # The care considerations and what people told on the way in (車いす …).
            "care_labels": care_notes.labels(),
            "receivable": set(reception_shelters_of(request.user).values_list("pk", flat=True)),
            "can_manage": is_city_staff(request.user),
            "board_texts": {
                "statusButtons": {
                    value: _("%(label)sにする") % {"label": label}
                    for value, label in statuses.items()
                },
                # The same words as the board's own button (one translation).
                "confirmClose": _(
                    "「%(name)s」を閉鎖します。新しい入所は受け付けられなくなります。"
                    "よろしいですか？"
                ),
                "timeZone": get_current_timezone_name(),
            },
            "supply_requests": open_supply_requests(),
        },
    )


@require_POST
@responder_required
def shelter_status(request: HttpRequest, pk: int) -> HttpResponse:
    """City staff open, fill or close a shelter from the board (the same service as admin).
    Closing a shelter with people inside first asks what to do with them: a small form
    (move them all to another shelter, or check them all out with a reason)."""
    if not is_city_staff(request.user):
        raise PermissionDenied
    shelter = get_object_or_404(Shelter, pk=pk)
    status = request.POST.get("status", "")
    if status not in Shelter.Status.values:
        messages.error(request, _("状態の指定が正しくありません。"))
        return redirect("dashboard:board")
    # The board's button posts the status alone; the confirmation form adds its answer.
    form = (
        ShelterCloseForm(request.POST, shelter=shelter)
        if status == Shelter.Status.CLOSED and "confirm" in request.POST
        else None
    )
    if form is not None and not form.is_valid():
        return _close_confirmation(request, shelter, form)
    try:
        shelter = shelter_set_status(
            shelter=shelter,
            status=status,
            user=request.user,
            people_inside=form.people_inside() if form is not None else None,
        )
    except PeopleStillInside:
        return _close_confirmation(request, shelter, form or ShelterCloseForm(shelter=shelter))
    except StatusChangeRefused as refused:
        if form is not None:
            form.add_error(None, refused.message)
            return _close_confirmation(request, shelter, form)
        messages.error(request, refused.message)
        return redirect("dashboard:board")
    messages.success(
        request,
        _("「%(name)s」を「%(status)s」にしました。")
        % {"name": shelter.name, "status": shelter.get_status_display()},
    )
    if form is not None:
        messages.success(request, _close_outcome(form))
    return redirect("dashboard:board")


def _close_confirmation(request: HttpRequest, shelter: Shelter, form) -> HttpResponse:
    """The question asked before closing a shelter with people inside."""
    inside = people_inside(shelter)
    if not inside.residents:
        # Everyone left meanwhile: nothing to decide, the board's close works again.
        messages.info(
            request,
            _(
                "「%(name)s」には入所中の方がいなくなりました。もう一度「閉鎖にする」を押してください。"
            )
            % {"name": shelter.name},
        )
        return redirect("dashboard:board")
    return render(
        request,
        "dashboard/shelter_close.html",
        {"shelter": shelter, "inside": inside, "form": form},
    )


def _close_outcome(form) -> str:
    decision = form.people_inside()
    if isinstance(decision, MoveEveryone):
        return _("入所中だった方は「%(to)s」へ移動しました。") % {"to": decision.to.name}
    return _("入所中だった方は退所にしました。")


# --- A shelter's roster (避難者名簿): its reception and staff, every view logged ---------


def _roster_rows(stays) -> list[tuple]:
    """Each stay with what the person told on the way in: (stay, codes' labels beyond
    the registration's care, notes)."""
    told = care_told_by_stays(stays)
    labels = care_notes.labels()
    rows = []
    for stay in stays:
        note = told.get(stay.resident_id)
        registered = set(stay.resident.care)
        extra = [
            labels.get(code, code)
            for code in (note.codes if note else ())
            if code not in registered
        ]
        rows.append((stay, extra, note.notes if note else ()))
    return rows


@require_GET
@responder_required
def roster(request: HttpRequest, pk: int) -> HttpResponse:
    shelter = shelter_for_its_staff(request.user, pk)
    stays = list(shelter_roster(shelter))
    detail_view_log(
        user=request.user,
        residents=[stay.resident for stay in stays],
        context=DetailView.Context.ROSTER,
    )
    return render(
        request,
        "dashboard/roster.html",
        {
            "shelter": shelter,
            "stays": stays,
            "rows": _roster_rows(stays),
            "occupancy": occupancy(shelter),
        },
    )


@require_GET
@responder_required
def roster_csv(request: HttpRequest, pk: int) -> HttpResponse:
    shelter = shelter_for_its_staff(request.user, pk)
    stays = list(shelter_roster(shelter))
    detail_view_log(
        user=request.user,
        residents=[stay.resident for stay in stays],
        context=DetailView.Context.ROSTER_CSV,
    )
    rows = (
        [
            stay.resident.display_name,
            stay.resident.display_kana,
            localtime(stay.checked_in_at).strftime("%Y-%m-%d %H:%M"),
            stay.get_method_display(),
            stay.companions,
            _("照合済み") if stay.resident.is_verified else _("未確認"),
            "、".join([*stay.resident.get_care_display(), *told]),
            " / ".join(f"{label}：{text}" for label, text in notes),
        ]
        for stay, told, notes in _roster_rows(stays)
    )
    header = [
        _("氏名"),
        _("フリガナ"),
        _("入所日時"),
        _("方法"),
        _("同行者（未登録）"),
        _("住基照合"),
        _("配慮事項"),
        _("メモ（避難所外避難・送迎）"),
    ]
    response = HttpResponse(excel_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-{shelter.code}.csv"'
    return response
