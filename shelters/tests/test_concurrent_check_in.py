"""Two reception devices check the same person in at the same moment (PostgreSQL)."""

import pytest
from django.db import connection

from hakobou.testing.concurrency import at_once
from shelters.models import Method, PresenceEvent, Stay
from shelters.services import CheckInResult, stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_two_devices_at_once_make_exactly_one_stay():
    shelter = ShelterFactory()
    resident = make_resident()
    results = at_once(
        lambda _: (
            stay_check_in(resident=resident, shelter=shelter, method=Method.PERSONAL_QR).result
        ),
        range(2),
    )
    assert sorted(results) == [CheckInResult.ALREADY_HERE, CheckInResult.CHECKED_IN]
    assert Stay.objects.filter(resident=resident).count() == 1
    assert PresenceEvent.objects.filter(resident=resident).count() == 1
