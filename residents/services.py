"""The log of who viewed whose details, and staff's lifting of a suspension.

Views, admin, commands and tests call these."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from lib.prepared import PreparedInsert
from residents.models import Account, DetailView, RegistryPerson, Resident

User = get_user_model()


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
