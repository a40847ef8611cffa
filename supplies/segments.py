"""What supplies adds to city-message segments: households whose delivery in a round
has not arrived yet, or who said it did not."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evacuation.segments import households
from messaging.segments import Condition
from supplies.models import Delivery, DistributionRound


def _round_choices() -> list[tuple[str, str]]:
    rounds = DistributionRound.objects.exclude(status=DistributionRound.Status.DRAFT)
    return [(str(pk), name) for pk, name in rounds.values_list("pk", "name")]


def _deliveries(statuses) -> Callable[[str | None], Q]:
    def build(value: str | None) -> Q:
        reports = Delivery.objects.filter(round_id=int(value), status__in=statuses)
        return households(Q(pk__in=reports.values("report")))

    return build


CONDITIONS = [
    Condition(
        "supply_undelivered",
        _("配布ラウンドで、まだ届いていない世帯"),
        build=_deliveries(Delivery.TO_DELIVER),
        choices=_round_choices,
    ),
    Condition(
        "supply_disputed",
        _("配布ラウンドで「届いていない」と答えた世帯"),
        build=_deliveries([Delivery.Status.DISPUTED]),
        choices=_round_choices,
    ),
]
