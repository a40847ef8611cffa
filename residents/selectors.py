"""Reads for residents, their accounts and the registry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Case, QuerySet, When

from residents.blind_index import match_candidates
from residents.models import Account, RegistryPerson, Resident, ResidentLink, TakeoverRequest


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


def line_user_ids_of(accounts: Iterable[Account]) -> list[str]:
    """The LINE users behind these accounts (a browser-only account has none)."""
    return [account.line_user_id for account in accounts if account.line_user_id]


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
