"""Reads for areas, responders, residents and the registry."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Case, QuerySet, When

from residents.blind_index import match_candidates
from residents.models import Account, Area, RegistryPerson, ResidentLink, TakeoverRequest
from residents.roles import is_city_staff


def areas_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Area]:
    """Staff see the whole city; a volunteer or reception user only their own areas."""
    if is_city_staff(user):
        return Area.objects.all()
    if not user.is_authenticated:
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
