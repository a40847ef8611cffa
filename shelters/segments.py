"""What shelters adds to city-message segments: who is checked in at a shelter now."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from messaging.segments import Condition
from residents.segments import accounts_of_ids
from shelters.models import Shelter, Stay


def _at_shelter(value: str | None) -> Q:
    # From the stays, not across Resident's reverse join: "checked_out_at is null" over
    # an outer join would also match people who never checked in anywhere.
    stays = Stay.objects.filter(checked_out_at__isnull=True)
    if value:
        stays = stays.filter(shelter_id=int(value))
    return accounts_of_ids(stays.values("resident"))


CONDITIONS = [
    Condition(
        "at_shelter",
        _("避難所に入所中（避難所を選ばないときは、どこかの避難所）"),
        build=_at_shelter,
        choices=lambda: [
            (str(pk), name)
            for pk, name in Shelter.objects.order_by("code").values_list("pk", "name")
        ],
        any_value=True,
    ),
]
