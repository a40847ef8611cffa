"""A delivery's steps at the door: take a batch, deliver (all or part), not home,
refused, release, hand over, expiry; each one outcome, with the stock following."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD
from hakobou.testing.concurrency import at_once
from lib.roles import Role
from supplies.deliveries import (
    BadQuantities,
    DeliveryError,
    NotAllowed,
    NothingToTake,
    batch_hand_over,
    deliveries_expire_claims,
    deliveries_take,
    delivery_mark_delivered,
    delivery_mark_not_home,
    delivery_mark_refused,
    delivery_release,
)
from supplies.models import Delivery, DeliveryEvent, LedgerEntry, Stock
from supplies.tests.supply_helpers import item, open_round

pytestmark = pytest.mark.django_db(transaction=True)


def stock(round) -> tuple[int, int]:
    row = Stock.objects.get(depot=round.depot)
    return row.on_hand, row.reserved


def test_taking_a_batch_holds_the_nearest_deliveries_in_walking_order(cast):
    round, reports = open_round(cast.area_a, households=4)
    start = (reports[3].latitude, reports[3].longitude)
    outcome = deliveries_take(round=round, user=cast.volunteer_a, count=2, start=start)
    assert [d.report_id for d in outcome.taken] == [reports[3].pk, reports[2].pk]
    assert all(d.status == "out" and d.claimed_by == cast.volunteer_a for d in outcome.taken)
    assert {d.batch_id for d in outcome.taken} == {outcome.batch.pk}
    # What someone holds is not taken again.
    again = deliveries_take(round=round, user=cast.staff, count=10, start=start)
    assert {d.report_id for d in again.taken} == {reports[0].pk, reports[1].pk}
    with pytest.raises(NothingToTake):
        deliveries_take(round=round, user=cast.staff, count=10)


def test_a_volunteer_of_another_area_takes_nothing_and_may_not_deliver(cast):
    round, _ = open_round(cast.area_a, households=1)
    with pytest.raises(NothingToTake):
        deliveries_take(round=round, user=cast.volunteer_b)
    delivery = Delivery.objects.get(round=round)
    with pytest.raises(NotAllowed):
        delivery_mark_delivered(delivery=delivery, user=cast.volunteer_b)
    denied = DeliveryEvent.objects.get(kind="denied")
    assert (denied.delivery, denied.by_user) == (delivery, cast.volunteer_b)
    assert Delivery.objects.get(pk=delivery.pk).status == "pending"


def test_a_partial_delivery_issues_what_was_handed_and_frees_the_rest(cast):
    round, _ = open_round(cast.area_a, households=1)
    water = item()
    delivery = deliveries_take(round=round, user=cast.volunteer_a).taken[0]
    assert stock(round) == (1000, 2)
    delivered = delivery_mark_delivered(
        delivery=delivery, user=cast.volunteer_a, quantities={water.pk: 1}
    )
    assert delivered.status == "delivered" and delivered.delivered == {str(water.pk): 1}
    assert stock(round) == (999, 0)
    entry = LedgerEntry.objects.get(kind="issued")
    assert (entry.quantity, entry.balance_after, entry.delivery) == (-1, 999, delivered)


def test_quantities_must_be_within_what_was_planned(cast):
    round, _ = open_round(cast.area_a, households=1)
    water = item()
    delivery = Delivery.objects.get(round=round)
    for wrong in ({water.pk: 3}, {water.pk: -1}, {water.pk: 0}, {999999: 1}, {water.pk: "2"}):
        with pytest.raises(BadQuantities):
            delivery_mark_delivered(delivery=delivery, user=cast.volunteer_a, quantities=wrong)
    assert Delivery.objects.get(pk=delivery.pk).status == "pending"


def test_marking_delivered_twice_issues_once(cast):
    round, _ = open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get(round=round)
    delivery_mark_delivered(delivery=delivery, user=cast.volunteer_a)
    with pytest.raises(DeliveryError) as again:
        delivery_mark_delivered(delivery=delivery, user=cast.volunteer_a)
    assert again.value.delivery.status == "delivered"
    assert LedgerEntry.objects.filter(kind="issued").count() == 1


def test_someone_elses_hold_is_theirs_until_it_lapses(cast):
    round, _ = open_round(cast.area_a, households=1)
    other = responder_upsert(
        username="volunteer-a2", password=PASSWORD, role=Role.VOLUNTEER, areas=[cast.area_a]
    )
    delivery = deliveries_take(round=round, user=cast.volunteer_a).taken[0]
    with pytest.raises(DeliveryError):
        delivery_mark_delivered(delivery=delivery, user=other)
    later = timezone.now() + datetime.timedelta(hours=4)
    assert delivery_mark_delivered(delivery=delivery, user=other, now=later).delivered_by == other


def test_not_home_goes_back_to_the_pool_with_the_stock_still_set_aside(cast):
    round, _ = open_round(cast.area_a, households=1)
    delivery = deliveries_take(round=round, user=cast.volunteer_a).taken[0]
    current = delivery_mark_not_home(delivery=delivery, user=cast.volunteer_a, note="留守")
    assert (current.status, current.claimed_by) == ("not_home", None)
    assert stock(round) == (1000, 2)
    retaken = deliveries_take(round=round, user=cast.volunteer_a).taken
    assert [d.pk for d in retaken] == [delivery.pk]


def test_a_refusal_releases_the_reservation(cast):
    round, _ = open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get(round=round)
    delivery_mark_refused(delivery=delivery, user=cast.volunteer_a, note="足りている")
    assert stock(round) == (1000, 0)


def test_release_and_hand_over_move_the_hold(cast):
    round, _ = open_round(cast.area_a, households=2)
    other = responder_upsert(
        username="volunteer-a2", password=PASSWORD, role=Role.VOLUNTEER, areas=[cast.area_a]
    )
    outcome = deliveries_take(round=round, user=cast.volunteer_a)
    first, second = outcome.taken
    delivery_release(delivery=first, user=cast.volunteer_a)
    assert Delivery.objects.get(pk=first.pk).status == "pending"
    with pytest.raises(NotAllowed):
        batch_hand_over(batch=outcome.batch, user=cast.volunteer_a, to_user=cast.volunteer_b)
    assert batch_hand_over(batch=outcome.batch, user=cast.volunteer_a, to_user=other) == 1
    assert Delivery.objects.get(pk=second.pk).claimed_by == other


def test_lapsed_holds_return_to_the_pool(cast):
    round, _ = open_round(cast.area_a, households=1)
    deliveries_take(round=round, user=cast.volunteer_a)
    assert deliveries_expire_claims() == 0
    later = timezone.now() + datetime.timedelta(hours=4)
    assert deliveries_expire_claims(now=later) == 1
    assert Delivery.objects.get(round=round).status == "pending"
    assert DeliveryEvent.objects.filter(kind="expired").count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_two_volunteers_marking_the_same_delivery_give_one_outcome(cast):
    round, _ = open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get(round=round)
    volunteers = [cast.volunteer_a, cast.staff] + [
        responder_upsert(
            username=f"volunteer-a{n}", password=PASSWORD, role=Role.VOLUNTEER, areas=[cast.area_a]
        )
        for n in range(2, 5)
    ]

    def deliver(user):
        try:
            delivery_mark_delivered(delivery=delivery, user=user)
            return True
        except DeliveryError:
            return False

    assert at_once(deliver, volunteers).count(True) == 1
    assert LedgerEntry.objects.filter(kind="issued").count() == 1
    assert stock(round) == (998, 0)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_volunteers_taking_batches_at_once_never_share_a_delivery(cast):
    round, _ = open_round(cast.area_a, households=6)
    volunteers = [cast.volunteer_a] + [
        responder_upsert(
            username=f"volunteer-a{n}", password=PASSWORD, role=Role.VOLUNTEER, areas=[cast.area_a]
        )
        for n in range(2, 6)
    ]

    def take(user):
        try:
            return [d.pk for d in deliveries_take(round=round, user=user, count=3).taken]
        except NothingToTake:
            return []

    taken = [pk for batch in at_once(take, volunteers) for pk in batch]
    assert len(taken) == len(set(taken)) == 6
