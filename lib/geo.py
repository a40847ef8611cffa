"""Small geometry helpers on plain latitude/longitude (no GDAL needed)."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any


class InvalidGeoJSON(ValueError):
    pass


def _check_position(position: Any) -> None:
    if (
        not isinstance(position, list | tuple)
        or len(position) < 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in position[:2])
    ):
        raise InvalidGeoJSON("a position must be [longitude, latitude]")
    lng, lat = position[0], position[1]
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise InvalidGeoJSON("a position is outside longitude -180..180 / latitude -90..90")


def _check_ring(ring: Any) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidGeoJSON("a polygon ring needs at least four positions")
    for position in ring:
        _check_position(position)
    if list(ring[0][:2]) != list(ring[-1][:2]):
        raise InvalidGeoJSON("a polygon ring must end where it starts")


def validate_area_geometry(geometry: Any) -> None:
    """Accept a GeoJSON Polygon or MultiPolygon geometry; raise InvalidGeoJSON otherwise."""
    if not isinstance(geometry, dict):
        raise InvalidGeoJSON("the boundary must be a GeoJSON geometry object")
    kind = geometry.get("type")
    coordinates = geometry.get("coordinates")
    if kind == "Polygon":
        polygons: Sequence[Any] = [coordinates]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise InvalidGeoJSON("a MultiPolygon needs at least one polygon")
        polygons = coordinates
    else:
        raise InvalidGeoJSON("the boundary must be a Polygon or MultiPolygon")
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise InvalidGeoJSON("a polygon needs at least one ring")
        for ring in polygon:
            _check_ring(ring)


EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine); plenty for "which shelter is nearest"."""
    from math import asin, cos, radians, sin, sqrt

    phi1, phi2 = radians(lat1), radians(lat2)
    dphi, dlmb = radians(lat2 - lat1), radians(lng2 - lng1)
    a = sin(dphi / 2) ** 2 + cos(phi1) * cos(phi2) * sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * asin(sqrt(a))


def format_distance(metres: float) -> str:
    """How far away something is, written the same everywhere (lists, maps, LINE):
    「約 1.0 km」, one decimal, never below 約 0.1 km."""
    from django.utils.translation import gettext

    km = max(round(metres / 1000, 1), 0.1)
    return gettext("約 %(km)s km") % {"km": f"{km:.1f}"}


def _in_ring(lat: float, lng: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting on [lng, lat] positions; fine at town scale."""
    inside = False
    for (x1, y1, *_), (x2, y2, *_) in pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lng < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def point_in_geometry(lat: float, lng: float, geometry: dict) -> bool:
    """Whether a point lies in a (validated) GeoJSON Polygon or MultiPolygon; holes count."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    for outer, *holes in polygons:
        if _in_ring(lat, lng, outer) and not any(_in_ring(lat, lng, hole) for hole in holes):
            return True
    return False


def in_bounds(lat: float, lng: float, bounds: tuple[float, float, float, float]) -> bool:
    """bounds = (south, west, north, east)."""
    south, west, north, east = bounds
    return south <= lat <= north and west <= lng <= east


def walking_order(
    stops: Sequence[tuple[Any, float | None, float | None]], start: tuple[float, float] | None
) -> list[Any]:
    """Keys of ``(key, lat, lng)`` stops in a walking route: from ``start`` (or the first
    stop) always on to the nearest stop not yet visited. Not the shortest route, but one
    a volunteer can follow door to door; stops without a position come last."""
    placed = [(key, lat, lng) for key, lat, lng in stops if lat is not None and lng is not None]
    unplaced = [key for key, lat, lng in stops if lat is None or lng is None]
    if not placed:
        return unplaced
    here = start or (placed[0][1], placed[0][2])
    route = []
    while placed:
        nearest = min(range(len(placed)), key=lambda i: distance_m(*here, *placed[i][1:]))
        key, lat, lng = placed.pop(nearest)
        route.append(key)
        here = (lat, lng)
    return route + unplaced
