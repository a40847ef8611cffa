"""Two volunteers press "claim" at the same moment: exactly one wins (PostgreSQL)."""

import pytest
from django.db import connection

from areas.services import responder_upsert
from evacuation.models import PickupEvent
from evacuation.services import pickup_claim
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.cast import PASSWORD
from hakobou.testing.concurrency import at_once
from lib.roles import Role
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
    outcomes = at_once(lambda user: (user.pk, pickup_claim(pickup=pickup, user=user)), volunteers)
    winners = [pk for pk, outcome in outcomes if outcome.won]
    assert len(outcomes) == len(volunteers) and len(winners) == 1
    # Everyone who lost was told who has it.
    assert {outcome.pickup.claimed_by_id for _, outcome in outcomes} == {winners[0]}
    assert PickupEvent.objects.filter(pickup=pickup, kind="claimed").count() == 1
