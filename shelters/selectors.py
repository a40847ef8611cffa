"""Reads for shelters: occupancy and congestion, rosters, search, reception lookups."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.geo import distance_m, format_distance
from lib.kana import normalize_kana
from lib.prepared import PreparedGet
from lib.roles import is_city_staff
from residents.models import RegistryPerson, Resident
from residents.selectors import registry_candidates, residents_entered_by_hand
from shelters import care_notes
from shelters.care_notes import CareNote
from shelters.models import Method, PresenceEvent, Shelter, Stay
from shelters.tokens import (
    PersonalTokenError,
    reception_handle,
    reception_handle_payload,
    resident_id_from_personal_token,
)

# 混雑 from this share of capacity; 満員 at capacity or when staff mark it full.
CROWDED_SHARE = 0.8


CONGESTION_LABELS = {
    "available": _("空きあり"),
    "crowded": _("混雑"),
    "full": _("満員"),
    "closed": _("受け入れ停止"),
}


@dataclass(frozen=True)
class Occupancy:
    people: int
    capacity: int
    # "available" 空きあり | "crowded" 混雑 | "full" 満員 | "closed" 受け入れ停止
    congestion: str

    @property
    def congestion_label(self) -> str:
        return str(CONGESTION_LABELS[self.congestion])


def congestion(*, people: int, capacity: int, status: str) -> str:
    """A closed shelter takes nobody, whatever room it has: never 空きあり."""
    if status == Shelter.Status.CLOSED:
        return "closed"
    if status == Shelter.Status.FULL or (capacity and people >= capacity):
        return "full"
    if capacity and people >= capacity * CROWDED_SHARE:
        return "crowded"
    return "available"


def shelters_with_occupancy(queryset: QuerySet[Shelter] | None = None) -> QuerySet[Shelter]:
    """Shelters annotated with ``present`` (people with an open stay + companions)."""
    open_stays = Q(stays__checked_out_at__isnull=True)
    return (queryset if queryset is not None else Shelter.objects.all()).annotate(
        residents_present=Count("stays", filter=open_stays),
        companions_present=Sum("stays__companions", filter=open_stays, default=0),
    )


def occupancy_of(annotated: Shelter) -> Occupancy:
    """From a shelter annotated by shelters_with_occupancy."""
    people = annotated.residents_present + annotated.companions_present
    return Occupancy(
        people=people,
        capacity=annotated.capacity,
        congestion=congestion(people=people, capacity=annotated.capacity, status=annotated.status),
    )


def occupancy(shelter: Shelter) -> Occupancy:
    return occupancy_of(shelters_with_occupancy(Shelter.objects.filter(pk=shelter.pk)).get())


@dataclass(frozen=True)
class PeopleInside:
    """Who is checked in at a shelter now: registered people (one open stay each) and
    the unregistered companions who came with them."""

    residents: int
    companions: int

    @property
    def people(self) -> int:
        return self.residents + self.companions


def people_inside(shelter: Shelter) -> PeopleInside:
    counts = Stay.objects.filter(shelter=shelter, checked_out_at__isnull=True).aggregate(
        residents=Count("pk"), companions=Sum("companions", default=0)
    )
    return PeopleInside(residents=counts["residents"], companions=counts["companions"])


def close_destinations(shelter: Shelter) -> QuerySet[Shelter]:
    """Where the people of a closing shelter can be moved: every other shelter that is
    not closed (a full one too: people on their way are still taken in), by code, with
    their occupancy (shelters_with_occupancy)."""
    return shelters_with_occupancy(
        Shelter.objects.exclude(status=Shelter.Status.CLOSED).exclude(pk=shelter.pk)
    ).order_by("code")


def open_stay_of(resident: Resident) -> Stay | None:
    """Where the person is staying now (at most one, by a database rule), if anywhere."""
    return (
        Stay.objects.select_related("shelter")
        .filter(resident=resident, checked_out_at__isnull=True)
        .first()
    )


def open_stays_of(residents: Collection[Resident]) -> QuerySet[Stay]:
    """Where each of these people is staying now (those who are), with the shelter."""
    return Stay.objects.select_related("shelter").filter(
        resident__in=residents, checked_out_at__isnull=True
    )


def open_stay_of_any(residents: list[Resident]) -> Stay | None:
    """Where one of these people (a household) is staying now, if anywhere."""
    return (
        Stay.objects.select_related("shelter")
        .filter(resident__in=residents, checked_out_at__isnull=True)
        .order_by("pk")
        .first()
    )


def shelter_roster(shelter: Shelter) -> QuerySet:
    """Who is at the shelter now, earliest arrival first."""
    return (
        Stay.objects.filter(shelter=shelter, checked_out_at__isnull=True)
        .select_related("resident__registry_person")
        .order_by("checked_in_at", "pk")
    )


def care_told_by_stays(stays: Collection[Stay]) -> dict[int, CareNote]:
    """What the people of these stays told on the way in (shelters.care_notes), by
    resident id: what was said up to their arrival."""
    return care_notes.care_notes({stay.resident_id: stay.checked_in_at for stay in stays})


def reception_shelters_of(user) -> QuerySet[Shelter]:
    """Where this user may do reception (the same rule as can_see_roster): city staff
    anywhere, a reception user at their own shelters."""
    if is_city_staff(user):
        return Shelter.objects.order_by("code")
    if not user.is_authenticated:
        return Shelter.objects.none()
    return _reception_list(user.pk).order_by("code")


def _reception_list(user_id: int) -> QuerySet[Shelter]:
    return Shelter.objects.filter(reception=user_id)


# What reception's answers use of the shelter; read on every scan, so prepared.
_RECEPTION_SHELTER_FIELDS = ("pk", "name", "status")
_any_shelter = PreparedGet(
    lambda pk: Shelter.objects.only(*_RECEPTION_SHELTER_FIELDS).filter(pk=pk)
)
_own_shelter = PreparedGet(
    lambda pk, user_id: _reception_list(user_id).only(*_RECEPTION_SHELTER_FIELDS).filter(pk=pk)
)


def reception_shelter(user, pk: int) -> Shelter | None:
    """The shelter if this user may do reception there (as reception_shelters_of), None
    otherwise or when there is no such shelter."""
    if is_city_staff(user):
        return _any_shelter(pk=pk)
    if not user.is_authenticated:
        return None
    return _own_shelter(pk=pk, user_id=user.pk)


def can_see_roster(user, shelter: Shelter) -> bool:
    """City staff and the shelter's own reception; nobody else."""
    if is_city_staff(user):
        return True
    if not user.is_authenticated:
        return False
    return shelter.reception.filter(pk=user.pk).exists()


def shelter_for_its_staff(user: AbstractBaseUser | AnonymousUser, pk: int) -> Shelter:
    """The shelter, for its reception and staff (roster, poster); 404 / 403 otherwise."""
    shelter = get_object_or_404(Shelter, pk=pk)
    if not can_see_roster(user, shelter):
        raise PermissionDenied
    return shelter


@dataclass(frozen=True)
class ShelterHit:
    shelter: Shelter
    distance_m: float | None
    occupancy: Occupancy

    @property
    def distance_label(self) -> str:
        """「約 1.0 km」, or "" without a point to measure from."""
        return format_distance(self.distance_m) if self.distance_m is not None else ""

    @property
    def accepting(self) -> bool:
        """Takes people in now: open and not full."""
        return self.occupancy.congestion in ("available", "crowded")


# Where people are taken in to stay (a pickup's destination by default): a designated
# evacuation shelter (指定避難所). An emergency site is an open space to flee to, a
# welfare shelter (福祉避難所) takes people the city refers to it.
SHELTERS_TO_STAY = (Shelter.Kind.DESIGNATED,)


def shelter_search(
    *,
    lat: float | None = None,
    lng: float | None = None,
    hazard: str | None = None,
    pets: bool = False,
    barrier_free: bool = False,
    kinds: Collection[str] | None = None,
    accepting: bool = False,
    barrier_free_first: bool = False,
    limit: int = 20,
) -> list[ShelterHit]:
    """Open shelters, nearest first when a point is given, with their congestion.

    ``kinds``: only shelters of these kinds. ``accepting``: only those taking people
    in now (not full, by their status or by count). ``barrier_free_first``: barrier-free
    shelters ahead of the others (each group nearest first), for a wheelchair user."""
    shelters = Shelter.objects.exclude(status=Shelter.Status.CLOSED)
    if hazard in Shelter.HAZARDS:
        shelters = shelters.filter(**{f"for_{hazard}": True})
    if pets:
        shelters = shelters.filter(accepts_pets=True)
    if barrier_free:
        shelters = shelters.filter(barrier_free=True)
    if kinds is not None:
        shelters = shelters.filter(kind__in=list(kinds))
    if accepting:
        shelters = shelters.filter(status=Shelter.Status.OPEN)
    hits = [
        ShelterHit(
            shelter=shelter,
            distance_m=(
                distance_m(lat, lng, shelter.latitude, shelter.longitude)
                if lat is not None and lng is not None
                else None
            ),
            occupancy=occupancy_of(shelter),
        )
        for shelter in shelters_with_occupancy(shelters)
    ]
    if accepting:
        hits = [hit for hit in hits if hit.accepting]
    hits.sort(
        key=lambda hit: (
            barrier_free_first and not hit.shelter.barrier_free,
            hit.distance_m is None,
            hit.distance_m or 0,
            hit.shelter.code,
        )
    )
    return hits[:limit]


# --- Reception ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptionPerson:
    """One person as the reception screen shows them: a registered resident, or someone
    found in the registry who has no resident record yet (made at check-in)."""

    handle: str
    name: str
    kana: str
    verified: bool
    needs_support: bool
    care: list[str]
    stay: Stay | None
    method: str  # how reception found them (Method): personal QR or name search
    resident: Resident | None = None
    person: RegistryPerson | None = None


def _residents_for_reception() -> QuerySet[Resident]:
    """Residents as reception reads them: what the card shows, with the registry record
    and the id of their open stay, in one query."""
    open_stay = Stay.objects.filter(resident_id=OuterRef("pk"), checked_out_at__isnull=True)
    return (
        Resident.objects.select_related("registry_person")
        .only(*RECEPTION_FIELDS)
        .annotate(open_stay_pk=Subquery(open_stay.values("pk")[:1]))
    )


# What the reception card shows (ReceptionPerson): the rest of a resident's personal
# data is neither read nor decrypted at reception.
RECEPTION_FIELDS = (
    "name",
    "name_kana",
    "care",
    "withdrawn_at",  # someone who withdrew is shown as 退会された方
    "registry_person__name",
    "registry_person__name_kana",
    "registry_person__needs_support",
)

# A scan reads the person by id: prepared (lib.prepared).
_reception_resident = PreparedGet(lambda pk: _residents_for_reception().filter(pk=pk))


def _open_stay_read(resident: Resident) -> Stay | None:
    """The open stay of a resident read with _residents_for_reception."""
    if resident.open_stay_pk is None:
        return None  # most people at reception: nothing more to read
    return Stay.objects.select_related("shelter").get(pk=resident.open_stay_pk)


def _reception_person(
    resident: Resident | None,
    person: RegistryPerson | None = None,
    *,
    method: str,
    stay: Stay | None = None,
) -> ReceptionPerson:
    """``stay``: the resident's open stay (with its shelter), if any."""
    if resident is not None:
        return ReceptionPerson(
            handle=reception_handle(resident=resident, method=method),
            name=resident.display_name,
            kana=resident.display_kana,
            verified=resident.is_verified,
            needs_support=resident.needs_support,
            care=resident.get_care_display(),
            stay=stay,
            method=method,
            resident=resident,
        )
    return ReceptionPerson(
        handle=reception_handle(person_id=person.pk, method=method),
        name=person.name,
        kana=person.name_kana,
        verified=True,
        needs_support=person.needs_support,
        care=[],
        stay=None,
        method=method,
        person=person,
    )


def reception_person_by_code(code: str) -> ReceptionPerson:
    """The person a scanned personal QR names. Raises PersonalTokenError (also when the
    person no longer exists)."""
    return _reception_person_by_id(resident_id_from_personal_token(code), Method.PERSONAL_QR)


def _reception_person_by_id(resident_id: int, method: str) -> ReceptionPerson:
    """Raises PersonalTokenError when there is no such resident (any more)."""
    resident = _reception_resident(pk=resident_id)
    if resident is None:
        raise PersonalTokenError("invalid")
    return _reception_person(resident, method=method, stay=_open_stay_read(resident))


def reception_people_by_kana(
    *, shelter: Shelter, kana: str, birth_date: date | None = None, limit: int = 20
) -> list[ReceptionPerson]:
    """Name search at reception for people without a phone.

    Furigana alone searches the people present at this shelter (to check someone
    out); with a birth date it also searches the city's registry, the same keyed
    lookup residents use to register, and the residents entered by hand by the same
    kind of index (names are encrypted, so there is no wider search by name alone)."""
    wanted = normalize_kana(kana)
    people: list[ReceptionPerson] = []
    seen: set[int] = set()
    for stay in shelter_roster(shelter).select_related("shelter"):
        resident = stay.resident
        if wanted in normalize_kana(resident.display_kana) and (
            birth_date is None or resident.display_birth_date == birth_date
        ):
            seen.add(resident.pk)
            people.append(_reception_person(resident, method=Method.NAME_SEARCH, stay=stay))
    if birth_date is not None:
        for person in registry_candidates(kana=kana, birth_date=birth_date):
            resident = _residents_for_reception().filter(registry_person=person).first()
            if resident is None:
                people.append(_reception_person(None, person, method=Method.NAME_SEARCH))
            elif resident.pk not in seen:
                seen.add(resident.pk)
                people.append(
                    _reception_person(
                        resident, method=Method.NAME_SEARCH, stay=_open_stay_read(resident)
                    )
                )
        entered_by_hand = residents_entered_by_hand(
            _residents_for_reception(), kana=kana, birth_date=birth_date
        ).exclude(pk__in=seen)
        for resident in entered_by_hand[:limit]:
            people.append(
                _reception_person(
                    resident, method=Method.NAME_SEARCH, stay=_open_stay_read(resident)
                )
            )
    return people[:limit]


def reception_care_notes(people: Collection[ReceptionPerson]) -> dict[int, CareNote]:
    """What the people at the desk told on the way in, by resident id: as of their
    arrival for someone already checked in, as of now for someone arriving."""
    now = timezone.now()
    return care_notes.care_notes(
        {
            person.resident.pk: person.stay.checked_in_at if person.stay is not None else now
            for person in people
            if person.resident is not None
        }
    )


def reception_person_by_handle(handle: str) -> ReceptionPerson:
    """Raises PersonalTokenError (also when the person no longer exists)."""
    payload = reception_handle_payload(handle)
    method = payload.get("m") if payload.get("m") in Method.values else Method.NAME_SEARCH
    if "r" in payload:
        return _reception_person_by_id(payload["r"], method)
    person = RegistryPerson.objects.filter(pk=payload["p"], is_active=True).first()
    if person is None:
        raise PersonalTokenError("invalid")
    resident = _residents_for_reception().filter(registry_person=person).first()
    if resident is None:
        return _reception_person(None, person, method=method)
    return _reception_person(resident, person, method=method, stay=_open_stay_read(resident))


# --- Status board ------------------------------------------------------------------------


@dataclass(frozen=True)
class BoardRow:
    shelter: Shelter
    occupancy: Occupancy
    # Care code (CareConsideration's, or one told on the way in: shelters.care_notes,
    # e.g. a pickup's "wheelchair") -> people present with it.
    care: dict[str, int]

    @property
    def care_display(self) -> list[tuple[str, int]]:
        return [
            (label, self.care[code])
            for code, label in care_notes.labels().items()
            if code in self.care
        ]


def shelter_board() -> list[BoardRow]:
    """Every shelter with its live occupancy and counts by care consideration (what the
    registration says and what people told on the way in, each person counted once per
    code); two queries whatever the number of shelters, and what care_notes reads."""
    care: dict[int, Counter] = defaultdict(Counter)
    present = list(
        Stay.objects.filter(checked_out_at__isnull=True)
        .values_list("shelter_id", "resident_id", "checked_in_at", "resident__care")
        .iterator(chunk_size=2000)
    )
    told = care_notes.care_notes({resident_id: at for _, resident_id, at, _ in present})
    for shelter_id, resident_id, _at, codes in present:
        note = told.get(resident_id)
        care[shelter_id].update({*(codes or ()), *(note.codes if note else ())})
    return [
        BoardRow(shelter=shelter, occupancy=occupancy_of(shelter), care=dict(care[shelter.pk]))
        for shelter in shelters_with_occupancy(Shelter.objects.order_by("code"))
    ]


def arrival_follow_up_oldest_due() -> datetime | None:
    """When the oldest arrival still waiting for its follow-up (report ended, LINE notice)
    arrived, or None when none waits. One row through the partial index of due events:
    ids grow with time, so the first due id is the oldest."""
    return (
        PresenceEvent.objects.filter(follow_up_due=True)
        .order_by("pk")
        .values_list("created_at", flat=True)
        .first()
    )
