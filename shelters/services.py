"""Shelters: opening and closing, and presence (check-in, check-out, transfer).

Every way of arriving (poster QR, personal QR, name search at reception, a pickup
arriving) goes through ``stay_check_in``; the database allows one open stay per
person, so double scans and two devices at once are harmless.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.roles import is_city_staff
from residents.models import Account, Resident
from residents.registration import resident_for_registry
from shelters.follow_ups import arrival_follow_ups_wake
from shelters.models import Method, PresenceEvent, Shelter, ShelterStatusChange, Stay
from shelters.notices import shelter_status_notify
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


# --- Opening, filling and closing -----------------------------------------------------------
#
# A shelter's row lock orders status changes against arrivals. A status change holds
# FOR NO KEY UPDATE on the shelter; every arrival (a check-in, a transfer in) holds FOR
# SHARE on it while it opens the stay, and opens it only if the shelter is not closed.
# The two conflict, so a close either waits for an arrival in flight and then sees its
# stay, or goes first and the arrival finds the shelter closed. Neither conflicts with
# the FOR KEY SHARE that PostgreSQL's foreign-key checks take (a check-out's event, a
# transfer's "from" shelter), so moving people out of a shelter while it closes cannot
# deadlock with them.


class StatusChangeRefused(Exception):
    """A status change the service does not make; ``message`` says why, politely."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PeopleStillInside(StatusChangeRefused):
    """Closing a shelter with open stays needs a decision about the people inside."""

    def __init__(self, *, shelter: Shelter, count: int) -> None:
        super().__init__(
            _(
                "「%(name)s」には %(count)s 人が入所中です。閉鎖する前に、ほかの避難所へ"
                "移動するか退所にするかを選んでください。"
            )
            % {"name": shelter.name, "count": count}
        )
        self.count = count


@dataclass(frozen=True)
class MoveEveryone:
    """Close, and transfer everyone inside to ``to`` (stay_transfer, one by one)."""

    to: Shelter


@dataclass(frozen=True)
class CheckEveryoneOut:
    """Close, and check everyone inside out; the reason goes into the status history."""

    reason: str


PeopleInsideDecision = MoveEveryone | CheckEveryoneOut


def _lock_for_status_change(
    shelter_pk: int, destination_pk: int | None
) -> tuple[Shelter, Shelter | None]:
    """Lock the shelter whose status changes (FOR NO KEY UPDATE) and the shelter people
    move to, if any (FOR SHARE, so it cannot close meanwhile), in id order: two closes
    moving people into each other's shelter wait for one another instead of deadlocking."""
    shelter = destination = None
    for pk in sorted({shelter_pk, destination_pk} - {None}):
        if pk == shelter_pk:
            shelter = Shelter.objects.select_for_update(no_key=True).get(pk=pk)
        else:
            destination = _lock_for_arrival(pk)
    return shelter, destination


_SHARE_LOCK_SQL = "SELECT id FROM {shelter} WHERE id = %s FOR SHARE"


def _lock_for_arrival(shelter_pk: int) -> Shelter | None:
    """The shelter, read and locked so that it cannot close until the caller's
    transaction ends (None when there is no such shelter). The caller checks its
    status: a close that committed meanwhile is what is read."""
    if connection.vendor == "postgresql":
        # Django's ORM has no FOR SHARE; the read below sees the locked row's last version.
        with connection.cursor() as cursor:
            cursor.execute(
                _SHARE_LOCK_SQL.format(shelter=connection.ops.quote_name(Shelter._meta.db_table)),
                [shelter_pk],
            )
            if cursor.fetchone() is None:
                return None
        return Shelter.objects.filter(pk=shelter_pk).first()
    # SQLite: transactions take the database's write lock when they begin.
    return Shelter.objects.select_for_update().filter(pk=shelter_pk).first()


def shelter_status_choices(*, shelter: Shelter, user) -> list[str]:
    """The statuses ``user`` may set this shelter to from the board (its buttons, and the
    board's JSON, so the page never works them out): city staff only, never the status
    it has, and 満員 only for an open shelter (a closed one is opened first, as
    shelter_set_status insists)."""
    if not is_city_staff(user):
        return []
    return [
        value
        for value in Shelter.Status.values
        if value != shelter.status
        and (value != Shelter.Status.FULL or shelter.status == Shelter.Status.OPEN)
    ]


@transaction.atomic
def shelter_set_status(
    *,
    shelter: Shelter,
    status: str,
    user: AbstractBaseUser | None = None,
    note: str = "",
    people_inside: PeopleInsideDecision | None = None,
    notify: bool = True,
) -> Shelter:
    """Open, mark full or close a shelter; admin and dashboard both call this. Opening
    and filling up tell the residents of its area (shelters.notices; ``notify=False``
    for the drill's reset).

    Closing never leaves anyone checked in at a closed shelter: with people inside it
    raises PeopleStillInside unless ``people_inside`` says what to do with them (move
    them all to another shelter, or check them all out with a reason). A closed
    shelter is opened before it is marked full. Raises StatusChangeRefused (with a
    message for the user) when the change cannot be made."""
    move_to = people_inside.to if isinstance(people_inside, MoveEveryone) else None
    closing = status == Shelter.Status.CLOSED
    shelter, destination = _lock_for_status_change(
        shelter.pk, move_to.pk if closing and move_to is not None else None
    )
    if status == Shelter.Status.FULL and shelter.status == Shelter.Status.CLOSED:
        raise StatusChangeRefused(
            _("「%(name)s」は閉鎖中のため満員にできません。先に開設してください。")
            % {"name": shelter.name}
        )
    # Read after the lock: an arrival that took the shelter before it is counted here.
    stays = (
        list(
            Stay.objects.select_for_update(of=("self",))
            .select_related("resident")
            .filter(shelter=shelter, checked_out_at__isnull=True)
            .order_by("pk")
        )
        if closing
        else []
    )
    if shelter.status == status and not stays:
        return shelter
    if stays:
        done = _people_inside_leave(
            shelter=shelter, stays=stays, decision=people_inside, to=destination, user=user
        )
        note = f"{note} / {done}" if note else done
    previous = shelter.status
    shelter.status = status
    shelter.save(update_fields=["status", "updated_at"])
    ShelterStatusChange.objects.create(
        shelter=shelter, status=status, changed_by=user, note=note[:200]
    )
    if notify:
        shelter_status_notify(shelter=shelter, previous=previous, user=user)
    return shelter


def _people_inside_leave(
    *,
    shelter: Shelter,
    stays: list[Stay],
    decision: PeopleInsideDecision | None,
    to: Shelter | None,
    user: AbstractBaseUser | None,
) -> str:
    """Move or check out everyone in ``stays`` (locked) as the decision says; the note
    for the status history."""
    if decision is None:
        raise PeopleStillInside(shelter=shelter, count=len(stays))
    if isinstance(decision, CheckEveryoneOut):
        reason = decision.reason.strip()
        if not reason:
            raise StatusChangeRefused(_("退所にする理由を入力してください。"))
        for stay in stays:
            stay_check_out(resident=stay.resident, by_user=user, at=shelter)
        return _("%(count)s 人を退所にして閉鎖（理由：%(reason)s）") % {
            "count": len(stays),
            "reason": reason,
        }
    if to is None or to.pk == shelter.pk:
        raise StatusChangeRefused(_("移動先には、閉鎖するのとは別の避難所を選んでください。"))
    if to.status == Shelter.Status.CLOSED:
        raise StatusChangeRefused(
            _("移動先の「%(name)s」は閉鎖中です。開設中の避難所を選んでください。")
            % {"name": to.name}
        )
    for stay in stays:
        stay_transfer(resident=stay.resident, to_shelter=to, by_user=user)
    return _("%(count)s 人を「%(to)s」へ移動して閉鎖") % {"count": len(stays), "to": to.name}


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
    an open stay (the database allows one). The stay opens only if the shelter is not
    closed when it is written, under a lock a close waits for ("Opening, filling and
    closing" above); raises ShelterClosed when it has closed since the caller read it."""
    if connection.vendor == "postgresql":
        stay = _stay_open_in_one_statement(arrival)
    else:
        stay = _stay_open_in_a_transaction(arrival)
    if stay is None and (
        Shelter.objects.filter(pk=arrival.shelter.pk, status=Shelter.Status.CLOSED).exists()
    ):
        raise ShelterClosed
    return stay


# The stay's row, written only while its shelter is not closed: an INSERT … SELECT from
# the shelter's row. On PostgreSQL that row is read FOR SHARE, so a close in progress
# (FOR NO KEY UPDATE) is waited for and its outcome read.
_STAY_INSERT_SQL = """
INSERT INTO {stay} (resident_id, shelter_id, checked_in_at, checked_out_at, method, companions)
SELECT %(resident)s, id, %(at)s, NULL, %(method)s, %(companions)s
FROM {shelter} WHERE id = %(shelter)s AND status <> %(closed)s{lock}
"""


def _stay_sql(template: str, lock: str = "") -> str:
    quote = connection.ops.quote_name
    return template.replace("{insert}", _STAY_INSERT_SQL.strip()).format(
        stay=quote(Stay._meta.db_table),
        shelter=quote(Shelter._meta.db_table),
        event=quote(PresenceEvent._meta.db_table),
        lock=lock,
    )


def _stay_params(arrival: _CheckIn, at) -> dict:
    return {
        "resident": arrival.resident.pk,
        "shelter": arrival.shelter.pk,
        "at": at,
        "method": arrival.method,
        "companions": arrival.companions,
        "closed": Shelter.Status.CLOSED,
        "kind": PresenceEvent.Kind.CHECK_IN,
        "by_user": arrival.by_user.pk if arrival.by_user else None,
        "by_account": arrival.by_account.pk if arrival.by_account else None,
    }


def _read_back(arrival: _CheckIn, pk: int, at) -> Stay:
    stay = Stay(
        pk=pk,
        resident=arrival.resident,
        shelter=arrival.shelter,
        checked_in_at=at,
        method=arrival.method,
        companions=arrival.companions,
    )
    stay._state.adding, stay._state.db = False, connection.alias  # as if read back
    return stay


def _stay_open_in_a_transaction(arrival: _CheckIn) -> Stay | None:
    """SQLite (development): the stay, then its event, in one transaction (which takes
    the database's write lock when it begins)."""
    at = timezone.now()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _stay_sql(_STAY_INSERT_SQL),
                {**_stay_params(arrival, at), "at": connection.ops.adapt_datetimefield_value(at)},
            )
            if cursor.rowcount == 0:
                return None  # the shelter is closed
            stay = _read_back(arrival, cursor.lastrowid, at)
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
# transaction around two inserts (BEGIN, INSERT, INSERT, COMMIT: four round trips),
# and no exception when the person is already in (ON CONFLICT, so a caller's
# transaction is not broken and needs no savepoint). It writes the same rows as the
# branch above (tests run both: SQLite locally, PostgreSQL in CI); a new column without
# a database default fails here loudly in CI.
_STAY_OPEN_SQL = """
WITH stay AS (
    {insert}
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
    with connection.cursor() as cursor:
        cursor.execute(_stay_sql(_STAY_OPEN_SQL, lock=" FOR SHARE"), _stay_params(arrival, at))
        row = cursor.fetchone()
    if row is None:
        return None  # already in somewhere, or the shelter is closed
    transaction.on_commit(arrival_follow_ups_wake)
    return _read_back(arrival, row[0], at)


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
    """Move someone from their current shelter to another (移動). Raises ShelterClosed
    when the destination is closed (it is locked against a close until this commits)."""
    destination = _lock_for_arrival(to_shelter.pk)
    if destination is None or destination.status == Shelter.Status.CLOSED:
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
