"""Reads for areas: who covers which, and which area a point lies in."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from areas.models import Area
from lib.geo import distance_m, in_bounds, point_in_geometry
from lib.roles import is_city_staff


def areas_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Area]:
    """Staff see the whole city; a volunteer or reception user only their own areas."""
    if is_city_staff(user):
        return Area.objects.all()
    if not user.is_authenticated or not user.is_active:
        return Area.objects.none()
    return Area.objects.filter(responders__user=user)


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


# A 町会 is named after its town: 「青柳町会」 is the association of 青柳町 (the drill's
# registry towns, hakobou.drill.AREAS, are exactly that).
_ASSOCIATION = re.compile(r"^(?P<stem>.+?)(町内会|町会)$")


def town_name(area: Area) -> str:
    """The town (町名) an area stands for, as people know it from their address:
    「青柳町会」 → 「青柳町」, 「元町町会」 → 「元町」, 「大森町内会」 → 「大森町」. Areas
    carry no town of their own, so it is read from the association's name; a name that
    is not 「…町会」 is shown as it is."""
    found = _ASSOCIATION.match(area.name.strip())
    if found is None:
        return area.name
    stem = found.group("stem")
    return stem if stem.endswith(("町", "丁目")) else f"{stem}町"


def town_areas() -> list[tuple[Area, str]]:
    """One area per town, with the town's name, in the order of the areas' readings
    (あいうえお): what a resident picks to search from a town's centre."""
    towns: dict[str, Area] = {}
    for area in Area.objects.order_by("kana", "code"):
        towns.setdefault(town_name(area), area)
    return [(area, name) for name, area in towns.items()]
