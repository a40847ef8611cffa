"""Reads for out-of-shelter reports and pickups: who may see which, and the map layers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from areas.selectors import areas_visible_to
from evacuation.models import OffShelterReport, PickupRequest
from lib.queries import json_list_holds
from lib.roles import Role, has_role, is_city_staff


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
    if filters.need:
        queryset = queryset.filter(json_list_holds(f"{report_prefix}needs", filters.need))
    if filters.care:
        queryset = queryset.filter(json_list_holds(f"{report_prefix}care", filters.care))
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.updated_since:
        queryset = queryset.filter(updated_at__gte=filters.updated_since)
    return queryset
