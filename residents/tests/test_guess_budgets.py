"""Registry guesses are budgeted the way an attacker and a crowded shelter both behave:
per identity, per address (slowing before it stops), per helper, city-wide alarm."""

import datetime

import pytest
from django.db import connection
from django.test import TestCase, override_settings

from hakobou.testing.cast import BaseTestCase
from hakobou.testing.concurrency import at_once
from residents import budgets
from residents.models import Account, MatchAttempt
from residents.registration import Actor, MatchResult, registry_match
from residents.tests.factories import RegistryPersonFactory

BIRTH = datetime.date(1970, 3, 2)
SHELTER_WIFI = "203.0.113.50"


def guess(actor: Actor, day: int = 20) -> MatchResult:
    """A wrong guess (nobody is born on that day) unless ``day`` is 2."""
    return registry_match(
        actor=actor, kana="ハコダテ タロウ", birth_date=BIRTH.replace(day=day)
    ).result


class AddressBudgetTestCase(TestCase):
    def setUp(self):
        RegistryPersonFactory(name_kana="ハコダテ タロウ", birth_date=BIRTH)

    def person(self, n: int) -> Actor:
        account = Account.objects.create(line_user_id=f"U{n:032x}")
        return Actor(account=account, ip_address=SHELTER_WIFI)

    @override_settings(REGISTRY_ADDRESS_SOFT_FAILURES=3, REGISTRY_ADDRESS_MAX_FAILURES=5)
    def test_many_people_behind_one_address_are_slowed_before_they_are_stopped(self):
        results = [guess(self.person(n)) for n in range(3)]
        self.assertEqual(results, [MatchResult.NONE] * 3)
        # Past the soft limit the next guess from the address must wait a moment first.
        self.assertEqual(guess(self.person(3)), MatchResult.LOCKED)

    @override_settings(REGISTRY_ADDRESS_SOFT_FAILURES=50, REGISTRY_ADDRESS_MAX_FAILURES=50)
    def test_a_shelters_wifi_registers_two_hundred_people_with_some_typos(self):
        results = []
        for n in range(200):
            actor = self.person(n)
            if n % 5 == 0:  # one in five mistypes once first
                results.append(guess(actor))
            results.append(guess(actor, day=2))
        self.assertEqual(results.count(MatchResult.MATCHED), 200)
        self.assertNotIn(MatchResult.LOCKED, results)

    @override_settings(REGISTRY_ADDRESS_SOFT_FAILURES=2, REGISTRY_ADDRESS_MAX_FAILURES=2)
    def test_a_correct_guess_is_refused_once_the_address_is_stopped(self):
        guess(self.person(0))
        guess(self.person(1))
        self.assertEqual(guess(self.person(2), day=2), MatchResult.LOCKED)


class HelperBudgetTestCase(BaseTestCase):
    @override_settings(REGISTRY_ADDRESS_SOFT_FAILURES=1, REGISTRY_ADDRESS_MAX_FAILURES=1)
    def test_a_volunteer_is_not_locked_by_residents_failures_on_the_same_address(self):
        RegistryPersonFactory(name_kana="ハコダテ タロウ", birth_date=BIRTH, area=self.area_a)
        resident = Actor(account=Account.objects.create(), ip_address=SHELTER_WIFI)
        guess(resident)
        self.assertEqual(guess(resident, day=2), MatchResult.LOCKED)
        volunteer = Actor(user=self.volunteer_a, ip_address=SHELTER_WIFI)
        self.assertEqual(guess(volunteer, day=2), MatchResult.MATCHED)

    @override_settings(REGISTRY_HELPER_MAX_FAILURES=3)
    def test_a_helper_has_a_budget_of_their_own(self):
        volunteer = Actor(user=self.volunteer_a, ip_address=SHELTER_WIFI)
        self.assertEqual([guess(volunteer) for _ in range(4)][-1], MatchResult.LOCKED)
        other = Actor(user=self.volunteer_b, ip_address=SHELTER_WIFI)
        self.assertEqual(guess(other), MatchResult.NONE)


class CityAlarmTestCase(BaseTestCase):
    @override_settings(REGISTRY_ALARM_FAILURES_PER_MINUTE=3)
    def test_failures_across_the_city_raise_the_alarm_on_healthz_and_the_admin_index(self):
        for n in range(3):
            guess(Actor(account=Account.objects.create(), ip_address=f"198.51.100.{n}"))
        self.assertTrue(budgets.city_alarm_raised())
        health = self.client.get("/healthz").json()
        self.assertEqual(health["status"], "degraded")
        self.assertFalse(health["registry_guesses"]["ok"])
        self.client.force_login(self.staff)
        self.assertContains(self.client.get("/admin/"), "照合の失敗が急増しています")

    def test_no_alarm_on_a_quiet_day(self):
        self.assertFalse(budgets.city_alarm_raised())
        self.assertTrue(self.client.get("/healthz").json()["registry_guesses"]["ok"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@override_settings(REGISTRY_MATCH_MAX_FAILURES=5)
def test_fifty_parallel_guesses_from_one_identity_search_at_most_five_times():
    account = Account.objects.create(line_user_id="U" + "e" * 32)
    actor = Actor(account=account, ip_address=SHELTER_WIFI)
    results = at_once(lambda day: guess(actor, day=day % 27 + 3), range(50))
    assert results.count(MatchResult.NONE) == 5
    assert results.count(MatchResult.LOCKED) == 45
    assert MatchAttempt.objects.filter(result="none").count() == 5


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@override_settings(REGISTRY_ADDRESS_SOFT_FAILURES=10, REGISTRY_ADDRESS_MAX_FAILURES=100)
def test_fifty_parallel_guesses_from_new_identities_on_one_address_are_slowed():
    actors = [
        Actor(account=Account.objects.create(line_user_id=f"U{n:032x}"), ip_address=SHELTER_WIFI)
        for n in range(50)
    ]
    results = at_once(guess, actors)
    # Ten go through at once; then each must wait 1 s, 2 s, 4 s… after the one before.
    assert 10 <= results.count(MatchResult.NONE) <= 13
