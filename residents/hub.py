"""The resident's page (/my/) shows what apps above residents add to it.

/my/ is the household's situation: for the account holder and each family member,
where they are now; then what is under way (the report, a pickup, deliveries, city
notices); then the registration details. Residents knows none of it itself: apps above
fill three registries in their AppConfig.ready().

- ``register(section)``: given the signed-in account, a card (template and context) or
  None. Sections appear in the order they were registered, below the situation.
- ``register_whereabouts(provider)``: given the account and its people, where each of
  them is as that app knows it (at a shelter, on the way in a pickup, outside a
  shelter). When several apps know something of one person, the highest rank is told.
- ``register_links(provider)``: given the account and the situation, links for the
  situation card (わたしのQR, the shelter search …).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from residents.models import Account, Resident, ResidentLink


@dataclass(frozen=True)
class Section:
    template: str
    context: dict


SectionProvider = Callable[[Account], Section | None]

_providers: list[SectionProvider] = []


def register(provider: SectionProvider) -> SectionProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def sections_for(request: HttpRequest, account: Account) -> list[SafeString]:
    """The registered sections for this account, rendered."""
    rendered = []
    for provider in _providers:
        section = provider(account)
        if section is not None:
            rendered.append(render_to_string(section.template, section.context, request=request))
    return rendered


# --- Where each person is ---------------------------------------------------------------

# Kinds of whereabouts (also a CSS hook on the page).
AT_SHELTER = "shelter"
IN_TRANSPORT = "transport"
OUTSIDE = "outside"


@dataclass(frozen=True)
class Whereabouts:
    """Where one person is now, as one app knows it, said to the account (second person
    for the account holder, neutral for family: 「青柳小学校」にいます)."""

    kind: str  # AT_SHELTER | IN_TRANSPORT | OUTSIDE (or an app's own)
    text: str
    rank: int  # several apps know something: the highest is told


WhereaboutsProvider = Callable[[Account, Sequence[Resident]], Mapping[int, Whereabouts]]

_whereabouts: list[WhereaboutsProvider] = []


def register_whereabouts(provider: WhereaboutsProvider) -> WhereaboutsProvider:
    if provider not in _whereabouts:
        _whereabouts.append(provider)
    return provider


@dataclass(frozen=True)
class Person:
    resident: Resident
    is_self: bool
    whereabouts: Whereabouts | None  # None: nothing known (no report, no stay)

    @property
    def at_shelter(self) -> bool:
        return self.whereabouts is not None and self.whereabouts.kind == AT_SHELTER


@dataclass(frozen=True)
class Situation:
    """The account's people (the holder first), each with where they are now."""

    people: list[Person]

    @property
    def arrived(self) -> bool:
        """The account holder is at a shelter (without one registered: everyone is).
        Then reporting being outside a shelter is no longer what the page leads with."""
        own = [person for person in self.people if person.is_self] or self.people
        return bool(own) and all(person.at_shelter for person in own)


def situation_of(account: Account, links: Sequence[ResidentLink]) -> Situation:
    """``links``: the account's links (residents.selectors.linked_residents)."""
    residents = [link.resident for link in links]
    known: dict[int, Whereabouts] = {}
    if residents:
        for provider in _whereabouts:
            for resident_id, whereabouts in provider(account, residents).items():
                current = known.get(resident_id)
                if current is None or whereabouts.rank > current.rank:
                    known[resident_id] = whereabouts
    return Situation(
        people=[
            Person(
                resident=link.resident,
                is_self=link.relation == ResidentLink.Relation.SELF,
                whereabouts=known.get(link.resident.pk),
            )
            for link in links
        ]
    )


# --- Links on the situation card ---------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    order: int = 50  # smaller first


LinkProvider = Callable[[Account, Situation], Sequence[Link]]

_links: list[LinkProvider] = []


def register_links(provider: LinkProvider) -> LinkProvider:
    if provider not in _links:
        _links.append(provider)
    return provider


def links_for(account: Account, situation: Situation) -> list[Link]:
    found = [link for provider in _links for link in provider(account, situation)]
    return sorted(found, key=lambda link: link.order)
