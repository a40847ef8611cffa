"""A check-in and a close at the same moment (PostgreSQL): whichever goes first, nobody is
left checked in at a closed shelter."""

import pytest
from django.db import connection

from hakobou.testing.concurrency import at_once
from shelters.models import Method, Shelter, Stay
from shelters.services import (
    CheckEveryoneOut,
    MoveEveryone,
    ShelterClosed,
    shelter_set_status,
    stay_check_in,
)
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency"),
]

ROUNDS = 8


def open_stays_at_closed_shelters():
    return Stay.objects.filter(
        checked_out_at__isnull=True, shelter__status=Shelter.Status.CLOSED
    ).count()


def test_a_check_in_during_a_close_leaves_nobody_at_the_closed_shelter():
    outcomes = set()
    for _ in range(ROUNDS):
        shelter = ShelterFactory()
        stay_check_in(resident=make_resident(), shelter=shelter, method=Method.POSTER_QR)
        arriving = make_resident("遅れて 来た")

        def work(what, shelter=shelter, arriving=arriving):
            if what == "close":
                shelter_set_status(
                    shelter=shelter,
                    status=Shelter.Status.CLOSED,
                    people_inside=CheckEveryoneOut(reason="訓練終了"),
                )
                return "closed"
            try:
                stay_check_in(resident=arriving, shelter=shelter, method=Method.PERSONAL_QR)
            except ShelterClosed:
                return "refused"
            return "checked_in"

        outcomes.add(tuple(sorted(at_once(work, ["close", "check-in"]))))
        assert Shelter.objects.get(pk=shelter.pk).status == Shelter.Status.CLOSED
        assert open_stays_at_closed_shelters() == 0
    # Both orders are fine; each leaves the shelter closed and empty.
    assert outcomes <= {("checked_in", "closed"), ("closed", "refused")}


def test_two_shelters_closing_into_each_other_at_once_do_not_deadlock():
    first, second = ShelterFactory(), ShelterFactory()
    for shelter in (first, second):
        stay_check_in(resident=make_resident(), shelter=shelter, method=Method.POSTER_QR)

    def close(pair):
        shelter, other = pair
        try:
            shelter_set_status(
                shelter=shelter, status=Shelter.Status.CLOSED, people_inside=MoveEveryone(to=other)
            )
        except Exception as refused:  # the other closed first: its people came here
            return type(refused).__name__
        return "closed"

    results = sorted(at_once(close, [(first, second), (second, first)]))
    # One closes and moves its people into the other; the other then refuses to move
    # them back into a closed shelter (a StatusChangeRefused, never a deadlock error).
    assert results == ["StatusChangeRefused", "closed"]
    assert open_stays_at_closed_shelters() == 0
    assert Stay.objects.filter(checked_out_at__isnull=True).count() == 2
