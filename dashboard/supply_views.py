"""The supplies pages of the dashboard: rounds and their progress (staff open and close
them), a round's map and walking list for volunteers on a phone, a batch's printed
sheet with a QR code per household, and the page that QR code opens at the door.

The round page holds no one's data: the list, the map and each detail come from the
JSON API (dashboard.api.deliveries), which also says which buttons apply."""

from __future__ import annotations

import datetime
from functools import wraps

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from areas.selectors import areas_visible_to
from dashboard.api.base import display_name
from dashboard.api.deliveries import household
from dashboard.api.delivery_steps import conflict
from dashboard.api.layers import DELIVERY_RANK
from dashboard.permissions import can_see_evacuees
from dashboard.views import _url_pattern
from lib.maps import map_config
from lib.qr import qr_svg
from lib.roles import is_city_staff, responder_required, staff_required
from residents.models import DetailView, Resident
from residents.services import detail_view_log
from supplies.deliveries import (
    BATCH_MAX,
    BadQuantities,
    DeliveryError,
    NotAllowed,
    batch_route,
    delivery_access_denied,
    delivery_actions,
    delivery_mark_delivered,
    delivery_mark_not_home,
)
from supplies.ledger import NotEnoughStock
from supplies.models import Delivery, DeliveryBatch, DistributionRound
from supplies.rounds import RoundClosed, RoundHasNoItems, round_close, round_open
from supplies.selectors import (
    DELIVERED_STATES,
    PROGRESS_COLUMNS,
    batches_visible_to,
    deliveries_visible_to,
    round_progress,
    rounds_visible_to,
)

Status = Delivery.Status
RoundStatus = DistributionRound.Status
# Closed rounds listed under the open ones.
RECENT_ROUNDS = 5
# A printed sheet's QR codes work this long (a round lasts days, not weeks).
SCAN_SALT = "supplies.delivery-scan"
SCAN_MAX_AGE = datetime.timedelta(days=14)
TAKE_COUNTS = (5, 10, 20, BATCH_MAX)


def sign_delivery(pk: int) -> str:
    """The token in a printed QR code: the delivery's id, signed (not guessable)."""
    return signing.dumps({"d": pk}, salt=SCAN_SALT)


def unsign_delivery(token: str) -> int | None:
    """The delivery id in a token, or None when it is forged, damaged or too old."""
    try:
        data = signing.loads(token, salt=SCAN_SALT, max_age=SCAN_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    pk = data.get("d") if isinstance(data, dict) else None
    return pk if type(pk) is int and pk > 0 else None


def supply_worker_required(view):
    """Volunteers and staff (shelter reception has a dashboard role but another task)."""

    @wraps(view)
    @responder_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_see_evacuees(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Rounds --------------------------------------------------------------------------------------


@require_GET
@supply_worker_required
def supplies(request: HttpRequest) -> HttpResponse:
    """Open rounds (staff: drafts too) and the latest closed ones, each with its progress
    over what the user may see (a volunteer: their areas)."""
    rounds = rounds_visible_to(request.user).select_related("depot")
    current = list(rounds.exclude(status=RoundStatus.CLOSED).order_by("-opened_at", "-pk"))
    closed = list(rounds.filter(status=RoundStatus.CLOSED).order_by("-closed_at")[:RECENT_ROUNDS])
    visible = deliveries_visible_to(request.user)
    return render(
        request,
        "dashboard/supplies/index.html",
        {
            "current": [(round, round_progress(round, visible)) for round in current],
            "closed": [(round, round_progress(round, visible)) for round in closed],
            "can_manage": is_city_staff(request.user),
        },
    )


def _status_glyphs() -> dict[str, str]:
    """One character on a marker and in the legend with each status's colour."""
    return {
        Status.PENDING: _("未"),
        Status.OUT: _("配"),
        Status.NOT_HOME: _("不"),
        Status.DELIVERED: _("済"),
        Status.UNCONFIRMED: _("待"),
        Status.CONFIRMED: _("受"),
        Status.DISPUTED: _("！"),
        Status.RESOLVED: _("解"),
        Status.REFUSED: _("辞"),
        Status.CANCELLED: _("終"),
    }


def _legend() -> list[tuple[str, str, str]]:
    glyphs = _status_glyphs()
    return [(code, Status(code).label, glyphs[code]) for code in PROGRESS_COLUMNS]


def _rank_status() -> dict[int, str]:
    """A cluster is coloured as the most pressing status in it (its rank's first)."""
    ranks: dict[int, str] = {}
    for code in PROGRESS_COLUMNS:
        ranks.setdefault(DELIVERY_RANK[code], code)
    return ranks


def _area_table(progress: dict) -> list[dict]:
    return [
        {
            "name": area["name"] or _("地区なし"),
            "counts": [(code, area["counts"][code]) for code in PROGRESS_COLUMNS],
            "total": sum(area["counts"].values()),
        }
        for area in progress["areas"]
    ]


@require_GET
@supply_worker_required
def supply_round(request: HttpRequest, pk: int) -> HttpResponse:
    """A round: its progress, the map and the walking list, one household's detail."""
    round = get_object_or_404(rounds_visible_to(request.user).select_related("depot"), pk=pk)
    progress = round_progress(round, deliveries_visible_to(request.user))
    out = Count("deliveries", filter=Q(deliveries__status=Status.OUT))
    my_batches = (
        DeliveryBatch.objects.filter(round=round, volunteer=request.user)
        .annotate(out=out)
        .filter(out__gt=0)
        .order_by("-created_at")
    )
    return render(
        request,
        "dashboard/supplies/round.html",
        {
            "round": round,
            "is_open": round.status == RoundStatus.OPEN,
            "progress": progress,
            "counts": [
                (code, Status(code).label, progress["counts"][code])
                for code in PROGRESS_COLUMNS
                if progress["counts"][code]
            ],
            "columns": [Status(code).label for code in PROGRESS_COLUMNS],
            "area_rows": _area_table(progress),
            "lines": round.items.select_related("item").order_by("item__category", "item__name"),
            "legend": _legend(),
            "my_batches": my_batches,
            "take_counts": TAKE_COUNTS,
            "can_manage": is_city_staff(request.user),
            "map_config": map_config(),
            "supplies_config": _supplies_config(request, round),
        },
    )


def _map_areas(user, round: DistributionRound) -> list:
    """Where the map opens: the round's areas (a volunteer's own among them)."""
    areas = round.areas.all()
    if not is_city_staff(user):
        mine = areas_visible_to(user)
        areas = areas.filter(pk__in=mine) if areas.exists() else mine
    return list(areas)


def _supplies_config(request: HttpRequest, round: DistributionRound) -> dict:
    return {
        "round": round.pk,
        "urls": {
            "list": reverse("dashboard-api:deliveries"),
            "layer": reverse("dashboard-api:delivery-layer"),
            "take": reverse("dashboard-api:take", args=[round.pk]),
            "detail": _url_pattern("dashboard-api:delivery"),
            "print": _url_pattern("dashboard:supply-batch-print"),
            **{
                action: _url_pattern(f"dashboard-api:{name}")
                for action, name in (
                    ("deliver", "deliver"),
                    ("not_home", "not-home"),
                    ("refuse", "refuse"),
                    ("release", "delivery-release"),
                    ("resolve", "resolve"),
                )
            },
        },
        "areas": [[a.center_lat, a.center_lng] for a in _map_areas(request.user, round)],
        "glyphs": _status_glyphs(),
        "rankStatus": _rank_status(),
        "texts": _supplies_texts(),
    }


def _supplies_texts() -> dict[str, str]:
    """What supplies.js says, translated here so the page speaks the user's language."""
    return {
        "count": _("{count} 件"),
        "countTruncated": _("{total} 件中、近い {count} 件"),
        "fromGps": _("現在地から近い順（歩く順）"),
        "fromMap": _("地図の中心から近い順（歩く順）"),
        "people": _("{count} 人"),
        "metres": _("約 {m} m"),
        "mine": _("担当：あなた"),
        "open": _("詳しく"),
        "loading": _("読み込み中…"),
        "loadError": _("読み込めませんでした。通信状態を確かめて、もう一度お試しください。"),
        "sending": _("送信中…"),
        "sendError": _(
            "送信できたか確認できませんでした（通信エラー）。一覧の状態を確かめて、"
            "必要ならもう一度押してください。二重に登録されることはありません。"
        ),
        "gone": _("見つかりません。担当地区の外か、すでに終わっています。"),
        "noGps": _("現在地を使えませんでした。地図の中心から近い順に並べています。"),
        "printSheet": _("印刷用の一覧を開く"),
        "take": _("担当する"),
        "deliver": _("配達済みにする"),
        "not_home": _("不在"),
        "refuse": _("受取辞退"),
        "release": _("担当を外れる"),
        "resolve": _("対応済みにする"),
        "confirmRefuse": _("受け取りを辞退されたことにします。よろしいですか？"),
        "partial": _("一部だけ渡したとき"),
        "partialSubmit": _("この数で配達済みにする"),
        "resolveLabel": _("確認した内容・対応（必須）"),
        "call": _("電話する"),
        "directions": _("道順を開く"),
        "address": _("住所"),
        "people_heading": _("世帯の方"),
        "household": _("人数"),
        "needs": _("支援ニーズ"),
        "care": _("配慮事項"),
        "residentNote": _("本人からのメモ"),
        "planned": _("届けるもの"),
        "delivered": _("届けたもの"),
        "disputeNote": _("届いていない件のメモ"),
        "holder": _("担当"),
        "history": _("記録"),
        "clusterTitle": _("{count} 件（拡大して表示）"),
    }


@require_POST
@staff_required
def supply_round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff open the round, or bring it up to date with households that appeared since."""
    round = get_object_or_404(DistributionRound, pk=pk)
    was_open = round.status == RoundStatus.OPEN
    try:
        outcome = round_open(round=round, by_user=request.user)
    except NotEnoughStock as short:
        messages.error(request, short.message())
    except RoundHasNoItems:
        messages.error(
            request,
            _(
                "配布する品目と数量が決まっていません。管理画面で品目を追加してから開始してください。"
            ),
        )
    except RoundClosed:
        messages.error(request, _("この配布はすでに終了しています。新しい配布を作成してください。"))
    else:
        values = {"name": round.name, "added": outcome.added, "total": outcome.total}
        if was_open:
            text = _(
                "「%(name)s」を更新しました。"
                "新しく %(added)s 世帯を加えました（合計 %(total)s 世帯）。"
            )
        else:
            text = _("「%(name)s」の配布を始めました。%(total)s 世帯に届けます。")
        messages.success(request, text % values)
    return redirect("dashboard:supply-round", pk=round.pk)


@require_POST
@staff_required
def supply_round_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff end the round, after a confirmation that says how many were not delivered."""
    round = get_object_or_404(DistributionRound, pk=pk)
    if "confirm" not in request.POST and round.status != RoundStatus.CLOSED:
        left = Delivery.objects.filter(round=round, status__in=Delivery.TO_DELIVER).count()
        return render(
            request, "dashboard/supplies/round_close.html", {"round": round, "left": left}
        )
    round_close(round=round, by_user=request.user)
    messages.success(
        request,
        _("「%(name)s」の配布を終了しました。届けていない分の在庫は戻しました。")
        % {"name": round.name},
    )
    return redirect("dashboard:supply-round", pk=round.pk)


# --- A batch's printed sheet ---------------------------------------------------------------------


@require_GET
@supply_worker_required
def supply_batch_print(request: HttpRequest, pk: int) -> HttpResponse:
    """An A4 sheet for one walk: the households in walking order, what to bring, a box
    to tick, and a QR code that opens the delivery's page at the door."""
    batch = batches_visible_to(request.user).select_related("round", "volunteer").filter(pk=pk)
    batch = batch.first()
    if batch is None:
        first = Delivery.objects.filter(batch_id=pk).order_by("pk").values_list("pk", flat=True)
        first = first.first()
        if first is not None:  # one audit line for the sheet
            delivery_access_denied(delivery_id=first, by_user=request.user, via="print")
        return _not_found(request, _("この一覧は見つかりません。担当地区の外か、番号が違います。"))
    route = batch_route(batch)
    people = _people_of(route)
    detail_view_log(
        user=request.user,
        residents=[person for group in people.values() for person in group],
        context=DetailView.Context.DASHBOARD,
    )
    rows = []
    for number, delivery in enumerate(route, start=1):
        url = request.build_absolute_uri(
            reverse("dashboard:supply-scan", args=[sign_delivery(delivery.pk)])
        )
        rows.append(
            {
                "number": number,
                "delivery": delivery,
                "household": household(delivery, people[delivery.pk]),
                "qr": mark_safe(qr_svg(url)),  # noqa: S308 (our own SVG, no user input)
                "url": url,
            }
        )
    return render(
        request,
        "dashboard/supplies/batch_print.html",
        {
            "batch": batch,
            "rows": rows,
            "volunteer": display_name(batch.volunteer),
            "printed_at": timezone.localtime(),
        },
    )


def _people_of(deliveries: list[Delivery]) -> dict[int, list[Resident]]:
    """Each delivery's household members, in two queries."""
    report_ids = {delivery.report_id for delivery in deliveries}
    through = Resident.off_shelter_reports.through.objects.filter(
        offshelterreport_id__in=report_ids
    ).select_related("resident__registry_person")
    by_report: dict[int, list[Resident]] = {pk: [] for pk in report_ids}
    for row in through.order_by("pk"):
        by_report[row.offshelterreport_id].append(row.resident)
    return {delivery.pk: by_report[delivery.report_id] for delivery in deliveries}


# --- The QR code's page at the door ------------------------------------------------------------


class PartialDeliveryForm(forms.Form):
    """How many of each item were handed over, when not everything planned."""

    def __init__(self, *args, planned_items: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for line in planned_items:
            self.fields[f"q-{line['id']}"] = forms.IntegerField(
                label=f"{line['name']}（{line['unit']}）",
                min_value=0,
                max_value=line["quantity"],
                initial=line["quantity"],
                error_messages={
                    key: gettext_lazy("0 から %(max)s までの数を入力してください。")
                    % {"max": line["quantity"]}
                    for key in ("required", "invalid", "min_value", "max_value")
                },
            )

    def quantities(self) -> dict[str, int]:
        return {name.removeprefix("q-"): value for name, value in self.cleaned_data.items()}


def _not_found(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "dashboard/supplies/not_found.html", {"message": message}, status=404)


SCAN_NOT_FOUND = gettext_lazy(
    "このQRコードの配達は見つかりません。担当地区の外か、用紙が古い（または読み取りに失敗した）"
    "可能性があります。新しい一覧を印刷するか、配布の一覧からお探しください。"
)


@require_http_methods(["GET", "POST"])
@supply_worker_required
def supply_scan(request: HttpRequest, token: str) -> HttpResponse:
    """What a printed QR code opens: the household's share and the two buttons at the
    door (delivered, in full or in part; nobody home). A second scan or a double tap
    changes nothing and says what was already recorded."""
    pk = unsign_delivery(token)
    delivery = (
        Delivery.objects.select_related("round", "area", "report", "claimed_by")
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if delivery is None:
        return _not_found(request, SCAN_NOT_FOUND)
    if request.method == "POST":
        return _scan_step(request, delivery, token)
    if not deliveries_visible_to(request.user).filter(pk=delivery.pk).exists():
        delivery_access_denied(delivery_id=delivery.pk, by_user=request.user, via="scan")
        return _not_found(request, SCAN_NOT_FOUND)
    people = _people_of([delivery])[delivery.pk]
    detail_view_log(user=request.user, residents=people, context=DetailView.Context.DASHBOARD)
    facts = household(delivery, people)
    return _scan_page(
        request, delivery, facts, PartialDeliveryForm(planned_items=facts["planned_items"])
    )


def _scan_page(request, delivery, facts, form, status=200) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "dashboard/supplies/scan.html",
        {
            "delivery": delivery,
            "facts": facts,
            "form": form,
            "actions": delivery_actions(delivery, request.user, now),
            "done": delivery.status in DELIVERED_STATES,
            "round_url": reverse("dashboard:supply-round", args=[delivery.round_id]),
        },
        status=status,
    )


def _scan_step(request: HttpRequest, delivery: Delivery, token: str) -> HttpResponse:
    action = request.POST.get("action", "")
    try:
        if action == "delivered":
            delivery_mark_delivered(delivery=delivery, user=request.user, via="scan")
            messages.success(request, _("配達済みにしました。世帯に受け取りの確認をお送りします。"))
        elif action == "partial":
            # An answer with the form's errors shows the household: only within one's areas.
            if not deliveries_visible_to(request.user).filter(pk=delivery.pk).exists():
                delivery_access_denied(delivery_id=delivery.pk, by_user=request.user, via="scan")
                return _not_found(request, SCAN_NOT_FOUND)
            facts = household(delivery, _people_of([delivery])[delivery.pk])
            form = PartialDeliveryForm(request.POST, planned_items=facts["planned_items"])
            if not form.is_valid():
                return _scan_page(request, delivery, facts, form, status=400)
            delivery_mark_delivered(
                delivery=delivery, user=request.user, quantities=form.quantities(), via="scan"
            )
            messages.success(request, _("渡した数で配達済みにしました。残りの在庫は戻しました。"))
        elif action == "not_home":
            delivery_mark_not_home(delivery=delivery, user=request.user, note=_("QR から"))
            messages.success(request, _("不在にしました。あとで、もう一度訪問できます。"))
        else:
            messages.error(request, _("操作を読み取れませんでした。もう一度お試しください。"))
    except NotAllowed:  # outside the user's areas: the service has audited it
        return _not_found(request, SCAN_NOT_FOUND)
    except DeliveryError as error:
        current = Delivery.objects.select_related("claimed_by").get(pk=error.delivery.pk)
        if current.status in DELIVERED_STATES:
            messages.info(request, _("すでに配達済みです。"))
        else:
            messages.info(request, conflict(current, request.user, timezone.now())[1])
    except BadQuantities:
        messages.error(
            request,
            _(
                "少なくとも 1 品目は 1 以上にしてください。"
                "何も渡せなかったときは「不在」を押してください。"
            ),
        )
    return redirect("dashboard:supply-scan", token=token)
