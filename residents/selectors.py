"""Reads for areas, responders, residents and the registry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Avg, Case, Count, F, Max, QuerySet, When
from django.db.models.functions import Floor

from residents.blind_index import match_candidates
from residents.models import (
    Account,
    Area,
    OffShelterReport,
    PickupRequest,
    RegistryPerson,
    Resident,
    ResidentLink,
    TakeoverRequest,
)
from residents.roles import Role, has_role, is_city_staff


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

# A viewport with more items than this is sent as clusters (counts per grid cell).
POINT_LIMIT = 400
# Grid cell for clusters, in screen pixels at the requested zoom (256 px tiles).
CLUSTER_CELL_PX = 64


def is_field_volunteer(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff, or an active volunteer: who works with evacuees and pickups. Shelter
    reception has another task (one shelter's door) and sees none of it."""
    return is_city_staff(user) or has_role(user, Role.VOLUNTEER)


def reports_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[OffShelterReport]:
    """Active reports a user may see: staff the whole city, a volunteer their areas."""
    reports = OffShelterReport.objects.filter(status=OffShelterReport.Status.ACTIVE)
    if is_city_staff(user):
        return reports
    if not is_field_volunteer(user):
        return reports.none()
    return reports.filter(area__in=areas_visible_to(user))


def pickups_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[PickupRequest]:
    pickups = PickupRequest.objects.all()
    if is_city_staff(user):
        return pickups
    if not is_field_volunteer(user):
        return pickups.none()
    return pickups.filter(area__in=areas_visible_to(user))


def handover_candidates(pickup: PickupRequest, user: AbstractBaseUser) -> QuerySet:
    """Who a claim can be passed to: active volunteers covering the pickup's area, other
    than the one asking and the one holding it."""
    from django.contrib.auth import get_user_model

    if pickup.area_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            is_active=True, groups__name=Role.VOLUNTEER, responder_profile__areas=pickup.area_id
        )
        .exclude(pk=user.pk)
        .exclude(pk=pickup.claimed_by_id or 0)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@dataclass(frozen=True)
class LayerFilters:
    area: int | None = None
    need: str | None = None
    care: str | None = None
    status: str | None = None  # pickups
    updated_since: datetime | None = None


def filter_layer(queryset: QuerySet, filters: LayerFilters, *, report_prefix: str = "") -> QuerySet:
    """Apply the dashboard's filters (the map layers and the list share them)."""
    if filters.area:
        queryset = queryset.filter(area_id=filters.area)
    # A JSON list holds quoted codes; icontains on its text works on PostgreSQL and SQLite.
    if filters.need:
        queryset = queryset.filter(**{f"{report_prefix}needs__icontains": f'"{filters.need}"'})
    if filters.care:
        queryset = queryset.filter(**{f"{report_prefix}care__icontains": f'"{filters.care}"'})
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.updated_since:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    return queryset


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
