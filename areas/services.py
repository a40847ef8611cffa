"""Writes for areas, city staff and responders (volunteers, reception)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from areas.models import Area, ResponderProfile
from lib.roles import Role

User = get_user_model()


@transaction.atomic
def area_upsert(
    *,
    code: str,
    name: str,
    kana: str,
    center_lat: float,
    center_lng: float,
    boundary: dict | None = None,
) -> Area:
    area = Area.objects.filter(code=code).first() or Area(code=code)
    area.name, area.kana = name, kana
    area.center_lat, area.center_lng, area.boundary = center_lat, center_lng, boundary
    area.full_clean()
    area.save()
    return area


def _user_upsert(*, username: str, password: str | None, full_name: str) -> User:
    """``password=None`` leaves an existing password alone (and makes a new account
    unusable until staff set one)."""
    user = User.objects.filter(username=username).first() or User(username=username)
    user.last_name, _, user.first_name = full_name.partition(" ")
    if password is not None:
        user.set_password(password)
    elif user.pk is None:
        user.set_unusable_password()
    return user


@transaction.atomic
def staff_upsert(*, username: str, password: str | None, full_name: str = "") -> User:
    """City staff: Django staff with every permission in admin."""
    user = _user_upsert(username=username, password=password, full_name=full_name)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@transaction.atomic
def responder_upsert(
    *,
    username: str,
    password: str | None,
    role: Role,
    areas: Iterable[Area],
    full_name: str = "",
    phone: str = "",
) -> User:
    """Create or update a volunteer / reception account and the areas it covers."""
    user = _user_upsert(username=username, password=password, full_name=full_name)
    user.save()
    # get_or_create: the migration makes the groups, but a flushed test database has none
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.set([group])
    profile, _ = ResponderProfile.objects.get_or_create(user=user)
    profile.phone = phone
    profile.save()
    profile.areas.set(areas)
    return user
