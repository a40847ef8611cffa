"""What shelters adds to the resident's page (/my/, residents.hub): who of the household
is at which shelter, and the links to わたしのQR and the shelter search."""

from __future__ import annotations

from collections.abc import Sequence

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from residents.hub import AT_SHELTER, Link, Situation, Whereabouts
from residents.models import Account, Resident
from shelters.selectors import open_stays_of

# Above "outside a shelter" (an older report), below "on the way in a pickup".
RANK = 20


def whereabouts(account: Account, residents: Sequence[Resident]) -> dict[int, Whereabouts]:
    return {
        stay.resident_id: Whereabouts(
            kind=AT_SHELTER,
            text=_("避難所「%(shelter)s」にいます（%(since)s から）。")
            % {
                "shelter": stay.shelter.name,
                "since": date_format(localtime(stay.checked_in_at), "n/j H:i"),
            },
            rank=RANK,
        )
        for stay in open_stays_of(residents)
    }


def links(account: Account, situation: Situation) -> list[Link]:
    return [
        Link(label=_("わたしのQR"), url=reverse("shelters:my-qr"), order=10),
        Link(label=_("避難所をさがす"), url=reverse("shelters:search"), order=20),
    ]
