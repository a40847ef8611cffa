"""Reads for shelters: occupancy and congestion."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from shelters.models import Shelter

# 混雑 from this share of capacity; 満員 at capacity or when staff mark it full.
CROWDED_SHARE = 0.8


@dataclass(frozen=True)
class Occupancy:
    people: int
    capacity: int
    congestion: str  # "available" 空きあり | "crowded" 混雑 | "full" 満員


def congestion(*, people: int, capacity: int, status: str) -> str:
    if status == Shelter.Status.FULL or (capacity and people >= capacity):
        return "full"
    if capacity and people >= capacity * CROWDED_SHARE:
        return "crowded"
    return "available"


def shelters_with_occupancy(queryset: QuerySet[Shelter] | None = None) -> QuerySet[Shelter]:
    """Shelters annotated with ``present`` (people with an open stay + companions)."""
    open_stays = Q(stays__checked_out_at__isnull=True)
    return (queryset if queryset is not None else Shelter.objects.all()).annotate(
        residents_present=Count("stays", filter=open_stays),
        companions_present=Sum("stays__companions", filter=open_stays, default=0),
    )


def _occupancy_of(annotated: Shelter) -> Occupancy:
    """From a shelter annotated by shelters_with_occupancy."""
    people = annotated.residents_present + annotated.companions_present
    return Occupancy(
        people=people,
        capacity=annotated.capacity,
        congestion=congestion(people=people, capacity=annotated.capacity, status=annotated.status),
    )


def occupancy(shelter: Shelter) -> Occupancy:
    return _occupancy_of(shelters_with_occupancy(Shelter.objects.filter(pk=shelter.pk)).get())


def shelter_roster(shelter: Shelter) -> QuerySet:
    """Who is at the shelter now, earliest arrival first."""
    from shelters.models import Stay

    return (
        Stay.objects.filter(shelter=shelter, checked_out_at__isnull=True)
        .select_related("resident__registry_person")
        .order_by("checked_in_at", "pk")
    )


def can_see_roster(user, shelter: Shelter) -> bool:
    """City staff and the shelter's own reception; nobody else."""
    from residents.roles import is_city_staff

    return is_city_staff(user) or (
        user.is_authenticated and shelter.reception.filter(pk=user.pk).exists()
    )


@dataclass(frozen=True)
class ShelterHit:
    shelter: Shelter
    distance_m: float | None
    occupancy: Occupancy


def shelter_search(
    *,
    lat: float | None = None,
    lng: float | None = None,
    hazard: str | None = None,
    pets: bool = False,
    barrier_free: bool = False,
    limit: int = 20,
) -> list[ShelterHit]:
    """Open shelters, nearest first when a point is given, with their congestion."""
    from hakobou.lib.geo import distance_m

    shelters = Shelter.objects.exclude(status=Shelter.Status.CLOSED)
    if hazard in Shelter.HAZARDS:
        shelters = shelters.filter(**{f"for_{hazard}": True})
    if pets:
        shelters = shelters.filter(accepts_pets=True)
    if barrier_free:
        shelters = shelters.filter(barrier_free=True)
    hits = [
        ShelterHit(
            shelter=shelter,
            distance_m=(
                distance_m(lat, lng, shelter.latitude, shelter.longitude)
                if lat is not None and lng is not None
                else None
            ),
            occupancy=_occupancy_of(shelter),
        )
        for shelter in shelters_with_occupancy(shelters)
    ]
    hits.sort(key=lambda hit: (hit.distance_m is None, hit.distance_m or 0, hit.shelter.code))
    return hits[:limit]
