"""Claim with expiry, written once for every job a volunteer takes on for a while (a
pickup, a supply delivery): who may take a job, who holds it, and when a claim lapses.

A job row has ``status``, ``claimed_by`` and ``claim_expires_at``. A claim nobody acted
on in time is free again at once (anyone may take it), and a beat task tidies the row
later; the rules below are the only place that says so. The callers turn them into
one conditional UPDATE, so two volunteers pressing at the same moment cannot both win.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from lib.roles import is_city_staff


def claim_deadline(now: datetime.datetime, minutes: int) -> datetime.datetime:
    return now + datetime.timedelta(minutes=minutes)


def claimable(*, free: Iterable[str], claimed: str, now: datetime.datetime) -> Q:
    """Rows anyone may take now: in a free state, or claimed with the time run out."""
    return Q(status__in=list(free)) | Q(status=claimed, claim_expires_at__lt=now)


def held_by(user: AbstractBaseUser, *, status: str) -> Q:
    """Rows in ``status`` (claimed, or a later step the holder carries on with) that the
    user may act on as the holder: their own; city staff may act on anyone's."""
    holder = Q() if is_city_staff(user) else Q(claimed_by=user)
    return Q(status=status) & holder


def has_lapsed(status: str, expires_at: datetime.datetime | None, *, claimed: str, now) -> bool:
    """A claim whose time ran out (the row still says claimed until the beat resets it)."""
    return status == claimed and expires_at is not None and expires_at < now


# The same rules for one row already loaded (which buttons a page shows); the UPDATE
# built from the Q objects above decides again when a button is pressed.


def is_claimable(row, *, free: Iterable[str], claimed: str, now: datetime.datetime) -> bool:
    return row.status in free or has_lapsed(
        row.status, row.claim_expires_at, claimed=claimed, now=now
    )


def is_held_by(row, user: AbstractBaseUser, *, status: str) -> bool:
    return row.status == status and (row.claimed_by_id == user.pk or is_city_staff(user))
