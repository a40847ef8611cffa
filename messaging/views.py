"""HTTP face of the LINE simulator. Mounted only in simulator mode (see hakobou/urls.py)."""

import json
import logging
import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lib.roles import is_city_staff
from messaging import browser_identity, inbox, selectors, simulator
from messaging.forms import SayForm, SimulatedUserForm, SimulatorConfigForm
from messaging.models import SimulatedUser

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
    except (ValueError, RecursionError):  # RecursionError: JSON nested too deeply
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


# Who may look --------------------------------------------------------------------------


def _can_see_all(request: HttpRequest) -> bool:
    return is_city_staff(request.user)


def _own_line_user_id(request: HttpRequest) -> str | None:
    return browser_identity.line_user_of(request)


def _to_start(request: HttpRequest) -> HttpResponse:
    start = browser_identity.sign_in_url()
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
    # PostgreSQL's text holds no NUL: one in the search is dropped, not a 500.
    query = request.GET.get("q", "").replace("\x00", "").strip()
    page = selectors.simulated_user_page(query=query, page_number=request.GET.get("page"))
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


@require_GET
@_inbox_owner
def inbox_chat(request: HttpRequest, line_user: SimulatedUser) -> HttpResponse:
    context = inbox.chat_context(line_user, selectors.chat_message_list(line_user=line_user))
    total = selectors.chat_message_count(line_user=line_user)
    context.update(
        say_form=SayForm(),
        rich_menu=inbox.rich_menu_view(),
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
    rows = selectors.chat_message_list(line_user=line_user, after=after)
    if not rows:
        return JsonResponse({"last_id": after, "html": "", "quick_replies": None})
    context = inbox.chat_context(line_user, rows)
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
    action = inbox.tapped_action(line_user, request.POST.get("ref", ""))
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
