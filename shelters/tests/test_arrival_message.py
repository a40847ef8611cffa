"""A check-in tells the person's LINE accounts where they arrived, once per arrival."""

import time
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from hakobou.testing.broker import broker_in_memory
from hakobou.testing.concurrency import at_once
from messaging import simulator
from messaging.friends import line_friend_blocked, line_friend_followed
from messaging.models import OutboxMessage
from messaging.tests.webhook_helpers import inbox
from residents.models import Account, ResidentLink
from shelters import follow_ups
from shelters.follow_ups import arrival_follow_ups
from shelters.models import Method, PresenceEvent
from shelters.services import stay_check_in, stay_check_out, stay_transfer
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def family():
    """A resident registered through LINE, and a daughter's LINE account linked as family."""
    me = simulator.simulated_user_create(display_name="避難 花子")
    daughter = simulator.simulated_user_create(display_name="娘", language="en")
    resident = make_resident("避難 花子")
    own = resident.links.get().account
    own.line_user_id = me.user_id
    own.save()
    line_friend_followed(user_id=me.user_id, language="ja")
    other = Account.objects.create(line_user_id=daughter.user_id)
    line_friend_followed(user_id=daughter.user_id, language="en")
    ResidentLink.objects.create(account=other, resident=resident, relation="family")
    return resident, me, daughter


def check_in(resident, shelter):
    return stay_check_in(resident=resident, shelter=shelter, method=Method.PERSONAL_QR)


def test_both_accounts_hear_of_the_arrival_in_their_language(family):
    resident, me, daughter = family
    check_in(resident, ShelterFactory(name="青柳小学校 体育館"))
    (mine,) = inbox(me)
    assert mine.startswith("避難所「青柳小学校 体育館」に到着しました")
    (hers,) = inbox(daughter)
    assert hers.startswith("避難 花子 has arrived at 青柳小学校 体育館")


def test_the_person_is_told_in_the_second_person_and_family_by_name(family):
    resident, me, daughter = family
    line_friend_followed(user_id=daughter.user_id, language="ja")
    check_in(resident, ShelterFactory(name="青柳小学校 体育館"))
    (mine,) = inbox(me)
    assert "避難 花子" not in mine and "さんが" not in mine
    (hers,) = inbox(daughter)
    assert hers.startswith("避難 花子 さんが「青柳小学校 体育館」に到着しました")


def test_a_double_scan_sends_nothing_more(family):
    resident, me, _ = family
    shelter = ShelterFactory()
    check_in(resident, shelter)
    check_in(resident, shelter)
    assert len(inbox(me)) == 1


def test_a_transfer_is_an_arrival_and_a_check_out_is_not(family):
    resident, me, _ = family
    check_in(resident, ShelterFactory())
    stay_transfer(resident=resident, to_shelter=ShelterFactory(name="函館公園"))
    stay_check_out(resident=resident)
    messages = inbox(me)
    assert len(messages) == 2
    assert "「函館公園」に到着しました" in messages[1]


def test_an_account_that_blocked_the_city_is_not_messaged(family):
    resident, me, daughter = family
    line_friend_blocked(user_id=daughter.user_id)
    check_in(resident, ShelterFactory())
    assert len(inbox(me)) == 1
    assert inbox(daughter) == []


def test_someone_without_line_is_checked_in_without_a_message():
    resident = make_resident()
    outcome = check_in(resident, ShelterFactory())
    assert outcome.stay.pk
    assert not OutboxMessage.objects.exists()


# --- Written after the check-in, not in it ------------------------------------------------


@pytest.fixture
def publishes():
    """Names of the tasks published (to a broker nobody consumes: nothing runs inline),
    by a process that has woken no task yet."""
    cache.delete(follow_ups._WAKE_KEY)
    follow_ups._cover.until = 0.0
    with broker_in_memory() as names:
        yield names
    follow_ups._cover.until = 0.0


@pytest.fixture
def cache_calls():
    """The cache as the wake-up sees it, recording its calls."""
    with mock.patch.object(follow_ups, "cache", mock.Mock(wraps=cache)) as recorded:
        yield recorded


@pytest.fixture
def clock():
    """The wake-up's clock, stopped: a test moves it on (``clock.time.return_value``)."""
    with mock.patch.object(follow_ups, "time", mock.Mock(wraps=time)) as mocked:
        mocked.time.return_value = time.time()
        yield mocked


def test_the_check_in_commits_without_the_notice_and_a_task_writes_it(family, publishes):
    resident, _, _ = family
    cache.delete(follow_ups._WAKE_KEY)
    outcome = check_in(resident, ShelterFactory(name="函館公園"))
    assert outcome.result == "checked_in"
    assert not OutboxMessage.objects.exists()
    assert PresenceEvent.objects.get(resident=resident).follow_up_due
    assert publishes == ["shelters.tasks.arrival_follow_ups_task"]

    assert arrival_follow_ups() == 1  # what the task (or the sweep) does
    assert set(OutboxMessage.objects.values_list("dedupe_key", flat=True)) == {
        f"presence:{PresenceEvent.objects.get(resident=resident).pk}:ja",  # their own
        f"presence:{PresenceEvent.objects.get(resident=resident).pk}:family:en",
    }
    assert not PresenceEvent.objects.get(resident=resident).follow_up_due
    assert arrival_follow_ups() == 0
    assert OutboxMessage.objects.count() == 2


def test_many_arrivals_in_a_moment_wake_one_task_that_writes_every_notice(publishes, clock):
    cache.delete(follow_ups._WAKE_KEY)
    shelter = ShelterFactory()
    people = []
    for n in range(5):
        resident = make_resident(f"避難 {n}郎")
        account = resident.links.get().account
        account.line_user_id = f"U{n:032x}"
        account.save()
        line_friend_followed(user_id=account.line_user_id)
        people.append(resident)
        check_in(resident, shelter)
    assert publishes == ["shelters.tasks.arrival_follow_ups_task"]
    assert arrival_follow_ups(batch=2) == 5  # in batches, until none is left
    assert OutboxMessage.objects.count() == 5
    assert publishes.count("messaging.tasks.outbox_deliver_task") == 5
    # The task cleared the wake-up: an arrival after it started wakes a task of its own.
    clock.time.return_value += settings.ARRIVAL_FOLLOW_UP_DELAY_SECONDS
    check_in(make_resident("避難 六郎"), shelter)
    assert publishes.count("shelters.tasks.arrival_follow_ups_task") == 2


def test_arrivals_before_the_queued_task_starts_need_no_round_trip_to_the_cache(
    publishes, cache_calls, clock
):
    shelter = ShelterFactory()
    check_in(make_resident("避難 一郎"), shelter)
    assert cache_calls.add.call_count == 1
    for n in range(4):
        check_in(make_resident(f"避難 {n}太"), shelter)
    assert cache_calls.add.call_count == 1  # the task queued will read these too
    assert publishes == ["shelters.tasks.arrival_follow_ups_task"]
    # Shortly before the task's start (a margin for clocks that differ) they wake again;
    # that task is still pending, so no second one is queued.
    clock.time.return_value += 0.4  # still well before
    check_in(make_resident("避難 三太"), shelter)
    assert cache_calls.add.call_count == 1
    clock.time.return_value += 0.1
    check_in(make_resident("避難 二郎"), shelter)
    assert cache_calls.add.call_count == 2
    assert publishes == ["shelters.tasks.arrival_follow_ups_task"]
    assert PresenceEvent.objects.filter(follow_up_due=True).count() == 7
    assert arrival_follow_ups() == 7


def test_a_process_that_finds_a_task_on_its_way_is_covered_until_it_starts(
    publishes, cache_calls, clock
):
    # Another web process queued a task that starts in 5 s.
    cache.set(follow_ups._WAKE_KEY, clock.time() + 5, timeout=30)
    shelter = ShelterFactory()
    check_in(make_resident("避難 一郎"), shelter)
    check_in(make_resident("避難 二郎"), shelter)
    assert (cache_calls.add.call_count, cache_calls.get.call_count) == (1, 1)
    assert publishes == []
    # A key whose task should have started long ago covers nothing.
    cache.set(follow_ups._WAKE_KEY, clock.time() - 60, timeout=30)
    clock.time.return_value += 5
    check_in(make_resident("避難 三郎"), shelter)
    check_in(make_resident("避難 四郎"), shelter)
    assert (cache_calls.add.call_count, cache_calls.get.call_count) == (3, 3)


def test_tasks_run_inline_leave_no_cover(cache_calls):
    # Tests and `make run` without Redis run the task at once: each arrival wakes it.
    cache.delete(follow_ups._WAKE_KEY)
    shelter = ShelterFactory()
    for n in range(3):
        check_in(make_resident(f"避難 {n}郎"), shelter)
    assert cache_calls.add.call_count == 3
    assert not PresenceEvent.objects.filter(follow_up_due=True).exists()


def test_a_pickup_arrival_has_no_notice_of_its_own(family, publishes):
    resident, _, _ = family
    stay_check_in(resident=resident, shelter=ShelterFactory(), method=Method.PICKUP_ARRIVAL)
    assert arrival_follow_ups() == 1
    assert not OutboxMessage.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
def test_two_workers_at_once_write_each_notice_once(publishes):
    shelter = ShelterFactory()
    for n in range(40):
        resident = make_resident(f"避難 {n}")
        account = resident.links.get().account
        account.line_user_id = f"U{n:032x}"
        account.save()
        line_friend_followed(user_id=account.line_user_id)
        check_in(resident, shelter)
    handled = at_once(lambda _: arrival_follow_ups(batch=5), range(2), timeout=60)
    assert sum(handled) == 40
    assert OutboxMessage.objects.filter(purpose="shelter_arrival").count() == 40
    assert not PresenceEvent.objects.filter(follow_up_due=True).exists()


def test_one_arrival_that_cannot_be_followed_up_holds_up_no_other(family, publishes):
    resident, _, _ = family
    other = make_resident("避難 次郎")
    shelter = ShelterFactory()
    check_in(other, shelter)
    check_in(resident, shelter)
    broken = PresenceEvent.objects.get(resident=other)
    real = follow_ups._notify_arrival

    def notify(event, accounts):
        if event.pk == broken.pk:
            raise RuntimeError("something unforeseen")
        real(event, accounts)

    with mock.patch.object(follow_ups, "_notify_arrival", notify):
        assert arrival_follow_ups(batch=1) == 1
    assert PresenceEvent.objects.get(pk=broken.pk).follow_up_due  # the next sweep retries
    assert not PresenceEvent.objects.get(resident=resident).follow_up_due
    assert OutboxMessage.objects.filter(purpose="shelter_arrival").count() == 2  # ja + en
    assert arrival_follow_ups() == 1  # and once the cause is gone, it goes through
