"""The budgets that guard the registry and identities (docs/configuration.md, "Limits").

Read from settings at each use, so an operator's change (and a test's override) applies
at once. Keys name what is counted: ``account:<id>``, ``user:<id>``, ``ip:<address>``.
"""

from __future__ import annotations

from django.conf import settings

from limits.services import Budget, budget_used


def _window() -> int:
    return settings.REGISTRY_MATCH_WINDOW_SECONDS


def identity_guesses() -> Budget:
    """Registry guesses that found nobody, per LINE account or browser identity."""
    return Budget("registry-identity", settings.REGISTRY_MATCH_MAX_FAILURES, _window())


def helper_guesses() -> Budget:
    """Registry guesses per staff member or volunteer registering on someone's behalf:
    their own budget, never spent or locked by residents behind the same address."""
    return Budget("registry-helper", settings.REGISTRY_HELPER_MAX_FAILURES, _window())


def address_guesses() -> Budget:
    """Registry guesses per address: high, slowing down before it stops."""
    return Budget(
        "registry-address",
        settings.REGISTRY_ADDRESS_MAX_FAILURES,
        _window(),
        soft=settings.REGISTRY_ADDRESS_SOFT_FAILURES,
    )


def recovery_guesses() -> Budget:
    """Wrong recovery codes per address."""
    return Budget("recovery-address", settings.RECOVERY_MAX_FAILURES, _window())


def new_web_identities() -> Budget:
    """Browser identities created per address: rotating identities must not multiply the
    per-identity budgets."""
    return Budget("web-identity-address", settings.WEB_IDENTITIES_PER_ADDRESS, _window())


def city_failures() -> Budget:
    """Failed registry guesses in the whole city per minute (counted for the alarm only)."""
    return Budget("registry-city", 2**31 - 1, 60)


def city_alarm_raised() -> bool:
    """Failed guesses this minute reached the alarm's threshold."""
    return budget_used(city_failures(), "city") >= settings.REGISTRY_ALARM_FAILURES_PER_MINUTE
