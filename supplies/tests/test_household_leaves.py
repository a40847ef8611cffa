"""A household that stops sheltering where the delivery would go (reached a shelter,
went home, withdrew, dismissed): what was still to be brought is called off, its stock
released; what was brought stays, without the household's own words."""

import pytest

from evacuation.moderation import report_dismiss
from evacuation.services import report_end
from residents.withdrawal import account_withdraw
from supplies.deliveries import (
    Answer,
    deliveries_take,
    delivery_answer,
    delivery_mark_delivered,
)
from supplies.models import Delivery, DeliveryEvent, Stock
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db(transaction=True)


def reserved(round) -> int:
    return Stock.objects.get(depot=round.depot).reserved


def test_going_home_calls_off_a_delivery_still_to_come(cast):
    round, (report,) = open_round(cast.area_a, households=1)
    deliveries_take(round=round, user=cast.volunteer_a)
    report_end(report=report, reason="returned_home")
    delivery = Delivery.objects.get(round=round)
    assert (delivery.status, delivery.claimed_by) == ("cancelled", None)
    assert reserved(round) == 0
    event = DeliveryEvent.objects.get(delivery=delivery, kind="cancelled")
    assert event.via == "report_ended:returned_home"


def test_a_dismissed_report_calls_off_its_delivery(cast):
    round, (report,) = open_round(cast.area_a, households=1)
    report_dismiss(report=report, user=cast.volunteer_a)
    assert Delivery.objects.get(round=round).status == "cancelled"
    assert reserved(round) == 0


def test_a_delivery_already_brought_stays_when_the_household_leaves(cast):
    round, (report, _neighbour) = open_round(cast.area_a, households=2)
    delivered = delivery_mark_delivered(
        delivery=Delivery.objects.get(round=round, report=report), user=cast.volunteer_a
    )
    report_end(report=report, reason="reached_shelter")
    assert Delivery.objects.get(pk=delivered.pk).status == "delivered"
    assert reserved(round) == 2  # the other household's


def test_withdrawal_keeps_the_delivery_and_forgets_what_the_household_wrote(cast):
    round, (report,) = open_round(cast.area_a, households=1)
    delivery = delivery_mark_delivered(
        delivery=Delivery.objects.get(round=round), user=cast.volunteer_a
    )
    delivery_answer(
        delivery_id=delivery.pk,
        account=report.account,
        answer=Answer.NOT_RECEIVED,
        via="web",
        note="水が足りません。090-0000-0000 まで",
    )
    account_withdraw(account=report.account)
    current = Delivery.objects.get(pk=delivery.pk)
    assert (current.status, current.dispute_note) == ("disputed", "")
    assert not DeliveryEvent.objects.filter(note__contains="090").exists()
