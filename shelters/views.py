"""Shelter pages: the printable poster, and the check-in its QR code opens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from lib.maps import map_config
from lib.roles import responder_required
from residents.identity import account_required, current_account
from residents.models import ResidentLink
from residents.selectors import linked_residents
from shelters import tokens
from shelters.forms import PosterCheckInForm, ShelterSearchForm
from shelters.models import Method, Shelter
from shelters.selectors import ShelterHit, shelter_for_its_staff, shelter_search
from shelters.services import ShelterClosed, stay_check_in_group


@require_GET
@responder_required
def poster(request: HttpRequest, pk: int) -> HttpResponse:
    shelter = shelter_for_its_staff(request.user, pk)
    return render(
        request,
        "shelters/poster.html",
        {
            "shelter": shelter,
            # Our own generated SVG (no user input inside).
            "qr_svg": mark_safe(tokens.poster_qr_svg(shelter)),  # noqa: S308
            "url": tokens.poster_url(shelter),
        },
    )


@require_http_methods(["GET", "POST"])
@account_required
def poster_check_in(request: HttpRequest, token: str) -> HttpResponse:
    shelter = tokens.shelter_from_poster_token(token)
    if shelter is None:
        return render(request, "shelters/bad_qr.html", status=404)
    account = current_account(request)
    links = list(linked_residents(account))
    own = next((link for link in links if link.relation == ResidentLink.Relation.SELF), None)
    context = {"shelter": shelter, "self_pk": own.resident.pk if own else None}
    if not links:
        # Registration brings them back here (the wizard keeps this path as its next).
        return render(request, "shelters/check_in_register_first.html", context)
    people = [(link.resident.pk, _person_label(link)) for link in links]
    form = PosterCheckInForm(request.POST if request.method == "POST" else None, people=people)
    if request.method == "POST" and form.is_valid():
        by_pk = {link.resident.pk: link.resident for link in links}
        try:
            outcomes = stay_check_in_group(
                residents=[by_pk[pk] for pk in form.cleaned_data["residents"]],
                shelter=shelter,
                method=Method.POSTER_QR,
                by_account=account,
                companions=form.cleaned_data["companions"],
            )
        except ShelterClosed:
            return render(request, "shelters/check_in_closed.html", context)
        context["outcomes"] = outcomes
        return render(request, "shelters/check_in_done.html", context)
    if shelter.status == Shelter.Status.CLOSED:
        return render(request, "shelters/check_in_closed.html", context)
    context["form"] = form
    return render(request, "shelters/check_in.html", context)


def _person_label(link: ResidentLink) -> str:
    """The account holder is "you", the others by name."""
    if link.relation == ResidentLink.Relation.SELF:
        return _("あなた（%(name)s さん）") % {"name": link.resident.display_name}
    return link.resident.display_name


@require_GET
@account_required
def my_qr(request: HttpRequest) -> HttpResponse:
    """The resident's personal QR codes (self and family) to show at reception."""
    links = list(linked_residents(current_account(request)))
    codes = [
        # Our own generated SVG (no user input inside).
        (link.resident, mark_safe(tokens.personal_qr_svg(link.resident)))  # noqa: S308
        for link in links
    ]
    own = next((link for link in links if link.relation == ResidentLink.Relation.SELF), None)
    return render(
        request,
        "shelters/my_qr.html",
        {
            "codes": codes,
            "self_pk": own.resident.pk if own else None,
            "renew_seconds": tokens.PERSONAL_MAX_AGE_SECONDS // 3,
        },
    )


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Public shelter search (no login): open shelters near the person, with congestion."""
    form = ShelterSearchForm(request.GET or None)
    hits, searched, point = [], False, (None, None)
    if form.is_bound and form.is_valid():
        lat, lng = point = form.point()
        data = form.cleaned_data
        hits = shelter_search(
            lat=lat,
            lng=lng,
            hazard=data["hazard"] or None,
            pets=data["pets"],
            barrier_free=data["barrier_free"],
        )
        searched = True
    elif not form.is_bound:
        hits = shelter_search()
    return render(
        request,
        "shelters/search.html",
        {
            "form": form,
            "hits": hits,
            "searched": searched,
            "search_status": _search_status(form, point) if searched else "",
            "map_config": map_config(),
            "map_data": _search_map_data(hits, point),
        },
    )


def _search_status(form: ShelterSearchForm, point: tuple[float | None, float | None]) -> str:
    """What the list is in order of, said in the page's status line after a search."""
    if form.cleaned_data.get("area") is not None:
        return _("「%(town)s」から近い順に表示しています。") % {"town": form.town()}
    if point[0] is None:
        return ""
    origin = form.cleaned_data.get("origin")
    if origin == ShelterSearchForm.GPS:
        return _("現在地から近い順に表示しています。")
    if origin == ShelterSearchForm.MAP:
        return _("地図で選んだ地点から近い順に表示しています。")
    return _("指定した地点から近い順に表示しています。")


def _search_map_data(hits: list[ShelterHit], point: tuple[float | None, float | None]) -> dict:
    """What the search page's map draws: the hits in list order and the searched point."""
    lat, lng = point
    return {
        "point": [lat, lng] if lat is not None and lng is not None else None,
        "shelters": [
            {
                "code": hit.shelter.code,
                "name": hit.shelter.name,
                "lat": hit.shelter.latitude,
                "lng": hit.shelter.longitude,
                "congestion": hit.occupancy.congestion,
                "congestion_label": hit.occupancy.congestion_label,
                # The same text as the list's (lib.geo.format_distance).
                "distance": hit.distance_label,
            }
            for hit in hits
        ],
    }
