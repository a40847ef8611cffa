"""Services for residents' identity and registration (登録).

A resident types only furigana and birth date; the registry is searched through the
blind index. Every attempt is audited and failures are rate-limited per account /
helper and per IP, so nobody can enumerate residents by guessing birth dates. A
person already linked to another account is never taken over silently.
"""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from areas.models import Area
from areas.selectors import areas_visible_to
from lib.roles import is_city_staff
from limits.services import (
    Budget,
    BudgetExhausted,
    budget_spend,
    budgets_refund,
    budgets_spend,
)
from messaging import line
from residents import budgets
from residents.blind_index import resident_match_index
from residents.models import (
    Account,
    MatchAttempt,
    RegistryPerson,
    Resident,
    ResidentLink,
    TakeoverRequest,
)
from residents.selectors import registry_candidates

Relation = ResidentLink.Relation

# --- Identity ----------------------------------------------------------------------


@transaction.atomic
def account_from_id_token(*, id_token: str | None) -> Account:
    """The account of whoever holds this LIFF ID token (verified with LINE).

    Raises line.IdTokenInvalid / line.LineUnavailable.
    """
    identity = line.verify_id_token(id_token)
    account, _ = Account.objects.select_for_update().get_or_create(
        line_user_id=identity.user_id, defaults={"display_name": identity.display_name}
    )
    if identity.display_name and account.display_name != identity.display_name:
        account.display_name = identity.display_name
        account.save(update_fields=["display_name"])
    return account


def account_for_follower(user_id: str) -> Account:
    """Someone added the city's LINE account: keep an account for them (nothing but the
    LINE user id) so city messages to everyone reach them before they register. Signing
    in later through LIFF finds this account."""
    account, _ = Account.objects.get_or_create(line_user_id=user_id)
    return account


RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and copied by hand


def _recovery_hash(code: str) -> str:
    normalised = re.sub(r"[^A-Z0-9]", "", code.upper())
    return hashlib.sha256(f"hakobou-recovery:{normalised}".encode()).hexdigest()


@transaction.atomic
def account_create_web(*, ip_address: str | None = None) -> tuple[Account, str]:
    """A browser identity for someone without LINE; returns the recovery code, shown once.

    16 characters from 32 symbols = 80 bits: not guessable, so the code alone finds
    the account. New identities per address are limited (TooManyAttempts): each has
    budgets of its own, so rotating identities must not multiply them.
    """
    if ip_address:
        budgets_spend([(budgets.new_web_identities(), f"ip:{ip_address}")])
    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(16))
    account = Account.objects.create(recovery_code_hash=_recovery_hash(code))
    return account, "-".join(code[i : i + 4] for i in range(0, 16, 4))


def account_consent(*, account: Account) -> Account:
    if account.consented_at is None:
        account.consented_at = timezone.now()
        account.save(update_fields=["consented_at"])
    return account


# --- Matching ----------------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    """Who is searching the registry: a resident's account, or a helper (staff /
    volunteer) registering someone on their behalf."""

    account: Account | None = None
    user: AbstractBaseUser | None = None
    ip_address: str | None = None


class MatchResult(StrEnum):
    MATCHED = MatchAttempt.Result.MATCHED
    SEVERAL = MatchAttempt.Result.SEVERAL
    NONE = MatchAttempt.Result.NONE
    LOCKED = MatchAttempt.Result.LOCKED


@dataclass(frozen=True)
class MatchOutcome:
    result: MatchResult
    candidates: list[RegistryPerson] = field(default_factory=list)

    @property
    def person(self) -> RegistryPerson | None:
        return self.candidates[0] if self.result == MatchResult.MATCHED else None


# Raised when a budget is spent (limits.services); retry_after says when to come back.
TooManyAttempts = BudgetExhausted


def _guess_budgets(actor: Actor) -> list[tuple[Budget, str]]:
    """What a registry guess spends: a helper their own budget only; a resident their
    identity's and their address's."""
    if actor.user is not None:
        return [(budgets.helper_guesses(), f"user:{actor.user.pk}")]
    spent = []
    if actor.account is not None:
        spent.append((budgets.identity_guesses(), f"account:{actor.account.pk}"))
    if actor.ip_address:
        spent.append((budgets.address_guesses(), f"ip:{actor.ip_address}"))
    return spent


def _audit(actor: Actor, result: MatchResult) -> None:
    MatchAttempt.objects.create(
        account=actor.account, user=actor.user, ip_address=actor.ip_address, result=result
    )


def _guarded(actor: Actor, search: Callable[[], list[RegistryPerson]]) -> MatchOutcome:
    """A registry search that counts against the budgets only when it finds nobody.

    The attempt is reserved before searching, so "may I search?" and "record this
    attempt" are one atomic step: fifty parallel guesses get no more searches than
    fifty in a row. A locked actor is told so without the registry being searched at
    all, so the answer cannot reveal whether the data would have matched."""
    spends = _guess_budgets(actor)
    try:
        budgets_spend(spends)
    except TooManyAttempts:
        _audit(actor, MatchResult.LOCKED)
        return MatchOutcome(MatchResult.LOCKED)
    outcome = _outcome(actor, search())
    if outcome.result == MatchResult.NONE:
        budget_spend(budgets.city_failures(), "city")
    else:
        budgets_refund(spends)
    return outcome


def _outcome(actor: Actor, candidates: list[RegistryPerson]) -> MatchOutcome:
    if actor.user is not None and not is_city_staff(actor.user):
        # A volunteer may register only people of their own areas; anyone else looks
        # exactly like "not found" so a helper account cannot probe the whole city.
        allowed = set(areas_visible_to(actor.user).values_list("pk", flat=True))
        candidates = [person for person in candidates if person.area_id in allowed]
    if not candidates:
        result = MatchResult.NONE
    elif len(candidates) == 1:
        result = MatchResult.MATCHED
    else:
        result = MatchResult.SEVERAL
    _audit(actor, result)
    return MatchOutcome(result, candidates if result != MatchResult.NONE else [])


def registry_match(*, actor: Actor, kana: str, birth_date: datetime.date) -> MatchOutcome:
    """Find the registry record for furigana + birth date.

    A locked actor is told so without the registry being searched at all, so the
    answer cannot reveal whether the data would have matched.
    """
    return _guarded(actor, lambda: registry_candidates(kana=kana, birth_date=birth_date))


_BLOCK_NUMBER = re.compile(r"(\d+)\s*(?:番地?|丁目|-|－|の)")


def house_number_of(address: str) -> str | None:
    match = _BLOCK_NUMBER.search(address)
    return match.group(1) if match else None


def registry_match_narrow(
    *,
    actor: Actor,
    candidate_ids: list[int],
    house_number: str | None = None,
    sex: str | None = None,
) -> MatchOutcome:
    """Several people share the kana and birth date: one more factor picks one."""

    def search() -> list[RegistryPerson]:
        people = list(RegistryPerson.objects.filter(pk__in=candidate_ids, is_active=True))
        if house_number:
            wanted = house_number.strip().lstrip("0")
            people = [p for p in people if (house_number_of(p.address) or "").lstrip("0") == wanted]
        if sex:
            people = [p for p in people if p.sex == sex]
        return people

    return _guarded(actor, search)


def account_recover(*, actor: Actor, code: str) -> Account | None:
    """Sign back in with a recovery code. Codes are 80-bit random values; a flood of
    guesses from one address is refused all the same (a budget of its own, apart from
    registry guesses), and failures are audited."""
    spends = [(budgets.recovery_guesses(), f"ip:{actor.ip_address}")] if actor.ip_address else []
    budgets_spend(spends)
    account = None
    if code and len(re.sub(r"[^A-Za-z0-9]", "", code)) == 16:
        account = Account.objects.filter(recovery_code_hash=_recovery_hash(code)).first()
    if account is None:
        _audit(actor, MatchResult.NONE)
    else:
        budgets_refund(spends)
    return account


# --- What a person sees before confirming --------------------------------------------

_PREFECTURE = re.compile(r"^(東京都|北海道|(?:京都|大阪)府|.{2,3}県)")


def masked_name(name: str) -> str:
    """「中嶋 ＊＊」: enough for the person to recognise themselves, not to learn a name."""
    parts = re.split(r"[\s\u3000]+", name.strip(), maxsplit=1)
    return f"{parts[0]} ＊＊" if len(parts) == 2 else f"{name.strip()[:1]}＊＊"


def masked_address(address: str) -> str:
    """「函館市谷地頭町」: city and town, no house number."""
    without_prefecture = _PREFECTURE.sub("", address.strip())
    town = re.split(r"[0-9０-９]", without_prefecture, maxsplit=1)[0]
    return re.sub(r"(大字|字)$", "", town)


# --- Linking -------------------------------------------------------------------------


class AlreadyRegistered(Exception):
    """The account already has its own ("self") registration."""


class LinkResult(StrEnum):
    LINKED = "linked"
    ALREADY = "already"  # linked before: a double submit is harmless
    PENDING = "pending"  # needs staff approval


@dataclass(frozen=True)
class LinkOutcome:
    result: LinkResult
    resident: Resident


def _self_resident(account: Account) -> Resident | None:
    link = account.links.filter(relation=Relation.SELF).select_related("resident").first()
    return link.resident if link else None


def _same_household(account: Account, person: RegistryPerson) -> bool:
    own = _self_resident(account)
    return bool(
        own is not None
        and own.registry_person is not None
        and own.registry_person.household_number == person.household_number
    )


def resident_for_registry(
    *, person: RegistryPerson, registered_by: AbstractBaseUser | None = None
) -> Resident:
    """The resident record of a registry person, made on first need (for example
    when reception checks in someone who never registered)."""
    try:
        with transaction.atomic():
            resident, _ = Resident.objects.get_or_create(
                registry_person=person,
                defaults={"area_id": person.area_id, "registered_by": registered_by},
            )
    except IntegrityError:  # made by another request a moment ago
        resident = Resident.objects.get(registry_person=person)
    return resident


@transaction.atomic
def resident_link_registry(
    *,
    account: Account,
    person: RegistryPerson,
    relation: str,
    registered_by: AbstractBaseUser | None = None,
) -> LinkOutcome:
    """Link a matched registry record to an account, as self or as family.

    Needs staff approval when the person is already someone else's "self", or
    when family is added from outside the account holder's registry household.
    """
    resident = resident_for_registry(person=person, registered_by=registered_by)
    existing = ResidentLink.objects.filter(account=account, resident=resident).first()
    if existing is not None:
        return LinkOutcome(LinkResult.ALREADY, resident)

    if relation == Relation.SELF:
        if _self_resident(account) is not None:
            raise AlreadyRegistered
        owned_elsewhere = ResidentLink.objects.filter(resident=resident, relation=Relation.SELF)
        needs_approval = owned_elsewhere.exists()
    else:
        needs_approval = not _same_household(account, person) and registered_by is None

    if needs_approval:
        TakeoverRequest.objects.get_or_create(
            account=account,
            resident=resident,
            status=TakeoverRequest.Status.PENDING,
            defaults={"relation": relation},
        )
        return LinkOutcome(LinkResult.PENDING, resident)
    try:
        with transaction.atomic():
            ResidentLink.objects.create(account=account, resident=resident, relation=relation)
    except IntegrityError:
        # Two devices confirmed at once: the database let exactly one link through.
        return LinkOutcome(LinkResult.ALREADY, resident)
    return LinkOutcome(LinkResult.LINKED, resident)


@transaction.atomic
def resident_create_manual(
    *,
    account: Account,
    relation: str,
    name: str,
    name_kana: str,
    birth_date: datetime.date,
    address: str,
    phone: str = "",
    area: Area | None = None,
    registered_by: AbstractBaseUser | None = None,
) -> Resident:
    """Someone not found in the registry (visitor, tourist, new arrival): entered by
    hand and marked unverified for staff."""
    if relation == Relation.SELF and _self_resident(account) is not None:
        raise AlreadyRegistered
    resident = Resident(
        name=name.strip(),
        name_kana=name_kana.strip(),
        birth_date=birth_date,
        address=address.strip(),
        phone=phone.strip(),
        area=area,
        registered_by=registered_by,
    )
    resident.match_index = resident_match_index(resident)
    resident.save()
    ResidentLink.objects.create(account=account, resident=resident, relation=relation)
    return resident


SELF_EDITABLE_VERIFIED = ("phone", "care")
SELF_EDITABLE_UNVERIFIED = ("name", "name_kana", "birth_date", "address", "phone", "area", "care")


@transaction.atomic
def resident_update(*, resident: Resident, **changes) -> Resident:
    """Correct self-entered data. Registry data is the city's: only staff change it."""
    allowed = SELF_EDITABLE_UNVERIFIED if not resident.is_verified else SELF_EDITABLE_VERIFIED
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(resident, name, value.strip() if isinstance(value, str) else value)
    resident.full_clean(exclude=["registry_person"])
    resident.match_index = resident_match_index(resident)
    resident.save()
    return resident


@transaction.atomic
def takeover_decide(*, request: TakeoverRequest, approve: bool, user: AbstractBaseUser) -> None:
    """Staff decide a pending link; approving a "self" moves it from the old account."""
    request = TakeoverRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != TakeoverRequest.Status.PENDING:
        return
    if approve:
        if request.relation == Relation.SELF:
            ResidentLink.objects.filter(
                Q(resident=request.resident) | Q(account=request.account), relation=Relation.SELF
            ).delete()
        ResidentLink.objects.update_or_create(
            account=request.account,
            resident=request.resident,
            defaults={"relation": request.relation},
        )
    request.status = TakeoverRequest.Status.APPROVED if approve else TakeoverRequest.Status.REJECTED
    request.decided_by, request.decided_at = user, timezone.now()
    request.save()
