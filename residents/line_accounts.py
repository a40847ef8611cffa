"""Residents' LINE friendship (友だち追加・ブロック), as LINE's webhook reports it.

LINE may deliver events late and out of order (a redelivered ``follow`` can arrive
after the ``unfollow`` that followed it), so each change carries the time LINE says
it happened, and an older ``follow`` never lifts a newer block.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from residents.models import Account


def _locked_account(user_id: str) -> tuple[Account, bool]:
    # get_or_create survives two events for a new user at once: the unique
    # line_user_id lets one insert through and the other reads it.
    return Account.objects.select_for_update().get_or_create(line_user_id=user_id)


@transaction.atomic
def line_account_get_or_create(*, user_id: str) -> Account:
    """The account of a LINE user who wrote to us or tapped a button."""
    account, _ = Account.objects.get_or_create(line_user_id=user_id)
    return account


@transaction.atomic
def line_account_followed(
    *,
    user_id: str,
    display_name: str | None = None,
    language: str | None = None,
    at: datetime.datetime | None = None,
) -> Account:
    """The user added the city's account as a friend (or unblocked it).

    ``display_name`` / ``language`` of None keep what we have (LINE's profile
    endpoint may have been unreachable).
    """
    at = at or timezone.now()
    account, _ = _locked_account(user_id)
    changed: list[str] = []
    if account.blocked_at is None or account.blocked_at <= at:
        account.is_following, account.blocked_at = True, None
        changed += ["is_following", "blocked_at"]
    if display_name:
        account.display_name = display_name[:100]
        changed.append("display_name")
    if language:
        account.language = language[:10]
        changed.append("language")
    if changed:
        account.save(update_fields=changed)
    return account


@transaction.atomic
def line_account_blocked(*, user_id: str, at: datetime.datetime | None = None) -> Account:
    """The user blocked the city's account (LINE's ``unfollow``): never message them
    until they follow again."""
    at = at or timezone.now()
    account, _ = _locked_account(user_id)
    if account.blocked_at is None or account.blocked_at < at:
        account.is_following, account.blocked_at = False, at
        account.save(update_fields=["is_following", "blocked_at"])
    return account
