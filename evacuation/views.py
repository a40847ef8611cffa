"""Residents' pages for sheltering outside a shelter (避難所外避難) and asking for a pickup.

One question per screen. Every step saves the draft at once (evacuation.services), so
someone interrupted — a dead battery, an aftershock — picks up where they stopped. The
same steps edit a report already sent; then they return to its status page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evacuation import services as evacuation
from evacuation.forms import (
    PickupForm,
    ReportCareForm,
    ReportEndForm,
    ReportLocationForm,
    ReportNeedsForm,
    ReportNoteForm,
    ReportPeopleForm,
    ReportPlaceForm,
    ReportSendForm,
)
from evacuation.models import Mobility, Need, OffShelterReport, PickupRequest
from lib.client_ip import request_ip
from lib.maps import map_config
from limits.services import BudgetExhausted
from residents.identity import WizardState, account_required, current_account
from residents.models import CareConsideration
from residents.selectors import linked_residents
from shelters.selectors import SHELTERS_TO_STAY, ShelterHit, shelter_search

Report = OffShelterReport
PickupStatus = PickupRequest.Status

# The questions in order; "confirm" (summary + consent) sends the report.
STEPS = ["place", "location", "people", "needs", "care", "note", "confirm"]

# What the resident reads about their pickup (plainer than the volunteers' labels).
PICKUP_STATES = {
    PickupStatus.REQUESTED: gettext_lazy("依頼中"),
    PickupStatus.CLAIMED: gettext_lazy("担当者が決まりました"),
    PickupStatus.PICKED_UP: gettext_lazy("お迎え済み"),
    PickupStatus.ARRIVED: gettext_lazy("到着"),
    PickupStatus.CANCELLED: gettext_lazy("取り消し"),
    PickupStatus.UNABLE: gettext_lazy("対応できず"),
}
PICKUP_CANCELLABLE = (PickupStatus.REQUESTED, PickupStatus.CLAIMED)
PICKUP_SHELTERS = 10
# Who is taken to a barrier-free shelter first.
NEEDS_BARRIER_FREE = (Mobility.WHEELCHAIR, Mobility.STRETCHER)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def report_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in account with someone registered: a report says who is where."""

    @account_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not linked_residents(current_account(request)).exists():
            return render(request, "evacuation/report/register_first.html")
        return view(request, *args, **kwargs)

    return wrapper


def _open_report(request: HttpRequest) -> Report | None:
    return evacuation.report_open(account=current_account(request))


def _own_report(request: HttpRequest, pk: int) -> Report:
    # 404, not 403: another account's report is not confirmed to exist.
    return get_object_or_404(Report, pk=pk, account=current_account(request))


# --- Progress through the steps --------------------------------------------------------


class Progress:
    """Which optional steps (needs, care, note) this draft has been through: an empty
    answer there is a real answer, so the data alone cannot say. Kept in the session."""

    def __init__(self, request: HttpRequest, report: Report) -> None:
        self.state = WizardState(request, "off-shelter-report")
        if self.state.get("report") != report.pk:
            self.state.clear()
            self.state.set(report=report.pk, answered=[])

    @property
    def answered(self) -> set[str]:
        return set(self.state.get("answered", []))

    def mark(self, step: str) -> None:
        self.state.set(answered=sorted(self.answered | {step}))

    def resume_at(self, report: Report) -> str:
        """The first step still missing; the summary when there is none."""
        missing = evacuation.report_missing(report)
        for step in STEPS[:-1]:
            if step in missing or (step in ("needs", "care", "note") and step not in self.answered):
                return step
        return "confirm"


def _step_url(step: str) -> str:
    return reverse(f"evacuation:report-{step}")


def _render_step(request: HttpRequest, report: Report | None, step: str, **context) -> HttpResponse:
    """A question: as a numbered step while filling in, as a change of one answer
    (from the summary, or of a report already sent) otherwise."""
    index = STEPS.index(step)
    if report is not None and report.status == Report.Status.ACTIVE:
        editing, back = True, reverse("evacuation:report")
    elif report is not None and "edit" in request.GET:
        editing, back = True, _step_url("confirm")
    else:
        editing = False
        back = _step_url(STEPS[index - 1]) if index else reverse("residents:home")
    context.update(
        report=report,
        editing=editing,
        step_number=index + 1,
        step_count=len(STEPS),
        back_url=back,
    )
    return render(request, f"evacuation/report/{step}.html", context)


def _save_step(
    request: HttpRequest, report: Report, step: str, *, people=None, **changes
) -> HttpResponse:
    """Save one answer, then on to the next question (or back to the summary)."""
    try:
        report = evacuation.report_update(report=report, people=people, **changes)
    except evacuation.ReportEnded:
        messages.info(
            request, _("この避難状況はすでに終了しています。必要なら、もう一度お知らせください。")
        )
        return redirect("evacuation:report")
    if report.status == Report.Status.ACTIVE:
        messages.success(request, _("変更を保存しました。市と支援者に伝わります。"))
        return redirect("evacuation:report")
    Progress(request, report).mark(step)
    if "edit" in request.GET:  # a change from the summary goes back to it
        return redirect(_step_url("confirm"))
    return redirect(_step_url(STEPS[STEPS.index(step) + 1]))


# --- The steps ---------------------------------------------------------------------------


@require_GET
@report_view
def report_home(request: HttpRequest) -> HttpResponse:
    """/my/report/: the status of a report already sent, else where the draft stopped."""
    report = _open_report(request)
    if report is None:
        return redirect("evacuation:report-place")
    if report.status == Report.Status.ACTIVE:
        return _render_status(request, report)
    messages.info(request, _("入力の途中から続けます。"))
    return redirect(_step_url(Progress(request, report).resume_at(report)))


@require_http_methods(["GET", "POST"])
@report_view
def report_place(request: HttpRequest) -> HttpResponse:
    report = _open_report(request)
    initial = {"place": report.place, "place_note": report.place_note} if report else {}
    form = ReportPlaceForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        if report is None:
            try:
                report = evacuation.report_start(
                    account=current_account(request), ip_address=request_ip(request)
                )
            except (evacuation.AccountSuspended, BudgetExhausted) as exc:
                _say_refused(request, exc)
                return _too_many(_render_step(request, None, "place", form=form))
        return _save_step(request, report, "place", **form.cleaned_data)
    return _render_step(request, report, "place", form=form)


@require_http_methods(["GET", "POST"])
@report_view
def report_location(request: HttpRequest) -> HttpResponse:
    report = _open_report(request)
    if report is None:
        return redirect("evacuation:report")
    form = ReportLocationForm(
        _posted(request),
        initial={
            "latitude": report.latitude,
            "longitude": report.longitude,
            "accuracy_m": report.accuracy_m,
            "location_source": report.location_source,
            "address_text": report.address_text,
        },
    )
    if request.method == "POST" and form.is_valid():
        return _save_step(request, report, "location", **form.changes())
    return _render_step(request, report, "location", form=form, map_config=map_config())


@require_http_methods(["GET", "POST"])
@report_view
def report_people(request: HttpRequest) -> HttpResponse:
    report = _open_report(request)
    if report is None:
        return redirect("evacuation:report")
    links = list(linked_residents(current_account(request)))
    chosen = list(report.people.values_list("pk", flat=True))
    if not chosen and not report.others_count:
        # A first answer: most people report for themselves.
        chosen = [link.resident.pk for link in links if link.relation == link.Relation.SELF]
    form = ReportPeopleForm(
        _posted(request),
        people=[(link.resident.pk, link.resident.display_name) for link in links],
        initial={"people": chosen, "others_count": report.others_count},
    )
    if request.method == "POST" and form.is_valid():
        by_pk = {link.resident.pk: link.resident for link in links}
        return _save_step(
            request,
            report,
            "people",
            people=[by_pk[pk] for pk in form.cleaned_data["people"]],
            others_count=form.cleaned_data["others_count"],
        )
    return _render_step(request, report, "people", form=form)


def _answer_step(
    request: HttpRequest, step: str, form_class, initial: Callable[[Report], dict]
) -> HttpResponse:
    """A step whose form fields are report fields of the same names."""
    report = _open_report(request)
    if report is None:
        return redirect("evacuation:report")
    form = form_class(_posted(request), initial=initial(report))
    if request.method == "POST" and form.is_valid():
        return _save_step(request, report, step, **form.cleaned_data)
    return _render_step(request, report, step, form=form)


@require_http_methods(["GET", "POST"])
@report_view
def report_needs(request: HttpRequest) -> HttpResponse:
    return _answer_step(
        request,
        "needs",
        ReportNeedsForm,
        lambda report: {"needs": report.needs, "needs_other": report.needs_other},
    )


@require_http_methods(["GET", "POST"])
@report_view
def report_care(request: HttpRequest) -> HttpResponse:
    def initial(report: Report) -> dict:
        if report.status == Report.Status.ACTIVE or "care" in Progress(request, report).answered:
            return {"care": report.care}
        # First time here: what the registrations of the people present already say.
        registered = {code for person in report.people.all() for code in person.care}
        chosen = registered | set(report.care)
        return {"care": [code for code in CareConsideration.values if code in chosen]}

    return _answer_step(request, "care", ReportCareForm, initial)


@require_http_methods(["GET", "POST"])
@report_view
def report_note(request: HttpRequest) -> HttpResponse:
    return _answer_step(request, "note", ReportNoteForm, lambda report: {"note": report.note})


@require_http_methods(["GET", "POST"])
@report_view
def report_confirm(request: HttpRequest) -> HttpResponse:
    """The summary and the consent to share it; sending makes it visible to volunteers."""
    report = _open_report(request)
    if report is None or report.status == Report.Status.ACTIVE:
        return redirect("evacuation:report")  # a second tap on "send" lands here
    form = ReportSendForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            evacuation.report_submit(report=report)
        except evacuation.ReportIncomplete as incomplete:
            messages.error(request, _("まだ答えていない質問があります。お答えください。"))
            return redirect(_step_url(incomplete.missing[0]))
        except evacuation.ReportEnded:
            return redirect("evacuation:report")
        messages.success(
            request,
            _("送信しました。市と近所の支援者に伝わりました。状況が変わったら変更してください。"),
        )
        return redirect("evacuation:report")
    return _render_step(request, report, "confirm", form=form, summary=_summary(report))


# --- After sending -------------------------------------------------------------------------


def _summary(report: Report) -> dict:
    needs = dict(Need.choices)
    care = dict(CareConsideration.choices)
    return {
        "people": [person.display_name for person in report.people.all()],
        "needs": [needs[code] for code in report.needs if code in needs],
        "care": [care[code] for code in report.care if code in care],
    }


def _render_status(request: HttpRequest, report: Report) -> HttpResponse:
    pickup = report.pickups.select_related("destination").order_by("-created_at", "-pk").first()
    active = report.status == Report.Status.ACTIVE
    return render(
        request,
        "evacuation/report/status.html",
        {
            "report": report,
            "summary": _summary(report),
            "active": active,
            "pickup": pickup,
            "pickup_state": PICKUP_STATES[pickup.status] if pickup else None,
            "pickup_cancellable": pickup is not None and pickup.status in PICKUP_CANCELLABLE,
            "pickup_possible": active
            and (pickup is None or pickup.status not in PickupRequest.OPEN),
            "end_form": ReportEndForm(),
        },
    )


@require_GET
@report_view
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the account's reports, also after it ended (what was sent, how it ended)."""
    return _render_status(request, _own_report(request, pk))


@require_POST
@report_view
def report_end(request: HttpRequest, pk: int) -> HttpResponse:
    report = _own_report(request, pk)
    form = ReportEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("もう一度、ボタンを押してください。"))
        return redirect("evacuation:report-detail", pk=report.pk)
    if report.status != Report.Status.ENDED:
        evacuation.report_end(report=report, reason=form.cleaned_data["reason"])
        messages.success(
            request, _("お知らせいただき、ありがとうございました。支援者の一覧から外れました。")
        )
    return redirect("evacuation:report-detail", pk=report.pk)


@require_http_methods(["GET", "POST"])
@report_view
def pickup_new(request: HttpRequest) -> HttpResponse:
    report = _open_report(request)
    if report is None or report.status != Report.Status.ACTIVE:
        messages.info(request, _("送迎を頼む前に、いまいる場所をお知らせください。"))
        return redirect("evacuation:report")
    if report.pickups.filter(status__in=PickupRequest.OPEN).exists():
        return redirect("evacuation:report")  # already asked (or a second tap on "send")
    every_shelter = request.GET.get("all") == "1"
    earlier = report.pickups.order_by("-created_at", "-pk").first()  # a cancelled one …
    mobility = (
        request.POST.get("mobility")
        or request.GET.get("mobility")
        or getattr(earlier, "mobility", "")
    )
    barrier_free_first = mobility in NEEDS_BARRIER_FREE
    hits = _pickup_destinations(
        report, every_shelter=every_shelter, barrier_free_first=barrier_free_first
    )
    choices = [(hit.shelter.pk, _shelter_label(hit)) for hit in hits]
    form = PickupForm(
        _posted(request),
        shelters=choices,
        barrier_free={hit.shelter.pk for hit in hits if hit.shelter.barrier_free},
        initial={
            "people_count": min(max(report.people_count, 1), 20),
            "mobility": mobility if mobility in Mobility.values else None,
            "destination": choices[0][0] if choices and report.latitude is not None else None,
        },
    )
    context = {
        "report": report,
        "form": form,
        "hits": hits,
        "every_shelter": every_shelter,
        "barrier_free_first": barrier_free_first,
        # Nothing takes people in nearby, but other shelters are open (full ones …).
        "others_open": not hits
        and not every_shelter
        and bool(_pickup_destinations(report, every_shelter=True)),
    }
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        shelters = {hit.shelter.pk: hit.shelter for hit in hits}
        try:
            evacuation.pickup_request(
                report=report,
                people_count=data["people_count"],
                mobility=data["mobility"],
                urgency=data["urgency"],
                destination=shelters[data["destination"]],
                note=data["note"],
                by_account=current_account(request),
                ip_address=request_ip(request),
            )
        except (evacuation.AccountSuspended, BudgetExhausted) as exc:
            _say_refused(request, exc)
            return _too_many(render(request, "evacuation/report/pickup.html", context))
        except evacuation.DestinationClosed:
            messages.error(
                request, _("その避難所はいま閉鎖されました。別の避難所を選んでください。")
            )
            return redirect("evacuation:report-pickup")
        except evacuation.ReportEnded:
            return redirect("evacuation:report")
        messages.success(request, _("送迎を依頼しました。担当者が決まったらお知らせします。"))
        return redirect("evacuation:report")
    return render(request, "evacuation/report/pickup.html", context)


def _pickup_destinations(
    report: Report, *, every_shelter: bool, barrier_free_first: bool = False
) -> list[ShelterHit]:
    """Where a pickup may go, nearest first (someone who cannot move is taken close by):
    by default the designated evacuation shelters (指定避難所) taking people in now, open
    and not full; on request every shelter that is not closed. Barrier-free ones first
    for a wheelchair or a stretcher."""
    if every_shelter:
        return shelter_search(
            lat=report.latitude,
            lng=report.longitude,
            barrier_free_first=barrier_free_first,
            limit=PICKUP_SHELTERS,
        )
    return shelter_search(
        lat=report.latitude,
        lng=report.longitude,
        kinds=SHELTERS_TO_STAY,
        accepting=True,
        barrier_free_first=barrier_free_first,
        limit=PICKUP_SHELTERS,
    )


def _say_refused(request: HttpRequest, exc: Exception) -> None:
    """A new report or pickup request refused: the identity is suspended, or it (or its
    network) started too many lately. Said politely, with where else to turn."""
    if isinstance(exc, evacuation.AccountSuspended):
        message = _(
            "このアカウントからの新しいお知らせは、市の判断で受け付けを止めています。"
            "お困りのときは市の災害対策本部へお電話ください。"
        )
    else:
        message = _(
            "短い時間に多くのお知らせ・依頼があったため、しばらく受け付けを止めています。"
            "時間をおいてお試しいただくか、急ぎの場合は 119番 または市の災害対策本部へ"
            "お電話ください。"
        )
    messages.error(request, message)


def _too_many(response: HttpResponse) -> HttpResponse:
    response.status_code = 429
    return response


def _shelter_label(hit: ShelterHit) -> str:
    """「谷地頭町会館（指定避難所・約 0.1 km・空きあり・バリアフリー）」: its kind, how far,
    how full, and whether a wheelchair gets in."""
    details = [hit.shelter.get_kind_display()]
    if hit.distance_m is not None:
        details.append(hit.distance_label)
    details.append(hit.occupancy.congestion_label)
    if hit.shelter.barrier_free:
        details.append(str(_("バリアフリー")))
    return _("%(name)s（%(details)s）") % {
        "name": hit.shelter.name,
        "details": _("・").join(str(detail) for detail in details),
    }


@require_POST
@report_view
def pickup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pickup = get_object_or_404(PickupRequest, pk=pk, report__account=current_account(request))
    try:
        evacuation.pickup_cancel(pickup=pickup, by_account=current_account(request))
    except evacuation.PickupError as refused:
        if refused.pickup.status == PickupStatus.PICKED_UP:
            message = _("すでにお迎えに向かっているため、取り消せませんでした。")
        else:
            message = _("この送迎の依頼は、すでに終わっています。")
        messages.error(request, message)
    else:
        messages.success(request, _("送迎の依頼を取り消しました。"))
    return redirect("evacuation:report-detail", pk=pickup.report_id)
