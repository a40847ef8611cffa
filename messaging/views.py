"""HTTP face of the LINE simulator. Mounted only in simulator mode (see hakobou/urls.py)."""

import json
import logging
import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode, urlsplit

import requests
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from messaging import richmenu, simulator
from messaging.models import SimulatedMessage, SimulatedUser, SimulatorConfig
from residents.identity import current_account
from residents.roles import is_city_staff

logger = logging.getLogger(__name__)


@csrf_exempt  # an API called server-to-server, like LINE's own
@require_POST
def simulator_verify_id_token(request: HttpRequest) -> JsonResponse:
    outcome = simulator.id_token_verify(
        id_token=request.POST.get("id_token"), client_id=request.POST.get("client_id")
    )
    return JsonResponse(outcome.body, status=outcome.status)


def _answer(outcome: simulator.ApiOutcome) -> JsonResponse:
    if outcome.delay_after:
        # Accepted and stored, but the answer comes too late: the sender cannot tell
        # whether it got through (the case retry keys exist for).
        time.sleep(outcome.delay_after)
    response = JsonResponse(outcome.body, status=outcome.status)
    response["x-line-request-id"] = outcome.body.get("x-line-request-id", "")
    return response


@csrf_exempt
@require_POST
def simulator_send(request: HttpRequest, endpoint: str) -> JsonResponse:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"message": "The request body has 1 error(s)"}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"message": "The request body has 1 error(s)"}, status=400)
    outcome = simulator.api_send(
        endpoint=endpoint,
        body=body,
        retry_key=request.headers.get("X-Line-Retry-Key"),
        authorization=request.headers.get("Authorization"),
    )
    return _answer(outcome)


@require_GET
def simulator_profile(request: HttpRequest, user_id: str) -> JsonResponse:
    outcome = simulator.api_profile(
        user_id=user_id, authorization=request.headers.get("Authorization")
    )
    return _answer(outcome)


# --- The simulator's inbox: what each simulated resident sees in LINE ------------------
#
# Staff see every simulated user; in a drill a resident signed in as a simulated LINE
# user sees only their own chat. Every tap reaches the portal through the real webhook
# path, signed as LINE signs it, so a drill exercises what a disaster would.

INBOX_PAGE_SIZE = 50
CHAT_MESSAGES_SHOWN = 100
URI_SCHEMES = ("http", "https", "tel", "line")


class SimulatedUserForm(forms.Form):
    display_name = forms.CharField(
        label=gettext_lazy("LINE の表示名"),
        max_length=50,
        error_messages={
            "required": gettext_lazy("表示名を入力してください。"),
            "max_length": gettext_lazy("表示名は 50 文字以内で入力してください。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


def _share_field(label: str) -> forms.FloatField:
    message = gettext_lazy("0 から 1 までの数で入力してください（例：1 割なら 0.1）。")
    return forms.FloatField(
        label=label,
        min_value=0,
        max_value=1,
        error_messages={key: message for key in ("required", "invalid", "min_value", "max_value")},
    )


def _milliseconds_field(label: str, maximum: int) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=maximum,
        error_messages={
            "required": gettext_lazy("整数（ミリ秒）で入力してください。"),
            "invalid": gettext_lazy("整数（ミリ秒）で入力してください。"),
            "min_value": gettext_lazy("0 以上の整数（ミリ秒）で入力してください。"),
            "max_value": gettext_lazy("%(limit_value)s ミリ秒以下で入力してください。"),
        },
    )


class SimulatorConfigForm(forms.ModelForm):
    """Latency and fault injection; also the admin's form, so both validate alike."""

    latency_ms = _milliseconds_field(gettext_lazy("応答の遅延 (ms)"), 60_000)
    share_429 = _share_field(gettext_lazy("429 の割合"))
    share_500 = _share_field(gettext_lazy("500 の割合"))
    share_timeout = _share_field(gettext_lazy("タイムアウトの割合"))
    timeout_delay_ms = _milliseconds_field(gettext_lazy("タイムアウト時の遅延 (ms)"), 120_000)

    class Meta:
        model = SimulatorConfig
        fields = [
            "latency_ms",
            "share_429",
            "share_500",
            "share_timeout",
            "timeout_delay_ms",
            "webhook_url",
        ]

    def clean_webhook_url(self) -> str:
        url = self.cleaned_data["webhook_url"].strip()
        parts = urlsplit(url)
        # Not URLValidator: a compose service name ("http://web:8000/…") has no dot.
        if url and (parts.scheme not in ("http", "https") or not parts.netloc or " " in url):
            raise forms.ValidationError(
                _("http:// または https:// で始まる URL を入力してください。")
            )
        return url

    def clean(self) -> dict:
        cleaned = super().clean()
        shares = [cleaned.get(name) for name in ("share_429", "share_500", "share_timeout")]
        if all(share is not None for share in shares) and sum(shares) > 1:
            raise forms.ValidationError(
                _("429・500・タイムアウトの割合の合計は 1 以下にしてください。")
            )
        return cleaned


class SayForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("メッセージ"),
        max_length=5000,  # LINE's limit for a text message
        error_messages={
            "required": gettext_lazy("メッセージを入力してください。"),
            "max_length": gettext_lazy("メッセージは 5000 文字以内で入力してください。"),
        },
    )


# Who may look --------------------------------------------------------------------------


def _can_see_all(request: HttpRequest) -> bool:
    return is_city_staff(request.user)


def _own_line_user_id(request: HttpRequest) -> str | None:
    account = current_account(request)
    return account.line_user_id if account is not None else None


def _to_start(request: HttpRequest) -> HttpResponse:
    start = reverse("residents:start")
    return redirect(f"{start}?{urlencode({'next': request.get_full_path()})}")


def _staff_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _can_see_all(request):
            if request.user.is_authenticated or _own_line_user_id(request):
                raise PermissionDenied
            return _to_start(request)
        return view(request, *args, **kwargs)

    return wrapper


def _inbox_owner(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Passes the SimulatedUser whose chat this is: staff may open any, a resident
    signed in as a simulated LINE user only their own; anyone else goes to the start page."""

    @wraps(view)
    def wrapper(request: HttpRequest, user_id: str, *args, **kwargs) -> HttpResponse:
        if not _can_see_all(request):
            own = _own_line_user_id(request)
            if own is None:
                return _to_start(request)
            if own != user_id:
                raise PermissionDenied
        line_user = get_object_or_404(SimulatedUser, user_id=user_id)
        return view(request, line_user, *args, **kwargs)

    return wrapper


# The list of simulated users (staff) ---------------------------------------------------


@require_GET
def inbox_list(request: HttpRequest) -> HttpResponse:
    if not _can_see_all(request):
        own = _own_line_user_id(request)
        if own is None:
            return _to_start(request)
        return redirect("line_simulator:inbox-chat", user_id=own)
    return _inbox_list_page(request)


def _inbox_list_page(
    request: HttpRequest,
    *,
    user_form: SimulatedUserForm | None = None,
    config_form: SimulatorConfigForm | None = None,
    status: int = 200,
) -> HttpResponse:
    users = SimulatedUser.objects.order_by("-created_at", "-id")
    query = request.GET.get("q", "").strip()
    if query:
        users = users.filter(Q(display_name__icontains=query) | Q(user_id=query))
    page = Paginator(users, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    # Counted for this page only: a city-wide drill has hundreds of thousands of users.
    counts = dict(
        SimulatedMessage.objects.filter(user__in=[line_user.pk for line_user in page])
        .values_list("user")
        .annotate(n=Count("id"))
    )
    for line_user in page:
        line_user.message_count = counts.get(line_user.pk, 0)
    current = simulator.config()
    context = {
        "page": page,
        "query": query,
        "user_form": user_form or SimulatedUserForm(),
        "config_form": config_form or SimulatorConfigForm(instance=current),
        "faults_on": bool(current.share_429 or current.share_500 or current.share_timeout),
        "webhook_url": current.webhook_url or settings.LINE_WEBHOOK_URL,
    }
    return render(request, "messaging/inbox_list.html", context, status=status)


@require_http_methods(["GET", "POST"])
@_staff_only
def inbox_user_create(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":  # e.g. a reload after a refused form: back to the list
        return redirect("line_simulator:inbox")
    form = SimulatedUserForm(request.POST)
    if not form.is_valid():
        return _inbox_list_page(request, user_form=form, status=400)
    line_user = simulator.simulated_user_create(display_name=form.cleaned_data["display_name"])
    messages.success(request, _("%(name)s さんを作りました。") % {"name": line_user.display_name})
    # A new LINE user adds the city's account as a friend: the portal gets "follow".
    _send_to_portal(request, lambda: simulator.user_follow(line_user))
    return redirect("line_simulator:inbox-chat", user_id=line_user.user_id)


@require_http_methods(["GET", "POST"])
@_staff_only
def inbox_config(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return redirect(reverse("line_simulator:inbox") + "#faults")
    form = SimulatorConfigForm(request.POST, instance=simulator.config())
    if not form.is_valid():
        return _inbox_list_page(request, config_form=form, status=400)
    simulator.config_update(**form.cleaned_data)
    messages.success(request, _("シミュレーターの設定を保存しました。"))
    return redirect("line_simulator:inbox")


# Drawing a chat ------------------------------------------------------------------------


def _template_columns(message: dict) -> list[tuple[str, dict, list[dict]]]:
    """(path, column, actions) of a template message: one column for buttons and
    confirm, several for a carousel. The path names where an action sits, so a tap is
    resolved from the stored message, never from data sent by the page."""
    if message.get("type") != "template":
        return []
    template = message.get("template") or {}
    if template.get("type") in ("buttons", "confirm"):
        return [("t", template, template.get("actions") or [])]
    columns = template.get("columns") or []
    return [
        (
            f"c{n}.t",
            column,
            column.get("actions") or ([column["action"]] if column.get("action") else []),
        )
        for n, column in enumerate(columns)
    ]


def _quick_reply_actions(message: dict) -> list[dict]:
    items = (message.get("quickReply") or {}).get("items") or []
    return [item.get("action") or {} for item in items]


def _href(uri: str) -> str | None:
    """Where a uri action leads in a drill: a LIFF link opens our own start page (as
    the LIFF app would), a link to the portal stays on this host; None for a scheme
    LINE refuses too (javascript:, …)."""
    parts = urlsplit(uri)
    if parts.scheme not in URI_SCHEMES:
        return None
    query = f"?{parts.query}" if parts.query else ""
    if parts.netloc == "liff.line.me":
        liff_id, _slash, path = parts.path.lstrip("/").partition("/")
        if liff_id == settings.LIFF_ID:
            # The LIFF app opens its endpoint, the start page, which signs the user in
            # and then goes on to the path (or to the ?next= it was given).
            start = reverse("residents:start")
            if path:
                return f"{start}?{urlencode({'next': '/' + path + query})}"
            return start + query
    portal = {
        urlsplit(settings.LINE_WEBHOOK_URL).netloc,
        urlsplit(simulator.config().webhook_url).netloc,
    }
    if parts.scheme in ("http", "https") and parts.netloc in portal:
        return (parts.path or "/") + query
    return uri


def _action(ref: str, action: dict) -> dict:
    """An action as the chat draws it: a button that posts (postback, message), a link
    (uri), or a greyed-out chip for what the simulator cannot do (camera, date picker…)."""
    kind = str(action.get("type") or "")
    label = action.get("label") or action.get("displayText") or action.get("text") or kind
    shown = {"ref": ref, "label": label, "kind": "unsupported", "href": None, "external": False}
    if kind in ("postback", "message"):
        shown["kind"] = "send"
    elif kind == "uri":
        href = _href(str(action.get("uri", "")))
        if href is not None:
            shown.update(kind="link", href=href, external=href.startswith(("http:", "https:")))
    return shown


def _bubble(row: SimulatedMessage) -> dict:
    """A stored LINE message object, as the chat template draws it."""
    message = row.message if isinstance(row.message, dict) else {}
    kind = str(message.get("type") or "")
    if kind == "text":
        text = message.get("text", "")
    elif kind == "location":
        text = " ".join(filter(None, [message.get("title"), message.get("address")]))
    else:
        text = message.get("altText", "")
    prefix = f"m{row.pk}."
    return {
        "id": row.pk,
        "mine": row.direction == SimulatedMessage.Direction.FROM_USER,
        "at": row.created_at,
        "kind": kind,
        "text": text,
        "columns": [
            {
                "title": column.get("title", ""),
                "text": column.get("text", ""),
                "confirm": column.get("type") == "confirm",
                "actions": [_action(f"{prefix}{path}{n}", a) for n, a in enumerate(actions)],
            }
            for path, column, actions in _template_columns(message)
        ],
        "quick_replies": [
            _action(f"{prefix}q{n}", a) for n, a in enumerate(_quick_reply_actions(message))
        ],
    }


def _rich_menu_view() -> dict:
    menu = richmenu.rich_menu()
    width, height = menu["size"]["width"], menu["size"]["height"]
    areas = []
    for n, area in enumerate(menu["areas"]):
        bounds = area["bounds"]
        style = (
            f"left:{bounds['x'] / width:.3%};top:{bounds['y'] / height:.3%};"
            f"width:{bounds['width'] / width:.3%};height:{bounds['height'] / height:.3%}"
        )
        areas.append({**_action(f"r{n}", area["action"]), "style": style})
    return {
        "chat_bar_text": menu.get("chatBarText", ""),
        "areas": areas,
        "aspect": f"{width} / {height}",
    }


def _tapped_action(line_user: SimulatedUser, ref: str) -> dict | None:
    """The action a tap refers to, looked up in the rich menu or in a message this user
    received; None for anything else."""
    if ref.startswith("r") and ref[1:].isdigit():
        areas = richmenu.rich_menu()["areas"]
        return areas[int(ref[1:])]["action"] if int(ref[1:]) < len(areas) else None
    head, _dot, path = ref.partition(".")
    if not (head.startswith("m") and head[1:].isdigit()):
        return None
    row = SimulatedMessage.objects.filter(
        pk=int(head[1:]), user=line_user, direction=SimulatedMessage.Direction.TO_USER
    ).first()
    message = row.message if row is not None and isinstance(row.message, dict) else {}
    actions = {
        f"{column_path}{n}": action
        for column_path, _column, column_actions in _template_columns(message)
        for n, action in enumerate(column_actions)
    }
    actions.update({f"q{n}": a for n, a in enumerate(_quick_reply_actions(message))})
    return actions.get(path)


def _chat_rows(line_user: SimulatedUser, *, after: int = 0) -> list[SimulatedMessage]:
    rows = SimulatedMessage.objects.filter(user=line_user)
    if after:
        return list(rows.filter(pk__gt=after).order_by("pk")[:CHAT_MESSAGES_SHOWN])
    return list(reversed(rows.order_by("-pk")[:CHAT_MESSAGES_SHOWN]))


def _chat_context(line_user: SimulatedUser, rows: list[SimulatedMessage]) -> dict:
    bubbles = [_bubble(row) for row in rows]
    last = bubbles[-1] if bubbles else None
    return {
        "line_user": line_user,
        "bubbles": bubbles,
        # As in LINE: quick replies only under the newest message, until the user acts.
        "quick_replies": last["quick_replies"] if last and not last["mine"] else [],
        "last_id": last["id"] if last else 0,
    }


@require_GET
@_inbox_owner
def inbox_chat(request: HttpRequest, line_user: SimulatedUser) -> HttpResponse:
    context = _chat_context(line_user, _chat_rows(line_user))
    total = SimulatedMessage.objects.filter(user=line_user).count()
    context.update(
        say_form=SayForm(),
        rich_menu=_rich_menu_view(),
        can_see_all=_can_see_all(request),
        older_hidden=total - len(context["bubbles"]),
    )
    return render(request, "messaging/inbox_chat.html", context)


@require_GET
@_inbox_owner
def inbox_poll(request: HttpRequest, line_user: SimulatedUser) -> JsonResponse:
    """Messages after ``after`` (a message id), drawn by the chat page's own templates."""
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        return JsonResponse({"message": "after must be a message id"}, status=400)
    rows = _chat_rows(line_user, after=after)
    if not rows:
        return JsonResponse({"last_id": after, "html": "", "quick_replies": None})
    context = _chat_context(line_user, rows)
    return JsonResponse(
        {
            "last_id": context["last_id"],
            "html": render_to_string("messaging/_bubbles.html", context, request=request),
            "quick_replies": render_to_string(
                "messaging/_quick_replies.html", context, request=request
            ),
        }
    )


# Acting as the user --------------------------------------------------------------------


def _send_to_portal(request: HttpRequest, send: Callable[[], object]) -> None:
    """Post one webhook event; if the portal is down, say so politely (and log why)."""
    try:
        status = send()
    except requests.RequestException:
        logger.warning("the LINE simulator could not reach the webhook", exc_info=True)
        messages.error(
            request,
            _(
                "ポータルの Webhook に届きませんでした。"
                "ポータルが動いているか、送信先の設定をご確認ください。"
            ),
        )
        return
    if isinstance(status, int) and status != 200:
        messages.error(
            request, _("ポータルの Webhook が %(status)s を返しました。") % {"status": status}
        )


def _back_to_chat(line_user: SimulatedUser) -> HttpResponse:
    return redirect("line_simulator:inbox-chat", user_id=line_user.user_id)


def _refused_while_blocked(request: HttpRequest, line_user: SimulatedUser) -> bool:
    if line_user.is_friend:
        return False
    messages.error(request, _("ブロック中は送信できません。先に友だち追加してください。"))
    return True


@require_POST
@_inbox_owner
def inbox_say(request: HttpRequest, line_user: SimulatedUser) -> HttpResponse:
    form = SayForm(request.POST)
    if _refused_while_blocked(request, line_user):
        return _back_to_chat(line_user)
    if not form.is_valid():
        for error in form.errors["text"]:
            messages.error(request, error)
        return _back_to_chat(line_user)
    text = form.cleaned_data["text"]
    _send_to_portal(request, lambda: simulator.user_says(line_user, text))
    return _back_to_chat(line_user)


@require_POST
@_inbox_owner
def inbox_tap(request: HttpRequest, line_user: SimulatedUser) -> HttpResponse:
    """A tapped template button, quick reply or rich menu area."""
    action = _tapped_action(line_user, request.POST.get("ref", ""))
    if action is None or action.get("type") not in ("postback", "message"):
        messages.error(request, _("このボタンは使えません。画面を開き直してください。"))
        return _back_to_chat(line_user)
    if _refused_while_blocked(request, line_user):
        return _back_to_chat(line_user)
    if action["type"] == "postback":
        # As in LINE: only displayText (or the older `text`) shows as the user's message.
        shown = str(action.get("displayText") or action.get("text") or "")
        data = str(action.get("data", ""))
        _send_to_portal(request, lambda: simulator.user_postback(line_user, data, shown))
    else:
        text = str(action.get("text", ""))
        _send_to_portal(request, lambda: simulator.user_says(line_user, text))
    return _back_to_chat(line_user)


# The simulator sends follow / unfollow after its commit and raises if the portal is
# unreachable; the friendship has changed either way, as it would in LINE.


@require_POST
@_inbox_owner
def inbox_follow(request: HttpRequest, line_user: SimulatedUser) -> HttpResponse:
    _send_to_portal(request, lambda: simulator.user_follow(line_user))
    return _back_to_chat(line_user)


@require_POST
@_inbox_owner
def inbox_unfollow(request: HttpRequest, line_user: SimulatedUser) -> HttpResponse:
    _send_to_portal(request, lambda: simulator.user_unfollow(line_user))
    return _back_to_chat(line_user)
