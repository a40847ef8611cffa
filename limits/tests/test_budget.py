"""A budget is spent and recorded in one step: a burst gets no more than a sequence."""

import datetime

import pytest
from django.db import connection

from hakobou.testing.concurrency import at_once
from limits.models import Counter
from limits.services import Budget, budget_refund, budget_spend, budget_used, counters_prune

FIVE_AN_HOUR = Budget("test", limit=5, window_seconds=3600)
NOON = datetime.datetime(2026, 12, 6, 3, 0, tzinfo=datetime.UTC)


def later(seconds: float) -> datetime.datetime:
    return NOON + datetime.timedelta(seconds=seconds)


@pytest.mark.django_db
def test_it_allows_the_limit_and_then_says_when_to_come_back():
    decisions = [budget_spend(FIVE_AN_HOUR, "ip:192.0.2.1", now=later(n)) for n in range(6)]
    assert [d.allowed for d in decisions] == [True] * 5 + [False]
    assert decisions[-1].retry_after == 3600 - 5


@pytest.mark.django_db
def test_each_key_has_its_own_budget_and_a_new_window_starts_afresh():
    for n in range(5):
        budget_spend(FIVE_AN_HOUR, "account:1", now=later(n))
    assert budget_spend(FIVE_AN_HOUR, "account:2", now=later(10)).allowed
    assert not budget_spend(FIVE_AN_HOUR, "account:1", now=later(10)).allowed
    assert budget_spend(FIVE_AN_HOUR, "account:1", now=later(3600)).allowed


@pytest.mark.django_db
def test_a_refund_gives_one_use_back():
    for n in range(5):
        budget_spend(FIVE_AN_HOUR, "account:1", now=later(n))
    budget_refund(FIVE_AN_HOUR, "account:1", now=later(6))
    assert budget_used(FIVE_AN_HOUR, "account:1", now=later(6)) == 4
    assert budget_spend(FIVE_AN_HOUR, "account:1", now=later(7)).allowed


@pytest.mark.django_db
def test_past_the_soft_limit_each_use_waits_twice_as_long():
    budget = Budget("test", limit=100, window_seconds=3600, soft=3, max_delay_seconds=8)
    assert all(budget_spend(budget, "ip:a", now=later(0)).allowed for _ in range(3))
    # The 4th waits 1 s after the 3rd, the 5th 2 s after the 4th, then 4 s, then 8 s (cap).
    assert not budget_spend(budget, "ip:a", now=later(0.5)).allowed
    assert budget_spend(budget, "ip:a", now=later(1)).allowed
    refused = budget_spend(budget, "ip:a", now=later(2))
    assert (refused.allowed, refused.retry_after) == (False, 1)
    assert budget_spend(budget, "ip:a", now=later(3)).allowed
    assert budget_spend(budget, "ip:a", now=later(7)).allowed
    assert not budget_spend(budget, "ip:a", now=later(14)).allowed
    assert budget_spend(budget, "ip:a", now=later(15)).allowed


@pytest.mark.django_db
def test_old_windows_are_pruned():
    budget_spend(FIVE_AN_HOUR, "ip:a", now=later(-3 * 86400))
    budget_spend(FIVE_AN_HOUR, "ip:a")
    assert counters_prune() == 1
    assert Counter.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_fifty_parallel_spends_get_exactly_the_limit():
    decisions = at_once(lambda _: budget_spend(FIVE_AN_HOUR, "ip:203.0.113.9"), range(50))
    assert sum(d.allowed for d in decisions) == 5
    assert budget_used(FIVE_AN_HOUR, "ip:203.0.113.9") == 5
