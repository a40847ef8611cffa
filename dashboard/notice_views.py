"""City notices in the dashboard (/dashboard/notices/…), for city staff only: the list,
the composer (a segment built from the conditions, text per language, a link, now or
at a time), a notice with its approval, cancel and delivery report.

The rules are notices.services' (what may be sent, four eyes, each step once); the
composer's segment tools are the JSON API (dashboard.api.segments)."""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from areas.models import Area
from areas.selectors import areas_visible_to
from dashboard.api.base import display_name
from dashboard.api.notices import report_facts
from lib.roles import staff_required
from messaging.segments import conditions
from notices.models import AlertTemplate, Notice, Segment
from notices.selectors import alert_templates_active, notice_resends
from notices.services import (
    LINK_LABEL_MAX,
    TEXT_MAX,
    NameTaken,
    NotAllowed,
    NoticeInvalid,
    StepRefused,
    alert_draft,
    notice_approve,
    notice_cancel,
    notice_create,
    notice_report,
    notice_resend_failed,
    notice_submit,
    segment_save,
)

Status = Notice.Status
LISTED = 100


# --- The list ------------------------------------------------------------------------------------


@require_GET
@staff_required
def notices(request: HttpRequest) -> HttpResponse:
    """Latest notices first; those waiting for a second pair of eyes stand out."""
    rows = Notice.objects.select_related("created_by", "approved_by")[:LISTED]
    return render(
        request,
        "dashboard/notices/index.html",
        {
            "rows": [
                {
                    "notice": notice,
                    "author": display_name(notice.created_by),
                    "approver": display_name(notice.approved_by),
                    "may_approve": _may_approve(notice, request.user),
                    "sent": notice.status in (Status.SENDING, Status.SENT),
                }
                for notice in rows
            ],
        },
    )


def _may_approve(notice: Notice, user) -> bool:
    return notice.status == Status.AWAITING_APPROVAL and notice.created_by_id != user.pk


# --- Languages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    """A notice's text in one of settings.LANGUAGES, as the composer asks for it."""

    code: str
    name: str  # as staff call the language
    label: str
    help_text: str = ""
    rows: int = 4

    @property
    def field(self) -> str:
        return "text_" + self.code.replace("-", "_")


# How staff call each language and what its text box says. The languages themselves are
# settings.LANGUAGES' (the first is the required one, settings.LANGUAGE_CODE).
_WORDING = {
    "ja": Variant("ja", gettext_lazy("日本語"), gettext_lazy("本文（日本語・必須）"), rows=6),
    "en": Variant(
        "en",
        gettext_lazy("英語"),
        gettext_lazy("本文（英語・省略可）"),
        gettext_lazy("英語の設定の人に届きます。空なら日本語の本文が届きます。"),
    ),
    "ja-easy": Variant(
        "ja-easy",
        gettext_lazy("やさしい日本語"),
        gettext_lazy("本文（やさしい日本語・省略可）"),
        gettext_lazy("やさしい日本語を選んだ人に届きます。空なら日本語の本文が届きます。"),
    ),
}


def _variant(code: str, name: str) -> Variant:
    """A language added to settings before its wording here still gets a text box."""
    return _WORDING.get(code) or Variant(
        code,
        name,
        format_lazy(gettext_lazy("本文（{}・省略可）"), name),
        gettext_lazy("空なら日本語の本文が届きます。"),
    )


VARIANTS = [_variant(code, name) for code, name in settings.LANGUAGES]
LANGUAGES = [(variant.code, variant.name) for variant in VARIANTS]


# --- The composer --------------------------------------------------------------------------------


class NoticeForm(forms.Form):
    """What the composer sends. The segment is JSON built by composer.js (or a saved
    one); what may be sent is decided by notices.services (NoticeInvalid)."""

    title = forms.CharField(
        label=gettext_lazy("件名（職員用・省略可）"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("一覧で見分けるための名前です。住民には届きません。"),
        error_messages={"max_length": gettext_lazy("件名は 100 文字以内にしてください。")},
    )
    saved_segment = forms.ModelChoiceField(
        label=gettext_lazy("保存した配信対象"),
        queryset=Segment.objects.all(),
        required=False,
        empty_label=gettext_lazy("使わない（下で条件を組み立てる）"),
        error_messages={"invalid_choice": gettext_lazy("保存した配信対象が見つかりません。")},
    )
    segment = forms.CharField(required=False, widget=forms.HiddenInput)
    # One key per composed notice: a double click or a resent form sends it once.
    once = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    save_as = forms.CharField(
        label=gettext_lazy("この条件に名前を付けて保存（省略可）"),
        required=False,
        max_length=100,
        error_messages={"max_length": gettext_lazy("名前は 100 文字以内にしてください。")},
    )
    # An evacuation alert's level, from the alert panel (notices.services checks it).
    alert_level = forms.CharField(required=False, widget=forms.HiddenInput)
    link_url = forms.URLField(
        label=gettext_lazy("リンク先（省略可）"),
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": gettext_lazy("リンク先は https:// で始まる URL を入力してください。")
        },
    )
    link_label = forms.CharField(
        label=gettext_lazy("リンクのボタン名（20 文字以内）"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": LINK_LABEL_MAX}),
    )
    when = forms.ChoiceField(
        label=gettext_lazy("送信"),
        choices=[("now", gettext_lazy("すぐに送る")), ("later", gettext_lazy("日時を指定する"))],
        initial="now",
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("いつ送るかを選んでください。")},
    )
    send_at = forms.DateTimeField(
        label=gettext_lazy("送信日時"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={
            "invalid": gettext_lazy("送信日時が読み取れません（例: 2025-09-28 10:00）。")
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for variant in VARIANTS:  # text_ja, text_en, text_ja_easy…
            self.fields[variant.field] = forms.CharField(
                label=variant.label,
                required=False,
                help_text=variant.help_text,
                widget=forms.Textarea(attrs={"rows": variant.rows, "data-counter": variant.code}),
            )

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self[variant.field] for variant in VARIANTS]

    def alert_label(self) -> str:
        """The alert level being composed ("" for an ordinary notice)."""
        level = self["alert_level"].value() or ""
        return str(AlertTemplate.Level(level).label) if level in AlertTemplate.Level.values else ""

    def clean_segment(self) -> object:
        text = self.cleaned_data["segment"].strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError(
                _("配信の対象を読み取れませんでした。条件を選び直してください。")
            ) from None

    def clean(self) -> dict:
        data = super().clean()
        no_segment = data.get("saved_segment") is None and data.get("segment") is None
        if no_segment and "segment" not in self.errors:
            raise forms.ValidationError(
                _("配信の対象を選んでください（条件を 1 つ以上、または保存した配信対象）。")
            )
        if data.get("when") == "later":
            send_at = data.get("send_at")
            if send_at is None and "send_at" not in self.errors:
                self.add_error("send_at", _("送信する日時を入力してください。"))
            elif send_at is not None and send_at <= timezone.now():
                self.add_error("send_at", _("送信日時は今より後にしてください。"))
        return data

    def tree(self) -> object:
        saved = self.cleaned_data["saved_segment"]
        return saved.tree if saved is not None else self.cleaned_data["segment"]

    def texts(self) -> dict:
        return {variant.code: self.cleaned_data.get(variant.field) or "" for variant in VARIANTS}


_NO_SUCH_AREA = gettext_lazy("選んだ地区が見つかりません。地区を選び直してください。")


class AlertForm(forms.Form):
    """避難情報（警戒レベル）から作る: a template and the areas, read from the composer's
    address (GET ?alert=4&area=3&area=5), to start a notice from."""

    alert = forms.ModelChoiceField(
        label=gettext_lazy("避難情報の種類"),
        queryset=AlertTemplate.objects.none(),
        to_field_name="level",
        empty_label=gettext_lazy("選んでください"),
        error_messages={
            "required": gettext_lazy("避難情報の種類を選んでください。"),
            "invalid_choice": gettext_lazy(
                "選んだ避難情報のひな形は使えません（使用中でないか、見つかりません）。"
                "選び直してください。"
            ),
        },
    )
    area = forms.ModelMultipleChoiceField(
        label=gettext_lazy("対象の地区（町会）"),
        queryset=Area.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": gettext_lazy("対象の地区を 1 つ以上選んでください。"),
            "invalid_choice": _NO_SUCH_AREA,
            "invalid_pk_value": _NO_SUCH_AREA,
        },
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, auto_id="alert_%s", **kwargs)
        self.fields["alert"].queryset = alert_templates_active()
        self.fields["area"].queryset = areas_visible_to(user)


def _from_alert(request: HttpRequest) -> tuple[AlertForm, dict]:
    """The alert panel, and the composer's fields filled from the chosen template and
    areas when the panel was sent (notices.services.alert_draft: the same segment, title
    and texts as any alert)."""
    asked = request.method == "GET" and ("alert" in request.GET or "area" in request.GET)
    form = AlertForm(request.GET if asked else None, user=request.user)
    if not asked or not form.is_valid():
        return form, {}
    try:
        draft = alert_draft(form.cleaned_data["alert"], list(form.cleaned_data["area"]))
    except NoticeInvalid as refused:
        form.add_error(None, refused.message)
        return form, {}
    return form, {
        "title": draft["title"],
        "segment": json.dumps(draft["segment"]),
        "alert_level": draft["alert_level"],
        **{variant.field: draft["texts"].get(variant.code, "") for variant in VARIANTS},
    }


@require_http_methods(["GET", "POST"])
@staff_required
def notice_new(request: HttpRequest) -> HttpResponse:
    alert_form, filled = _from_alert(request)
    form = NoticeForm(
        request.POST if request.method == "POST" else None,
        initial={"once": uuid.uuid4().hex, **filled},
    )
    refusal = ""
    if form.is_valid():
        once = f"notices:compose:{request.user.pk}:{form.cleaned_data['once']}"
        if form.cleaned_data["once"] and not _first_time(once):
            messages.info(
                request, _("このお知らせはすでに送信の手続きをしています。二重には送りません。")
            )
            return redirect("dashboard:notices")
        try:
            notice = _compose(request, form)
        except (NoticeInvalid, NameTaken) as refused:
            _forget(once)
            if isinstance(refused, NoticeInvalid):
                refusal = refused.message
            else:
                form.add_error(
                    "save_as", _("その名前はすでに使われています。別の名前にしてください。")
                )
        else:
            messages.success(request, _submitted_message(notice))
            return redirect("dashboard:notice", pk=notice.pk)
    return render(
        request,
        "dashboard/notices/new.html",
        {
            "form": form,
            "refusal": refusal,
            "saved_trees": {str(s.pk): s.tree for s in Segment.objects.all()},
            "composer_config": _composer_config(),
            "threshold": settings.NOTICE_APPROVAL_THRESHOLD,
            "languages": LANGUAGES,
            "alert_form": alert_form,
            "alert_label": form.alert_label(),
        },
        status=400 if request.method == "POST" or alert_form.errors else 200,
    )


def _first_time(key: str) -> bool:
    """Whether this form is sent for the first time (without the cache: assume so)."""
    try:
        return bool(cache.add(key, 1, timeout=24 * 3600))
    except Exception:
        return True


def _forget(key: str) -> None:
    with contextlib.suppress(Exception):
        cache.delete(key)


@transaction.atomic
def _compose(request: HttpRequest, form: NoticeForm) -> Notice:
    """The draft, the saved segment and the submit in one transaction: all or nothing."""
    data = form.cleaned_data
    saved = data["saved_segment"]
    notice = notice_create(
        title=data["title"],
        segment=form.tree(),
        texts=form.texts(),
        link_url=data["link_url"],
        link_label=data["link_label"],
        saved_segment=saved,
        alert_level=data["alert_level"],
        by_user=request.user,
    )
    if saved is None and data["save_as"].strip():
        notice.saved_segment = segment_save(
            name=data["save_as"].strip(), tree=notice.segment, by_user=request.user
        )
        notice.save(update_fields=["saved_segment"])
    send_at = data["send_at"] if data["when"] == "later" else None
    return notice_submit(notice=notice, by_user=request.user, send_at=send_at)


def _submitted_message(notice: Notice) -> str:
    if notice.status == Status.AWAITING_APPROVAL:
        return _("承認待ちにしました。ほかの職員が承認すると送信されます。")
    if notice.status == Status.SCHEDULED and notice.send_at > timezone.now():
        when = date_format(timezone.localtime(notice.send_at), "Y/n/j H:i")
        return _("%(when)s に送信します。それまでは取り消せます。") % {"when": when}
    return _("送信を始めました。")


def _composer_config() -> dict:
    return {
        "urls": {
            "conditions": reverse("dashboard-api:segment-conditions"),
            "count": reverse("dashboard-api:segment-count"),
        },
        "textMax": TEXT_MAX,
        "texts": {
            "pick": _("条件を選ぶ"),
            "anyValue": _("（指定なし）"),
            "not": _("〜ではない"),
            "remove": _("この条件を外す"),
            "value": _("値"),
            "count": _(
                "LINE で届く {reachable} 人・ブロック中 {blocked} 人・LINE のない人 {web_only} 人"
            ),
            "counting": _("数えています…"),
            "empty": _("条件を選ぶと、届く人数が出ます。"),
            "loadError": _("読み込めませんでした。通信状態を確かめて、もう一度お試しください。"),
            "chars": _("{n} / {max} 文字"),
        },
    }


# --- A notice ------------------------------------------------------------------------------------


@require_GET
@staff_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(
        Notice.objects.select_related("created_by", "approved_by", "cancelled_by"), pk=pk
    )
    facts = report_facts(notice, notice_report(notice), timezone.now())
    return render(
        request,
        "dashboard/notices/notice.html",
        {
            "notice": notice,
            "texts": [
                (label, notice.texts[code]) for code, label in LANGUAGES if notice.texts.get(code)
            ],
            "segment_words": segment_words(notice.segment),
            "author": display_name(notice.created_by),
            "approver": display_name(notice.approved_by),
            "canceller": display_name(notice.cancelled_by),
            "resends": [
                (display_name(resend.by), resend.at, resend.requests)
                for resend in notice_resends(notice)
            ],
            "may_approve": _may_approve(notice, request.user),
            "is_author": notice.created_by_id == request.user.pk,
            "may_cancel": notice.status in Notice.CANCELLABLE,
            "report": facts if notice.started_at else None,
            "polling": facts["polling"],
            "report_url": reverse("dashboard-api:notice-report", args=[notice.pk]),
        },
    )


def segment_words(tree: object) -> str:
    """The segment as staff read it, from the conditions' own labels."""
    found = {condition.key: condition for condition in conditions()}
    return _words(tree, found, top=True)


def _words(node: object, found: dict, *, top: bool = False) -> str:
    if not isinstance(node, dict):
        return "?"
    for key, joiner, empty in (
        ("all", _(" かつ "), _("すべての人")),
        ("any", _(" または "), _("該当なし")),
    ):
        if key in node and isinstance(node[key], list):
            parts = [_words(child, found) for child in node[key]]
            if not parts:
                return str(empty)
            text = joiner.join(parts)
            return text if top or len(parts) == 1 else f"（{text}）"
    if "not" in node:
        return _("「%(condition)s」ではない") % {"condition": _words(node["not"], found, top=True)}
    condition = found.get(node.get("if"))
    if condition is None:
        return str(node.get("if", "?"))
    value = node.get("value")
    if condition.choices is None or value in (None, ""):
        return str(condition.label)
    labels = dict(condition.choices())
    return f"{condition.label}：{labels.get(value, value)}"


@require_POST
@staff_required
def notice_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    try:
        approved = notice_approve(notice=notice, by_user=request.user)
    except NotAllowed:
        messages.error(
            request,
            _("ご自身が作成したお知らせは承認できません。ほかの職員に承認を依頼してください。"),
        )
    except StepRefused as refused:
        messages.info(request, _refused_message(refused.notice, _("すでに承認されています。")))
    else:
        messages.success(request, _("承認しました。") + _submitted_message(approved))
    return redirect("dashboard:notice", pk=pk)


@require_POST
@staff_required
def notice_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    if notice.status == Status.CANCELLED:
        messages.info(request, _("すでに取り消されています。"))
        return redirect("dashboard:notice", pk=pk)
    try:
        notice_cancel(notice=notice, by_user=request.user)
    except StepRefused as refused:
        messages.info(request, _refused_message(refused.notice, ""))
    else:
        messages.success(request, _("取り消しました。このお知らせは送信されません。"))
    return redirect("dashboard:notice", pk=pk)


def _refused_message(current: Notice, approved: str) -> str:
    if current.status == Status.CANCELLED:
        return _("すでに取り消されています。")
    if current.status in (Status.SENDING, Status.SENT):
        return _("すでに送信を始めているため、取り消しや承認はできません。")
    return approved or _("いまはこの操作はできません。画面を読み込み直してください。")


@require_POST
@staff_required
def notice_resend(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(Notice, pk=pk)
    resent = notice_resend_failed(notice=notice, by_user=request.user)
    if resent:
        messages.success(
            request,
            _("失敗した分（%(n)s 件の送信）をもう一度送ります。届いた人に二重には届きません。")
            % {"n": resent},
        )
    else:
        messages.info(request, _("再送するものはありません。すでに再送したか、失敗はありません。"))
    return redirect("dashboard:notice", pk=pk)
