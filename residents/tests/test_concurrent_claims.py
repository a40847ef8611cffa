"""Two volunteers press "claim" at the same moment: exactly one wins (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from hakobou.testing.cast import PASSWORD
from residents.evacuation import pickup_claim
from residents.models import PickupEvent
from residents.roles import Role
from residents.services import responder_upsert
from residents.tests.evacuation_helpers import family_report, request_pickup
from shelters.tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_second_volunteer_cannot_claim_a_claimed_pickup(cast):
    pickup = request_pickup(family_report(cast.area_a), ShelterFactory())
    volunteers = [cast.volunteer_a] + [
        responder_upsert(
            username=f"volunteer-a{n}", password=PASSWORD, role=Role.VOLUNTEER, areas=[cast.area_a]
        )
        for n in range(2, 5)
    ]
    barrier = threading.Barrier(len(volunteers))
    outcomes = []

    def claim(user):
        try:
            barrier.wait(timeout=10)
            outcomes.append((user.pk, pickup_claim(pickup=pickup, user=user)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [pk for pk, outcome in outcomes if outcome.won]
    assert len(outcomes) == len(volunteers) and len(winners) == 1
    # Everyone who lost was told who has it.
    assert {outcome.pickup.claimed_by_id for _, outcome in outcomes} == {winners[0]}
    assert PickupEvent.objects.filter(pickup=pickup, kind="claimed").count() == 1
