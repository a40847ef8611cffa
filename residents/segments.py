"""What residents adds to city-message segments (messaging.segments): the audience
(accounts, LINE or browser) and the conditions over people's own registration."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from lib.queries import json_list_holds
from messaging.segments import Audience, Condition
from residents.models import Account, CareConsideration, Resident, ResidentLink

AUDIENCE = Audience(
    queryset=lambda: Account.objects.filter(withdrawn_at=None),
    line_user_id="line_user_id",
    line_friend="line_friend",
)


def accounts_of(residents: Q) -> Q:
    """Accounts that registered someone matching ``residents`` (themselves or family)."""
    people = Resident.objects.filter(residents, withdrawn_at=None)
    return Q(pk__in=ResidentLink.objects.filter(resident__in=people).values("account"))


def accounts_of_ids(resident_ids: QuerySet) -> Q:
    """Accounts that registered one of these people, read from the links alone: a person
    who withdrew or was forgotten has no link left (residents.withdrawal)."""
    return Q(pk__in=ResidentLink.objects.filter(resident_id__in=resident_ids).values("account"))


def area_choices() -> list[tuple[str, str]]:
    return [(str(pk), name) for pk, name in Area.objects.order_by("code").values_list("pk", "name")]


CONDITIONS = [
    Condition("everyone", _("すべての人（登録の有無を問わない）"), build=lambda _value: Q()),
    Condition(
        "registered",
        _("住民登録をした人"),
        build=lambda _value: Q(pk__in=ResidentLink.objects.values("account")),
    ),
    Condition(
        "lives_in",
        _("住所の町会"),
        build=lambda value: accounts_of(Q(area_id=int(value))),
        choices=area_choices,
    ),
    Condition(
        "care",
        _("配慮事項"),
        # A JSON list holds quoted codes; icontains on its text works on every database.
        build=lambda value: accounts_of(json_list_holds("care", value)),
        choices=lambda: [(code, str(label)) for code, label in CareConsideration.choices],
    ),
    Condition(
        "vulnerable",
        _("避難行動要支援者"),
        build=lambda _value: accounts_of(Q(registry_person__needs_support=True)),
    ),
]
