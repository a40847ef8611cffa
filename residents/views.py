"""Residents' pages (LIFF inside LINE, or any browser), and the registration wizard
that staff and volunteers also use to register someone on their behalf."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from areas.selectors import areas_visible_to
from lib.client_ip import request_ip
from lib.roles import is_city_staff, responder_required
from messaging import line
from messaging.models import SimulatedUser
from residents import hub, registration, withdrawal
from residents.forms import (
    BirthDateForm,
    ConsentForm,
    KanaForm,
    ManualEntryForm,
    NarrowForm,
    RecoveryForm,
    UnverifiedResidentForm,
    VerifiedResidentForm,
)
from residents.identity import (
    WizardState,
    account_required,
    current_account,
    local_path,
    next_keep,
    next_take,
    safe_next,
    sign_in,
    sign_out,
)
from residents.models import Account, RegistryPerson, Resident, ResidentLink
from residents.registration import Actor, LinkResult, MatchResult
from residents.selectors import linked_residents, pending_requests

RESIDENT, HELPER = "resident", "helper"
Relation = ResidentLink.Relation

logger = logging.getLogger(__name__)


def _posted(request: HttpRequest):
    """Form data only for a POST (an empty POST must still be validated, and fail)."""
    return request.POST if request.method == "POST" else None


# --- Identity ----------------------------------------------------------------------


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Entry point (the LIFF endpoint URL): get an identity, then go on."""
    next_url = safe_next(request, reverse("residents:home"))
    if current_account(request) is not None:
        return redirect(next_url)
    context = {"next": next_url, "liff_id": settings.LIFF_ID}
    if settings.LINE_MODE == "simulator":
        # Staff may open any simulated user; anyone else only those this browser made
        # (a drill's list of residents is not for every visitor to see or pick from).
        users = SimulatedUser.objects.all()
        if not is_city_staff(request.user):
            users = users.filter(user_id__in=_simulated_users_made_here(request))
        context["simulated_users"] = users[:50]
    return render(request, "residents/start.html", context)


def _signed_in_response(request: HttpRequest, account: Account, next_url: str, *, as_json: bool):
    sign_in(request, account)
    if as_json:
        return JsonResponse({"ok": True, "next": next_url})
    return redirect(next_url)


def _line_failure(request: HttpRequest, exc: line.LineError, *, as_json: bool) -> HttpResponse:
    if isinstance(exc, line.LineUnavailable):
        message, status = (
            _("LINE との通信に失敗しました。少し待ってからもう一度お試しください。"),
            503,
        )
    else:
        message, status = (
            _("LINE での本人確認ができませんでした。LINE からもう一度開いてください。"),
            401,
        )
    if as_json:
        return JsonResponse({"ok": False, "message": message}, status=status)
    messages.error(request, message)
    return redirect("residents:start")


@require_POST
def line_session(request: HttpRequest) -> HttpResponse:
    """The LIFF page posts liff.getIDToken(); the server verifies it with LINE."""
    next_url = safe_next(request, reverse("residents:home"))
    try:
        account = registration.account_from_id_token(id_token=request.POST.get("id_token"))
    except line.LineError as exc:
        return _line_failure(request, exc, as_json=True)
    return _signed_in_response(request, account, next_url, as_json=True)


# The simulated LINE users made in this browser's session (drill mode), newest last: it
# may sign in as them again, e.g. after a sign-in that failed. The session is ours
# (server-side, its id unguessable), so a visitor cannot add someone else's user to it.
SIMULATED_USERS_MADE_HERE = "drill.simulated_users_made_here"
SIMULATED_USERS_REMEMBERED = 20


def _simulated_users_made_here(request: HttpRequest) -> list[str]:
    made = request.session.get(SIMULATED_USERS_MADE_HERE)
    return [user_id for user_id in made if isinstance(user_id, str)] if made else []


@require_POST
def simulator_session(request: HttpRequest) -> HttpResponse:
    """Drill mode: act as LINE would for a chosen (or new) simulated user, then verify
    the issued ID token through the same code path as a real one.

    Anyone may make a new simulated user (a public drill needs no account). An existing
    one may be chosen only by staff or by the browser that made it: choosing is signing
    in as that person, with their reports and pickups."""
    if settings.LINE_MODE != "simulator":
        raise Http404
    from messaging import simulator

    next_url = safe_next(request, reverse("residents:home"))
    # PostgreSQL's text holds no NUL: one typed (or sent) in is dropped, not a 500.
    display_name = request.POST.get("display_name", "").replace("\x00", "").strip()
    if display_name:
        user = simulator.simulated_user_create(display_name=display_name)
        made = [*_simulated_users_made_here(request), user.user_id]
        request.session[SIMULATED_USERS_MADE_HERE] = made[-SIMULATED_USERS_REMEMBERED:]
        # Someone who opens the city's LIFF app from its rich menu is a friend of the
        # account: LINE would have sent the portal a follow event.
        try:
            simulator.user_follow(user)
        except requests.RequestException:
            logger.warning("drill sign-in: the follow event did not reach the webhook")
    else:
        user_id = request.POST.get("user_id", "").replace("\x00", "")
        allowed = is_city_staff(request.user) or user_id in _simulated_users_made_here(request)
        # Someone else's user is answered like an unknown one: nothing to learn by probing.
        user = SimulatedUser.objects.filter(user_id=user_id).first() if allowed else None
        if user is None:
            messages.error(request, _("LINE ユーザーを選ぶか、新しい名前を入力してください。"))
            return redirect(f"{reverse('residents:start')}?{urlencode({'next': next_url})}")
    try:
        account = registration.account_from_id_token(id_token=simulator.id_token_issue(user))
    except line.LineError as exc:
        return _line_failure(request, exc, as_json=False)
    return _signed_in_response(request, account, next_url, as_json=False)


@require_POST
def web_session(request: HttpRequest) -> HttpResponse:
    """For people without LINE: a browser identity and a recovery code to write down,
    then registration, then on to where they were going (a shelter's check-in …)."""
    next_url = local_path(request.POST.get("next"))
    try:
        account, code = registration.account_create_web(ip_address=request_ip(request))
    except registration.TooManyAttempts:
        messages.error(
            request,
            _(
                "この端末のネットワークから短い時間に多くの登録が始められたため、"
                "しばらく受け付けを止めています。時間をおいてお試しいただくか、"
                "お近くの避難所・支援者にご相談ください。"
            ),
        )
        return redirect("residents:start")
    sign_in(request, account)
    request.session["recovery_code_once"] = code
    if next_url is not None and next_url != reverse("residents:home"):
        next_keep(request, next_url)
    return redirect("residents:recovery-code")


@require_GET
@account_required
def recovery_code(request: HttpRequest) -> HttpResponse:
    code = request.session.pop("recovery_code_once", None)
    if code is None:
        return redirect("residents:home")
    return render(request, "residents/recovery_code.html", {"code": code})


@require_http_methods(["GET", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    form = RecoveryForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        actor = Actor(ip_address=request_ip(request))
        try:
            account = registration.account_recover(actor=actor, code=form.cleaned_data["code"])
        except registration.TooManyAttempts:
            form.add_error(None, _("試行回数が多すぎます。しばらく時間をおいてお試しください。"))
        else:
            if account is not None:
                sign_in(request, account)
                return redirect("residents:home")
            form.add_error("code", _("復旧コードが違います。書き留めたコードをご確認ください。"))
    return render(request, "residents/recover.html", {"form": form})


@require_POST
def sign_out_view(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    return redirect("residents:start")


# --- The resident's own pages ------------------------------------------------------


@require_GET
@account_required
def home(request: HttpRequest) -> HttpResponse:
    """The household's situation hub: where each person is now, what is under way (the
    sections apps above add), links onward, and the registration details."""
    account = current_account(request)
    links = list(linked_residents(account))
    situation = hub.situation_of(account, links)
    return render(
        request,
        "residents/home.html",
        {
            "account": account,
            "situation": situation,
            "hub_links": hub.links_for(account, situation),
            "self_link": next((link for link in links if link.relation == Relation.SELF), None),
            "family_links": [link for link in links if link.relation == Relation.FAMILY],
            "pending": pending_requests(account),
            "sections": hub.sections_for(request, account),
        },
    )


def _own_resident(request: HttpRequest, pk: int) -> Resident:
    # 404, not 403: an unrelated resident's existence is not confirmed either.
    return get_object_or_404(Resident, pk=pk, links__account=current_account(request))


@require_http_methods(["GET", "POST"])
@account_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _own_resident(request, pk)
    if resident.is_verified:
        form = VerifiedResidentForm(
            _posted(request), initial={"phone": resident.phone, "care": resident.care}
        )
    else:
        initial = {
            "name": resident.name,
            "name_kana": resident.name_kana,
            "address": resident.address,
            "phone": resident.phone,
            "area": resident.area_id,
            "care": resident.care,
            **BirthDateForm.initial_for(resident.birth_date),
        }
        form = UnverifiedResidentForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {k: v for k, v in form.cleaned_data.items() if k in _editable(resident)}
        if not resident.is_verified:
            changes["birth_date"] = form.cleaned_data["birth_date"]
        registration.resident_update(resident=resident, **changes)
        messages.success(request, _("登録内容を更新しました。"))
        return redirect("residents:resident", pk=resident.pk)
    return render(request, "residents/resident.html", {"resident": resident, "form": form})


def _editable(resident: Resident) -> tuple[str, ...]:
    if resident.is_verified:
        return registration.SELF_EDITABLE_VERIFIED
    return registration.SELF_EDITABLE_UNVERIFIED


@require_POST
@account_required
def resident_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _own_resident(request, pk)
    withdrawal.resident_unlink(account=current_account(request), resident=resident)
    messages.success(request, _("登録を解除しました。"))
    return redirect("residents:home")


@require_http_methods(["GET", "POST"])
@account_required
def withdraw(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        withdrawal.account_withdraw(account=current_account(request))
        sign_out(request)
        return render(request, "residents/withdrawn.html")
    return render(request, "residents/withdraw.html")


# --- The registration wizard -------------------------------------------------------


def registration_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Residents register themselves and family; helpers (staff, volunteers) register
    someone else from the dashboard. Same steps, different identity checks."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, flow: str = RESIDENT, **kwargs) -> HttpResponse:
        inner = account_required(view) if flow == RESIDENT else responder_required(view)
        return inner(request, *args, flow=flow, **kwargs)

    return wrapper


def step_url_name(flow: str, step: str) -> str:
    return f"register-{step}" if flow == RESIDENT else f"helper-register-{step}"


def _url(flow: str, step: str) -> str:
    return reverse(f"residents:{step_url_name(flow, step)}")


def _exit_url(flow: str) -> str:
    """Where "← やめる" and "done" lead: the resident's page, or the responder's home
    (the project's LOGIN_REDIRECT_URL: the dashboard)."""
    return (
        reverse("residents:home") if flow == RESIDENT else resolve_url(settings.LOGIN_REDIRECT_URL)
    )


def _actor(request: HttpRequest, flow: str) -> Actor:
    ip = request_ip(request)
    if flow == RESIDENT:
        return Actor(account=current_account(request), ip_address=ip)
    return Actor(user=request.user, ip_address=ip)


def _steps(flow: str, state: WizardState) -> list[str]:
    if flow == RESIDENT and state.get("relation") == Relation.SELF:
        return ["consent", "kana", "birth", "confirm"]
    return ["kana", "birth", "confirm"]


def _render_step(request, flow, state, template, step, **context) -> HttpResponse:
    steps = _steps(flow, state)
    context.update(
        flow=flow,
        relation=state.get("relation"),
        step_number=steps.index(step) + 1 if step in steps else None,
        step_count=len(steps),
        urls={
            **{
                name: _url(flow, name)
                for name in ("start", "consent", "kana", "birth", "manual", "confirm")
            },
            "exit": _exit_url(flow),
        },
    )
    return render(request, f"residents/register/{template}.html", context)


@require_GET
@registration_view
def register_start(request: HttpRequest, flow: str) -> HttpResponse:
    """Begin (or resume) a registration: for oneself, for family, or (helpers) for someone.

    A resident sent here from somewhere (a shelter's poster, the report) brings a
    ``next`` path, in the query string or kept in the session by the web sign-in: the
    wizard keeps it and, once registered, takes them back there."""
    state = WizardState(request, flow)
    wanted = request.GET.get("for")
    next_url = None
    if flow == RESIDENT:
        next_url = local_path(request.GET.get("next")) or next_take(request)
    if flow == HELPER:
        relation = Relation.SELF
    elif wanted == "family":
        relation = Relation.FAMILY
    elif linked_residents(current_account(request)).filter(relation=Relation.SELF).exists():
        relation = Relation.FAMILY if wanted is None else Relation.SELF
        if relation == Relation.SELF:
            messages.info(request, _("ご本人の登録はお済みです。"))
            return redirect(next_url or reverse("residents:home"))
    else:
        relation = Relation.SELF
    if state.get("relation") != relation or request.GET.get("restart"):
        state.clear()
        state.set(relation=relation, step="kana")
    if next_url is not None:
        state.set(next=next_url)
    needs_consent = flow == RESIDENT and current_account(request).consented_at is None
    return redirect(_url(flow, "consent" if needs_consent else state.get("step", "kana")))


@require_http_methods(["GET", "POST"])
@registration_view
def register_consent(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    form = ConsentForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if flow == RESIDENT:  # a helper registering someone has no account to consent for
            registration.account_consent(account=current_account(request))
        return redirect(_url(flow, "kana"))
    return _render_step(request, flow, state, "consent", "consent", form=form)


@require_http_methods(["GET", "POST"])
@registration_view
def register_kana(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    if not state.get("relation"):
        return redirect(_url(flow, "start"))
    form = KanaForm(_posted(request), initial={"kana": state.secret("kana")})
    if request.method == "POST" and form.is_valid():
        state.set_secret("kana", form.cleaned_data["kana"])
        state.set(step="birth")
        return redirect(_url(flow, "birth"))
    return _render_step(request, flow, state, "kana", "kana", form=form)


@require_http_methods(["GET", "POST"])
@registration_view
def register_birth(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    kana = state.secret("kana")
    if not kana:
        return redirect(_url(flow, "kana"))
    form = BirthDateForm(
        _posted(request), initial=BirthDateForm.initial_for(state.secret_date("birth_date"))
    )
    if request.method == "POST" and form.is_valid():
        birth_date = form.cleaned_data["birth_date"]
        _say_western_year(request, form)
        state.set_secret("birth_date", birth_date)
        outcome = registration.registry_match(
            actor=_actor(request, flow), kana=kana, birth_date=birth_date
        )
        state.set(
            step="result",
            result=outcome.result.value,
            candidates=[person.pk for person in outcome.candidates],
        )
        return redirect(_url(flow, "result"))
    return _render_step(request, flow, state, "birth", "birth", form=form)


@require_GET
@registration_view
def register_result(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    result = state.get("result")
    if result is None:
        return redirect(_url(flow, "kana"))
    if result == MatchResult.SEVERAL:
        return redirect(_url(flow, "narrow"))
    context = {"result": result}
    if result == MatchResult.MATCHED:
        person = RegistryPerson.objects.filter(pk__in=state.get("candidates", [])).first()
        if person is None:  # deactivated meanwhile by a new extract
            state.set(result=MatchResult.NONE.value, candidates=[])
            return redirect(_url(flow, "result"))
        context.update(
            masked_name=registration.masked_name(person.name),
            masked_address=registration.masked_address(person.address),
        )
    return _render_step(request, flow, state, "result", "confirm", **context)


@require_http_methods(["GET", "POST"])
@registration_view
def register_narrow(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    if state.get("result") != MatchResult.SEVERAL:
        return redirect(_url(flow, "result"))
    form = NarrowForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        outcome = registration.registry_match_narrow(
            actor=_actor(request, flow),
            candidate_ids=state.get("candidates", []),
            house_number=form.cleaned_data["house_number"],
            sex=form.cleaned_data["sex"],
        )
        state.set(result=outcome.result.value, candidates=[p.pk for p in outcome.candidates])
        return redirect(_url(flow, "result"))
    return _render_step(request, flow, state, "narrow", "confirm", form=form)


def _say_western_year(request: HttpRequest, form: BirthDateForm) -> None:
    """A Western year typed (1932) is taken as it is, and said in its era as well
    (「1932年は昭和7年です。」), so a slip of the finger shows."""
    note = form.western_year_note()
    if note:
        messages.info(request, note)


def _account_for_link(request: HttpRequest, flow: str, state: WizardState) -> Account:
    """Residents link to their own account; a helper creates a web identity for the
    person being registered (its recovery code is handed to them)."""
    if flow == RESIDENT:
        return current_account(request)
    account, code = registration.account_create_web()
    registration.account_consent(account=account)
    state.set(recovery_code=code)
    return account


@require_POST
@registration_view
def register_confirm(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    if state.get("result") != MatchResult.MATCHED:
        return redirect(_url(flow, "result"))  # a double submit after completion lands here
    person = get_object_or_404(RegistryPerson, pk=state.get("candidates", [None])[0])
    try:
        outcome = registration.resident_link_registry(
            account=_account_for_link(request, flow, state),
            person=person,
            relation=state.get("relation"),
            registered_by=request.user if flow == HELPER else None,
        )
    except registration.AlreadyRegistered:
        messages.info(request, _("ご本人の登録はお済みです。"))
        next_url = state.get("next")
        state.clear()
        return redirect(local_path(next_url) or reverse("residents:home"))
    return _finish(request, flow, state, outcome.result, outcome.resident)


@require_http_methods(["GET", "POST"])
@registration_view
def register_manual(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    if not state.get("relation"):
        return redirect(_url(flow, "start"))
    areas = areas_visible_to(request.user) if flow == HELPER else None
    initial = {
        "name_kana": state.secret("kana"),
        **BirthDateForm.initial_for(state.secret_date("birth_date")),
    }
    form = ManualEntryForm(_posted(request), initial=initial, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        _say_western_year(request, form)
        try:
            resident = registration.resident_create_manual(
                account=_account_for_link(request, flow, state),
                relation=state.get("relation"),
                name=data["name"],
                name_kana=data["name_kana"],
                birth_date=data["birth_date"],
                address=data["address"],
                phone=data["phone"],
                area=data["area"],
                registered_by=request.user if flow == HELPER else None,
            )
        except registration.AlreadyRegistered:
            messages.info(request, _("ご本人の登録はお済みです。"))
            next_url = state.get("next")
            state.clear()
            return redirect(local_path(next_url) or reverse("residents:home"))
        return _finish(request, flow, state, LinkResult.LINKED, resident)
    return _render_step(request, flow, state, "manual", "manual", form=form)


def _finish(request, flow, state, result: LinkResult, resident: Resident) -> HttpResponse:
    recovery = state.get("recovery_code")
    relation = state.get("relation")
    next_url = local_path(state.get("next")) if flow == RESIDENT else None
    state.clear()
    state.set(
        done={
            "result": result.value,
            "resident": resident.pk,
            "relation": relation,
            "next": next_url,
        }
    )
    if recovery:
        state.set(recovery_code=recovery)
    if next_url is not None and result != LinkResult.PENDING:
        # Back where they were going (the shelter's check-in …), told it worked.
        messages.success(request, _("登録が完了しました"))
        if not resident.is_verified:
            messages.info(
                request,
                _("住民基本台帳で確認できなかったため「未確認」として登録しました。"),
            )
        return redirect(next_url)
    return redirect(_url(flow, "done"))


@require_GET
@registration_view
def register_done(request: HttpRequest, flow: str) -> HttpResponse:
    state = WizardState(request, flow)
    done = state.get("done")
    if not done:
        return redirect(_url(flow, "start"))
    resident = Resident.objects.filter(pk=done["resident"]).first()
    context = {
        "flow": flow,
        "result": done["result"],
        "relation": done["relation"],
        "resident": resident,
        "recovery_code": state.get("recovery_code"),
        "next": local_path(done.get("next")),
    }
    return render(request, "residents/register/done.html", context)
