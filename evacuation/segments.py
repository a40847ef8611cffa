"""What evacuation adds to city-message segments: people sheltering outside a shelter
(the report's account and everyone registered in it), their needs, their pickups."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evacuation.models import Mobility, Need, OffShelterReport, PickupRequest
from lib.queries import json_list_holds
from messaging.segments import Condition
from residents.models import ResidentLink
from residents.segments import area_choices


def households(reports: Q) -> Q:
    """Accounts of these active reports: the one that made it and those who registered
    someone in it (a family member's phone)."""
    active = OffShelterReport.objects.filter(reports, status=OffShelterReport.Status.ACTIVE)
    people = ResidentLink.objects.filter(resident__off_shelter_reports__in=active)
    # One IN over a UNION, not two INs joined by OR: the database then starts from the
    # few matching reports instead of testing every account (bench/segments.py).
    return Q(pk__in=active.values("account").union(people.values("account"), all=True))


PICKUP_STATES = {
    "open": PickupRequest.OPEN,
    "in_transport": (PickupRequest.Status.PICKED_UP,),
}

CONDITIONS = [
    Condition(
        "off_shelter",
        _("避難所以外で避難中（町会を選ばないときは市内全域）"),
        build=lambda value: households(Q(area_id=int(value)) if value else Q()),
        choices=area_choices,
        any_value=True,
    ),
    Condition(
        "report_need",
        _("避難所以外で避難中で、支援ニーズがある"),
        build=lambda value: households(json_list_holds("needs", value)),
        choices=lambda: [(code, str(label)) for code, label in Need.choices],
    ),
    Condition(
        "pickup",
        _("送迎の依頼"),
        build=lambda value: households(
            Q(pk__in=PickupRequest.objects.filter(status__in=PICKUP_STATES[value]).values("report"))
        ),
        choices=lambda: [
            ("open", str(_("依頼中・対応中・移動中"))),
            ("in_transport", str(_("移動中（お迎え済み）"))),
        ],
    ),
    Condition(
        "mobility",
        _("送迎を頼んだ人の移動の状態（車いすなど）"),
        build=lambda value: households(
            Q(
                pk__in=PickupRequest.objects.filter(
                    status__in=PickupRequest.OPEN, mobility=value
                ).values("report")
            )
        ),
        choices=lambda: [(code, str(label)) for code, label in Mobility.choices],
    ),
]
