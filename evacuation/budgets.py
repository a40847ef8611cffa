"""How many reports and pickup requests one identity (and one address) may start
(docs/configuration.md, "Limits"). A LINE identity costs a phone number, a browser identity nothing:
the per-address budget applies to browser identities only, and what a volunteer enters
on someone's behalf is not limited here (their registry guesses are)."""

from __future__ import annotations

from django.conf import settings

from limits.services import Budget, budgets_spend
from residents.models import Account


def _window() -> int:
    return settings.REGISTRY_MATCH_WINDOW_SECONDS


def _spends(
    account: Account, ip_address: str | None, scope: str, per_identity: int, per_address: int
) -> list[tuple[Budget, str]]:
    spends = [(Budget(f"{scope}-identity", per_identity, _window()), f"account:{account.pk}")]
    if ip_address and not account.is_line:
        spends.append((Budget(f"{scope}-address", per_address, _window()), f"ip:{ip_address}"))
    return spends


def new_report(account: Account, ip_address: str | None) -> list[tuple[Budget, str]]:
    return _spends(
        account, ip_address, "reports", settings.REPORTS_PER_IDENTITY, settings.REPORTS_PER_ADDRESS
    )


def new_pickup(account: Account, ip_address: str | None) -> list[tuple[Budget, str]]:
    return _spends(
        account, ip_address, "pickups", settings.PICKUPS_PER_IDENTITY, settings.PICKUPS_PER_ADDRESS
    )


class AccountSuspended(Exception):
    """Staff stopped this identity from making new reports and pickup requests."""


def may_start(spends: list[tuple[Budget, str]], account: Account) -> None:
    """Before something new for the volunteers' map: the identity is not suspended
    (AccountSuspended) and has budget left (limits.services.BudgetExhausted)."""
    if account.suspended_at is not None:
        raise AccountSuspended
    budgets_spend(spends)
