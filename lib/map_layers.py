"""Viewport clustering, written once for every map layer: the points in a viewport, or
counts per grid cell when there are too many, aggregated in the database so an answer
stays small however many rows the city has."""

from __future__ import annotations

from django.db.models import Avg, Count, F, Max, QuerySet
from django.db.models.functions import Floor

# A viewport with more items than this is sent as clusters (counts per grid cell).
POINT_LIMIT = 400
# Grid cell for clusters, in screen pixels at the requested zoom (256 px tiles).
CLUSTER_CELL_PX = 64


def cluster_cell_degrees(zoom: int) -> float:
    return 360 / (2**zoom) * CLUSTER_CELL_PX / 256


def map_layer(
    queryset: QuerySet,
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    fields: tuple[str, ...],
    rank: str,
    points_only: bool = False,
) -> dict:
    """Points in a viewport (west, south, east, north), or clusters when there are too
    many: counts per grid cell of CLUSTER_CELL_PX at this zoom, aggregated in the
    database, so the answer stays small however many rows the city has. ``rank`` is a
    NUMERIC column or annotation whose maximum colours a cluster (e.g. urgency); a text
    column would compare alphabetically."""
    west, south, east, north = bbox
    inside = queryset.filter(
        latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
    )
    if points_only:
        # At the map's closest zoom a cluster could never be opened: send the most
        # urgent POINT_LIMIT as points and say the rest are in the list.
        ordered = inside.order_by(f"-{rank}", "-updated_at", "-pk") if rank in fields else inside
        points = list(ordered.values(*fields)[: POINT_LIMIT + 1])
        return {
            "kind": "points",
            "points": points[:POINT_LIMIT],
            "truncated": len(points) > POINT_LIMIT,
        }
    points = list(inside.order_by("-updated_at", "-pk").values(*fields)[: POINT_LIMIT + 1])
    if len(points) <= POINT_LIMIT:
        return {"kind": "points", "points": points}
    cell = cluster_cell_degrees(zoom)
    cells = (
        inside.order_by()
        .annotate(gx=Floor(F("longitude") / cell), gy=Floor(F("latitude") / cell))
        .values("gx", "gy")
        .annotate(count=Count("pk"), lat=Avg("latitude"), lng=Avg("longitude"), top=Max(rank))
    )
    return {
        "kind": "clusters",
        "clusters": [
            {
                "lat": round(c["lat"], 5),
                "lng": round(c["lng"], 5),
                "count": c["count"],
                "top": c["top"],
            }
            for c in cells
        ],
    }
