"""LINE friendship (友だち追加・ブロック), as LINE's webhook reports it.

LINE may deliver events late and out of order (a redelivered ``follow`` can arrive
after the ``unfollow`` that followed it), so each change carries the time LINE says
it happened, and an older ``follow`` never lifts a newer block.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from messaging.models import LineFriend

# What apps above do when someone adds the city's account (registered in their
# AppConfig.ready()): residents keeps an account for every follower, so a message to
# "everyone" reaches people who never opened the registration too.
_followed: list[Callable[[str], None]] = []


def when_followed(hook: Callable[[str], None]) -> None:
    if hook not in _followed:
        _followed.append(hook)


def followed_hooks() -> list[Callable[[str], None]]:
    return list(_followed)


def _locked_friend(user_id: str) -> LineFriend:
    # get_or_create survives two events for a new user at once: the unique
    # user_id lets one insert through and the other reads it.
    friend, _ = LineFriend.objects.select_for_update().get_or_create(user_id=user_id)
    return friend


def friend_language(user_id: str) -> str:
    """The language to write to this LINE user in (their profile's, else the city's)."""
    language = LineFriend.objects.filter(user_id=user_id).values_list("language", flat=True)
    return next(iter(language), "") or settings.LANGUAGE_CODE


def line_friend_language(user_id: str) -> str:
    """The language we know for this LINE user (their profile's, or the one they chose
    on the portal); empty when we know none."""
    language = LineFriend.objects.filter(user_id=user_id).values_list("language", flat=True)
    return next(iter(language), "")


@transaction.atomic
def line_friend_language_set(user_id: str, language: str) -> LineFriend:
    """The user chose a language on the portal (the language switcher): LINE messages to
    them are written in it from now on. A later follow (an unblock) takes the LINE
    profile's language again."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"not a language of the site: {language!r}")
    friend = _locked_friend(user_id)
    if friend.language != language:
        friend.language = language
        friend.save(update_fields=["language"])
    return friend


def reachable_friends(user_ids: list[str]) -> dict[str, str]:
    """Of these LINE users, those who follow the account now, with their language."""
    return {
        user_id: language or settings.LANGUAGE_CODE
        for user_id, language in LineFriend.objects.filter(
            user_id__in=user_ids, is_following=True, blocked_at__isnull=True
        ).values_list("user_id", "language")
    }


def blocked_friends(user_ids: list[str]) -> set[str]:
    """Of these LINE users, those who blocked the account: never message them."""
    return set(
        LineFriend.objects.filter(user_id__in=user_ids, blocked_at__isnull=False).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def line_friend_followed(
    *,
    user_id: str,
    display_name: str | None = None,
    language: str | None = None,
    at: datetime.datetime | None = None,
) -> LineFriend:
    """The user added the city's account as a friend (or unblocked it).

    ``display_name`` / ``language`` of None keep what we have (LINE's profile
    endpoint may have been unreachable).
    """
    at = at or timezone.now()
    friend = _locked_friend(user_id)
    changed: list[str] = []
    if friend.blocked_at is None or friend.blocked_at <= at:
        friend.is_following, friend.blocked_at = True, None
        changed += ["is_following", "blocked_at"]
    if display_name:
        friend.display_name = display_name[:100]
        changed.append("display_name")
    if language:
        friend.language = language[:10]
        changed.append("language")
    if changed:
        friend.save(update_fields=changed)
    return friend


@transaction.atomic
def line_friend_blocked(*, user_id: str, at: datetime.datetime | None = None) -> LineFriend:
    """The user blocked the city's account (LINE's ``unfollow``): never message them
    until they follow again."""
    at = at or timezone.now()
    friend = _locked_friend(user_id)
    if friend.blocked_at is None or friend.blocked_at < at:
        friend.is_following, friend.blocked_at = False, at
        friend.save(update_fields=["is_following", "blocked_at"])
    return friend
