"""Reads for areas, responders, residents and the registry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, QuerySet, When

from lib.geo import distance_m, in_bounds, point_in_geometry
from lib.roles import is_city_staff
from residents.blind_index import match_candidates
from residents.models import Account, Area, RegistryPerson, Resident, ResidentLink, TakeoverRequest


def areas_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Area]:
    """Staff see the whole city; a volunteer or reception user only their own areas."""
    if is_city_staff(user):
        return Area.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Area.objects.none()
    return Area.objects.filter(responders__user=user)


def linked_residents(account: Account | None) -> QuerySet[ResidentLink]:
    """The account's own registration and the family it may act for."""
    if account is None:
        return ResidentLink.objects.none()
    return (
        ResidentLink.objects.filter(account=account)
        .select_related("resident__registry_person", "resident__area")
        # The account holder first, then family in the order they were added.
        .order_by(Case(When(relation=ResidentLink.Relation.SELF, then=0), default=1), "created_at")
    )


def line_user_ids_of(accounts: Iterable[Account]) -> list[str]:
    """The LINE users behind these accounts (a browser-only account has none)."""
    return [account.line_user_id for account in accounts if account.line_user_id]


def pending_requests(account: Account) -> QuerySet[TakeoverRequest]:
    return TakeoverRequest.objects.filter(
        account=account, status=TakeoverRequest.Status.PENDING
    ).select_related("resident__registry_person")


def registry_candidates(*, kana: str, birth_date: date) -> list[RegistryPerson]:
    """Active registry people with this furigana + birth date (usually one, sometimes
    several, often none). Looks up every index key, so it keeps working mid-rotation."""
    return list(
        RegistryPerson.objects.filter(
            is_active=True, match_index__in=match_candidates(kana, birth_date)
        ).select_related("area")
    )


def residents_entered_by_hand(
    queryset: QuerySet[Resident], *, kana: str, birth_date: date
) -> QuerySet[Resident]:
    """Of ``queryset``, the residents entered by hand (not in the registry: visitors,
    tourists, new arrivals) with this furigana + birth date, by the same keyed index as
    registry_candidates (their names are encrypted too)."""
    return queryset.filter(
        registry_person__isnull=True, match_index__in=match_candidates(kana, birth_date)
    )


# --- Out-of-shelter evacuees and pickups (the volunteers' dashboard) ----------------------


# How far from an area's centre a point still counts as that area when no boundary
# polygon contains it (areas without a drawn boundary).
AREA_CENTRE_RADIUS_M = 1500


def outside_city(lat: float, lng: float) -> bool:
    return not in_bounds(lat, lng, settings.CITY_BOUNDS)


def area_for_point(lat: float, lng: float) -> Area | None:
    """The 町会 a point lies in: a boundary that contains it, else the nearest centre
    within AREA_CENTRE_RADIUS_M; None when nobody's area (then only staff see it)."""
    nearest, nearest_m = None, AREA_CENTRE_RADIUS_M
    for area in Area.objects.all():
        if area.boundary and point_in_geometry(lat, lng, area.boundary):
            return area
        metres = distance_m(lat, lng, area.center_lat, area.center_lng)
        if metres <= nearest_m:
            nearest, nearest_m = area, metres
    return nearest
