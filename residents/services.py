"""Writes for areas and responders, and the log of who viewed whose details.

Views, admin, commands and tests call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction

from lib.prepared import PreparedInsert
from lib.roles import Role
from residents.models import (
    Account,
    Area,
    DetailView,
    RegistryPerson,
    Resident,
    ResponderProfile,
)

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


_insert_detail_views = PreparedInsert(DetailView)


def detail_view_log(
    *,
    user: AbstractBaseUser,
    residents: Iterable[Resident] = (),
    registry_people: Iterable[RegistryPerson] = (),
    context: str,
) -> None:
    """Record that ``user`` was shown these people's details (DESIGN: every view of
    personal detail by staff or volunteers is logged)."""
    rows = [
        DetailView(user=user, resident=resident, resident_ref=resident.pk, context=context)
        for resident in residents
    ] + [
        DetailView(user=user, registry_ref=person.pk, context=context) for person in registry_people
    ]
    _insert_detail_views(*rows)  # on every reception scan: prepared


def account_unsuspend(*, account: Account) -> Account:
    """Staff lift a suspension (evacuation.moderation.account_suspend): the identity
    may make reports and pickup requests again."""
    Account.objects.filter(pk=account.pk).update(suspended_at=None, suspended_by=None)
    account.refresh_from_db(fields=["suspended_at", "suspended_by"])
    return account
