"""Reads for areas and responders."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from residents.models import Area
from residents.roles import is_city_staff


def areas_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Area]:
    """Staff see the whole city; a volunteer or reception user only their own areas."""
    if is_city_staff(user):
        return Area.objects.all()
    if not user.is_authenticated:
        return Area.objects.none()
    return Area.objects.filter(responders__user=user)
