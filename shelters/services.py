"""Shelters: opening and closing, and presence (check-in, check-out, transfer).

Every way of arriving (poster QR, personal QR, name search at reception, a pickup
arriving) goes through ``stay_check_in``; the database allows one open stay per
person, so double scans and two devices at once are harmless.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from lib.tasks import publish, runs_inline
from messaging.services import outbox_enqueue_text
from residents.models import Account, Resident, ResidentLink
from residents.registration import resident_for_registry
from shelters import arrivals
from shelters.models import Method, PresenceEvent, Shelter, ShelterStatusChange, Stay
from shelters.selectors import ReceptionPerson, open_stay_of

logger = logging.getLogger(__name__)


@transaction.atomic
def shelter_upsert(*, code: str, hazards: tuple[str, ...] = (), **fields) -> Shelter:
    """Create or update a shelter by code (seed data, imports). Status is left alone:
    opening and closing go through shelter_set_status."""
    shelter = Shelter.objects.filter(code=code).first() or Shelter(code=code)
    for name, value in fields.items():
        setattr(shelter, name, value)
    for hazard in Shelter.HAZARDS:
        setattr(shelter, f"for_{hazard}", hazard in hazards)
    shelter.full_clean()
    shelter.save()
    return shelter


@transaction.atomic
def shelter_set_status(
    *, shelter: Shelter, status: str, user: AbstractBaseUser | None = None, note: str = ""
) -> Shelter:
    """Open, mark full or close a shelter; admin and dashboard both call this."""
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    if shelter.status != status:
        shelter.status = status
        shelter.save(update_fields=["status", "updated_at"])
        ShelterStatusChange.objects.create(
            shelter=shelter, status=status, changed_by=user, note=note[:200]
        )
    return shelter


class CheckInResult(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY_HERE = "already_here"  # a double scan: nothing changes
    ELSEWHERE = "elsewhere"  # staying at another shelter: offer a transfer


@dataclass(frozen=True)
class CheckInOutcome:
    result: CheckInResult
    stay: Stay


class ShelterClosed(Exception):
    """Check-ins need an open shelter (a full one still takes people already on the way)."""


class _Unknown:
    """Not read yet (stay_check_in reads it)."""


def _arrival(*, resident: Resident, shelter: Shelter, **fields) -> PresenceEvent:
    """Record an arrival (a check-in or a transfer) in the caller's transaction. What it
    sets off follows a moment after the commit (arrival_follow_ups)."""
    event = PresenceEvent.objects.create(
        resident=resident, shelter=shelter, follow_up_due=True, **fields
    )
    transaction.on_commit(arrival_follow_ups_wake)
    return event


@dataclass(frozen=True)
class _CheckIn:
    """Who arrives where, how and by whom: what a new stay and its event record."""

    resident: Resident
    shelter: Shelter
    method: str
    by_user: AbstractBaseUser | None
    by_account: Account | None
    companions: int


def _stay_open(arrival: _CheckIn) -> Stay | None:
    """Open a stay and record the arrival together; None when the person already has
    an open stay (the database allows one)."""
    if connection.vendor == "postgresql":
        return _stay_open_in_one_statement(arrival)
    try:
        with transaction.atomic():
            stay = Stay.objects.create(
                resident=arrival.resident,
                shelter=arrival.shelter,
                method=arrival.method,
                companions=arrival.companions,
            )
            _arrival(
                resident=arrival.resident,
                shelter=arrival.shelter,
                kind=PresenceEvent.Kind.CHECK_IN,
                method=arrival.method,
                by_user=arrival.by_user,
                by_account=arrival.by_account,
                companions=arrival.companions,
            )
    except IntegrityError:
        return None
    return stay


# Reception's check-in is the busiest write in a disaster (DESIGN: ≥ 200 a second on two
# cores). On PostgreSQL the stay and its presence event are one statement: no
# transaction around two ORM inserts (BEGIN, INSERT, INSERT, COMMIT: four round trips
# and two compiled queries), and no exception when the person is already in (ON
# CONFLICT, so a caller's transaction is not broken and needs no savepoint). It writes
# the same rows as the ORM branch above (tests run both: SQLite locally, PostgreSQL in
# CI); a new column without a database default fails here loudly in CI.
_STAY_OPEN_SQL = """
WITH stay AS (
    INSERT INTO {stay} (resident_id, shelter_id, checked_in_at, checked_out_at, method,
                        companions)
    VALUES (%(resident)s, %(shelter)s, %(at)s, NULL, %(method)s, %(companions)s)
    ON CONFLICT (resident_id) WHERE checked_out_at IS NULL DO NOTHING
    RETURNING id
), event AS (
    INSERT INTO {event} (resident_id, shelter_id, from_shelter_id, kind, method, by_user_id,
                         by_account_id, companions, created_at, follow_up_due)
    SELECT %(resident)s, %(shelter)s, NULL, %(kind)s, %(method)s, %(by_user)s,
           %(by_account)s, %(companions)s, %(at)s, true
    FROM stay
)
SELECT id FROM stay
"""


def _stay_open_in_one_statement(arrival: _CheckIn) -> Stay | None:
    at = timezone.now()
    sql = _STAY_OPEN_SQL.format(
        stay=connection.ops.quote_name(Stay._meta.db_table),
        event=connection.ops.quote_name(PresenceEvent._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "resident": arrival.resident.pk,
                "shelter": arrival.shelter.pk,
                "at": at,
                "method": arrival.method,
                "companions": arrival.companions,
                "kind": PresenceEvent.Kind.CHECK_IN,
                "by_user": arrival.by_user.pk if arrival.by_user else None,
                "by_account": arrival.by_account.pk if arrival.by_account else None,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    transaction.on_commit(arrival_follow_ups_wake)
    stay = Stay(
        pk=row[0],
        resident=arrival.resident,
        shelter=arrival.shelter,
        checked_in_at=at,
        method=arrival.method,
        companions=arrival.companions,
    )
    stay._state.adding, stay._state.db = False, connection.alias  # as if read back
    return stay


# --- After an arrival ---------------------------------------------------------------------
#
# An arrival ends the person's out-of-shelter report and tells their LINE accounts where
# they are. Neither is done in the check-in's transaction: reception's answer should not
# wait for report look-ups, account look-ups and outbox rows. The arrival's event row
# says its follow-up is due (committed with the stay, so it cannot be lost); the first
# arrival to commit wakes a task a moment later, which handles every arrival due by
# then, and a beat sweep picks up any a lost task left. Under load that is one task a
# second, not one per scan.

_WAKE_KEY = "shelters:arrival-follow-ups:woken"  # holds the queued task's ETA (time.time())
# How long a wake-up counts as pending: a lost task is replaced after this, and the
# sweep runs every 30 s anyway.
_WAKE_TTL_SECONDS = 30
# A task queued for later starts no earlier than its ETA and reads every arrival
# committed before it starts. Until shortly before that ETA (clocks of web and worker
# hosts may differ a little) this process's arrivals need no wake-up of their own: under
# load that saves a Redis round trip on nearly every scan.
_COVER_MARGIN_SECONDS = 0.5


@dataclass
class _Cover:
    until: float = 0.0  # time.time()


_cover = _Cover()


def arrival_follow_ups_wake() -> None:
    """After an arrival commits: make sure a task follows it up soon."""
    from shelters.tasks import arrival_follow_ups_task

    now = time.time()
    if now < _cover.until:
        return  # the task already queued will take this arrival too
    delay = settings.ARRIVAL_FOLLOW_UP_DELAY_SECONDS
    try:
        if not cache.add(_WAKE_KEY, now + delay, timeout=_WAKE_TTL_SECONDS):
            # A task is already on its way and will take this arrival too; when it
            # starts says how long it covers the next ones.
            _cover_until(cache.get(_WAKE_KEY))
            return
    except Exception:  # the cache is down: wake a task anyway
        logger.warning("arrival follow-ups: cache unreachable; waking a task regardless")
    try:
        publish(arrival_follow_ups_task, countdown=delay)
    except Exception:  # the broker is down: the sweep follows up later
        logger.warning("arrival follow-ups: could not queue the task; the sweep will")
        return
    _cover_until(now + delay)


def _cover_until(eta: object) -> None:
    # Tasks run inline (tests, `make run` without Redis) start at once, not at their ETA.
    if isinstance(eta, float) and not runs_inline():
        _cover.until = eta - _COVER_MARGIN_SECONDS


def arrival_follow_ups(*, batch: int = 500) -> int:
    """Follow up every arrival that is due: what apps above registered runs (shelters.
    arrivals: the person leaves the out-of-shelter reports made before they arrived),
    and their LINE accounts hear where they arrived (a pickup's arrival sends its own
    message). Returns how many arrivals were handled.
    Each is handled once: what it writes and the cleared flag commit together, two
    workers skip each other's rows, and the outbox's dedupe key holds even so. One
    arrival that fails (logged) stays due for the next sweep and holds up no other."""
    try:
        # Before reading: an arrival committed after this wakes a task of its own.
        cache.delete(_WAKE_KEY)
    except Exception:
        logger.warning("arrival follow-ups: cache unreachable")
    handled, failed = 0, set()
    while True:
        with transaction.atomic():
            events = list(
                PresenceEvent.objects.filter(follow_up_due=True)
                .exclude(pk__in=failed)
                .select_related("resident__registry_person", "shelter")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")[:batch]
            )
            handlers = arrivals.prepare(events)
            line_users: dict[int, list[str]] = defaultdict(list)
            for resident_id, user_id in ResidentLink.objects.filter(
                resident_id__in={event.resident_id for event in events},
                account__line_user_id__isnull=False,
            ).values_list("resident_id", "account__line_user_id"):
                line_users[resident_id].append(user_id)
            done = []
            for event in events:
                try:
                    with transaction.atomic():
                        for handle in handlers:
                            handle(event)
                        if event.method != Method.PICKUP_ARRIVAL:
                            _notify_arrival(event, line_users[event.resident_id])
                except Exception:
                    logger.exception("arrival follow-up of presence event %s failed", event.pk)
                    failed.add(event.pk)
                else:
                    done.append(event.pk)
            PresenceEvent.objects.filter(pk__in=done).update(follow_up_due=False)
        handled += len(done)
        if len(events) < batch:
            return handled


def _notify_arrival(event: PresenceEvent, line_user_ids: list[str]) -> None:
    """Tell the person's LINE accounts (their own, and whoever registered them as
    family) where they arrived, in each account's language."""
    resident, shelter = event.resident, event.shelter
    outbox_enqueue_text(
        user_ids=line_user_ids,
        text=lambda: (
            _("%(name)s さんが「%(shelter)s」に到着しました（%(time)s）。")
            % {
                "name": resident.display_name,
                "shelter": shelter.name,
                "time": localtime(event.created_at).strftime("%H:%M"),
            }
        ),
        purpose="shelter_arrival",
        dedupe_key=f"presence:{event.pk}",
    )


def stay_check_in(
    *,
    resident: Resident,
    shelter: Shelter,
    method: str,
    by_user: AbstractBaseUser | None = None,
    by_account: Account | None = None,
    companions: int = 0,
    open_stay: Stay | type[_Unknown] | None = _Unknown,
    _retry: bool = True,
) -> CheckInOutcome:
    """``open_stay``: the person's open stay when the caller has just read it (reception
    did, to show the person); a stay opened since is caught by the unique constraint."""
    if shelter.status == Shelter.Status.CLOSED:
        raise ShelterClosed
    existing = open_stay_of(resident) if open_stay is _Unknown else open_stay
    if existing is not None:
        result = (
            CheckInResult.ALREADY_HERE
            if existing.shelter_id == shelter.pk
            else CheckInResult.ELSEWHERE
        )
        return CheckInOutcome(result, existing)
    stay = _stay_open(_CheckIn(resident, shelter, method, by_user, by_account, companions))
    if stay is None:
        # Another device checked the same person in a moment ago: report that stay.
        if not _retry:
            raise IntegrityError(f"resident {resident.pk}: an open stay came and went twice")
        return stay_check_in(
            resident=resident,
            shelter=shelter,
            method=method,
            by_user=by_user,
            by_account=by_account,
            companions=companions,
            _retry=False,
        )
    return CheckInOutcome(CheckInResult.CHECKED_IN, stay)


def reception_resident(*, person: ReceptionPerson, by_user: AbstractBaseUser) -> Resident:
    """A person found only in the registry gets their resident record when reception
    first acts on them."""
    return person.resident or resident_for_registry(person=person.person, registered_by=by_user)


def reception_check_in(
    *,
    person: ReceptionPerson,
    shelter: Shelter,
    method: str,
    by_user: AbstractBaseUser,
    companions: int = 0,
) -> CheckInOutcome:
    """Reception checks in someone it scanned or found by name."""
    return stay_check_in(
        resident=reception_resident(person=person, by_user=by_user),
        shelter=shelter,
        method=method,
        by_user=by_user,
        companions=companions,
        open_stay=person.stay,
    )


def stay_check_in_group(
    *,
    residents: list[Resident],
    shelter: Shelter,
    method: str,
    by_account: Account | None = None,
    companions: int = 0,
) -> list[tuple[Resident, CheckInOutcome]]:
    """Self and family arriving together; unregistered companions go with the first."""
    return [
        (
            resident,
            stay_check_in(
                resident=resident,
                shelter=shelter,
                method=method,
                by_account=by_account,
                companions=companions if index == 0 else 0,
            ),
        )
        for index, resident in enumerate(residents)
    ]


@transaction.atomic
def stay_check_out(
    *,
    resident: Resident,
    method: str = Method.STAFF,
    by_user: AbstractBaseUser | None = None,
    by_account: Account | None = None,
    at: Shelter | None = None,
) -> Stay | None:
    """End the open stay (only one at ``at`` when given: reception checks people out
    of its own shelter); None when there was none (a second tap is harmless)."""
    open_stays = Stay.objects.select_for_update().filter(
        resident=resident, checked_out_at__isnull=True
    )
    if at is not None:
        open_stays = open_stays.filter(shelter=at)
    stay = open_stays.first()
    if stay is None:
        return None
    stay.checked_out_at = timezone.now()
    stay.save(update_fields=["checked_out_at"])
    PresenceEvent.objects.create(
        resident=resident,
        shelter=stay.shelter,
        kind=PresenceEvent.Kind.CHECK_OUT,
        method=method,
        by_user=by_user,
        by_account=by_account,
    )
    return stay


@transaction.atomic
def stay_transfer(
    *,
    resident: Resident,
    to_shelter: Shelter,
    method: str = Method.STAFF,
    by_user: AbstractBaseUser | None = None,
) -> Stay:
    """Move someone from their current shelter to another (移動)."""
    if to_shelter.status == Shelter.Status.CLOSED:
        raise ShelterClosed
    current = (
        Stay.objects.select_for_update()
        .filter(resident=resident, checked_out_at__isnull=True)
        .first()
    )
    if current is not None and current.shelter_id == to_shelter.pk:
        return current
    companions = 0
    if current is not None:
        current.checked_out_at = timezone.now()
        current.save(update_fields=["checked_out_at"])
        companions = current.companions
    stay = Stay.objects.create(
        resident=resident, shelter=to_shelter, method=method, companions=companions
    )
    _arrival(
        resident=resident,
        shelter=to_shelter,
        from_shelter=current.shelter if current else None,
        kind=PresenceEvent.Kind.TRANSFER,
        method=method,
        by_user=by_user,
        companions=companions,
    )
    return stay
