"""Closing a round calls off what was not delivered and releases its stock."""

import pytest

from supplies.deliveries import delivery_mark_delivered
from supplies.models import Delivery, LedgerEntry, Stock
from supplies.rounds import round_close
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_closing_releases_undelivered_reservations_and_keeps_deliveries_made(cast):
    round, _reports = open_round(cast.area_a, households=3)
    first = Delivery.objects.filter(round=round).order_by("pk").first()
    delivery_mark_delivered(delivery=first, user=cast.volunteer_a)
    stock = Stock.objects.get(depot=round.depot)
    assert (stock.on_hand, stock.reserved) == (998, 4)
    round_close(round=round, by_user=cast.staff)
    stock.refresh_from_db()
    assert (stock.on_hand, stock.reserved) == (998, 0)
    statuses = sorted(Delivery.objects.filter(round=round).values_list("status", flat=True))
    assert statuses == ["cancelled", "cancelled", "delivered"]
    round.refresh_from_db()
    assert round.status == "closed" and round.closed_at is not None
    # Twice is harmless.
    round_close(round=round, by_user=cast.staff)
    assert LedgerEntry.objects.filter(kind="issued").count() == 1
