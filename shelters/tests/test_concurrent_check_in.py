"""Two reception devices check the same person in at the same moment (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections

from shelters.models import Method, PresenceEvent, Stay
from shelters.services import CheckInResult, stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_two_devices_at_once_make_exactly_one_stay():
    shelter = ShelterFactory()
    resident = make_resident()
    barrier = threading.Barrier(2)
    results = []

    def scan():
        try:
            barrier.wait(timeout=10)
            outcome = stay_check_in(resident=resident, shelter=shelter, method=Method.PERSONAL_QR)
            results.append(outcome.result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [CheckInResult.ALREADY_HERE, CheckInResult.CHECKED_IN]
    assert Stay.objects.filter(resident=resident).count() == 1
    assert PresenceEvent.objects.filter(resident=resident).count() == 1
