"""Enumerating residents by guessing (#18): an attacker who rotates what they can rotate —
a new browser identity (/my/web/) and session for each guess, new LINE accounts, any
X-Forwarded-For they like — still gets no more guesses at the registry than one
address's budget, every failed guess is counted city-wide, and nothing in the answer
(its words, the SQL it ran) tells a near miss from a miss.

The budgets' own rules are specified in residents/tests/test_guess_budgets.py and
test_match_rate_limit.py; these tests drive the pages as a script would."""

from __future__ import annotations

import datetime
import itertools
import re
import statistics
import time
from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hakobou.testing import figures
from limits.models import Counter
from messaging import simulator
from residents import budgets
from residents.models import MatchAttempt
from residents.registration import Actor, MatchResult, registry_match
from residents.tests.factories import RegistryPersonFactory

pytestmark = pytest.mark.django_db

KANA = "ハコダテ タロウ"
BIRTH = datetime.date(1970, 3, 2)  # 昭和45年3月2日
ATTACKER = "203.0.113.66"
PROXY = "127.0.0.1"
WRONG_CODE = "AAAA-BBBB-CCCC-DDDD"


@pytest.fixture
def person(cast):
    return RegistryPersonFactory(name_kana=KANA, birth_date=BIRTH, area=cast.area_a)


@pytest.fixture
def budgets_small(settings):
    settings.REGISTRY_MATCH_MAX_FAILURES = 3
    settings.REGISTRY_ADDRESS_SOFT_FAILURES = 4
    settings.REGISTRY_ADDRESS_MAX_FAILURES = 6
    settings.REGISTRY_HELPER_MAX_FAILURES = 5
    settings.RECOVERY_MAX_FAILURES = 4
    # High, so what stops the script is the registry's budget, not the door before it.
    settings.WEB_IDENTITIES_PER_ADDRESS = 100
    return settings


def web_identity(**headers) -> Client:
    """A new browser, a new identity without LINE: nothing kept from the last guess."""
    client = Client(**headers)
    client.post("/my/web/")
    return client


def line_identity(**headers) -> Client:
    """A new browser signed in as a new LINE user (the simulator issues its ID token)."""
    client = Client(**headers)
    user = simulator.simulated_user_create(display_name="試し 太郎")
    client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
    return client


def guess(client: Client, *, prefix: str = "/my/", kana: str = KANA, day: int = 2):
    """One guess through the wizard's pages; answers the result page."""
    if prefix == "/my/":
        client.post("/my/register/consent/", {"agree": "on"})
    client.get(f"{prefix}register/?restart=1")
    client.post(f"{prefix}register/kana/", {"kana": kana})
    client.post(f"{prefix}register/birth/", {"era": "昭和", "year": 45, "month": 3, "day": day})
    return client.get(f"{prefix}register/result/")


def reached_registry() -> int:
    """Guesses that were searched for (a locked one is refused before the search)."""
    return MatchAttempt.objects.exclude(result=MatchAttempt.Result.LOCKED).count()


def masked(page: bytes) -> str:
    """A page without what differs from one answer to the next by design (CSRF tokens,
    nonces, session-bound values)."""
    text = page.decode()
    text = re.sub(r'(csrfmiddlewaretoken" value=|nonce=|content=)"[^"]*"', r"\1?", text)
    return re.sub(r"[A-Za-z0-9_\-]{24,}", "?", text)


def sql_shape(queries: list[dict]) -> list[str]:
    """The statements run, without their values."""
    shapes = []
    for query in queries:
        sql = re.sub(r'"s\d+_x\d+"', "?", query["sql"])  # savepoint names
        sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
        sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
        shapes.append(re.sub(r"\(\?(, \?)*\)", "(…)", sql))
    return shapes


# --- Rotating identities ---------------------------------------------------------------


def rotate(identities: Callable[[int], Client], rounds: int) -> int:
    """The script: each round a new identity, one wrong birth date; returns how many
    guesses reached the registry."""
    for n in range(rounds):
        guess(identities(n), day=3 + n % 25)
    figures.count("enumeration: identities rotated", rounds)
    reached = reached_registry()
    figures.count("enumeration: guesses that reached the registry under rotation", reached)
    return reached


def test_new_web_identities_for_each_guess_get_no_more_than_the_address_budget(
    person, budgets_small
):
    reached = rotate(lambda n: web_identity(REMOTE_ADDR=ATTACKER), rounds=15)
    assert reached >= budgets_small.REGISTRY_ADDRESS_SOFT_FAILURES
    assert reached <= budgets_small.REGISTRY_ADDRESS_MAX_FAILURES
    assert MatchAttempt.objects.filter(result=MatchAttempt.Result.LOCKED).count() == 15 - reached


def test_new_line_accounts_and_web_identities_share_the_address_budget(person, budgets_small):
    kinds = itertools.cycle([web_identity, line_identity])
    reached = rotate(lambda n: next(kinds)(REMOTE_ADDR=ATTACKER), rounds=15)
    assert reached <= budgets_small.REGISTRY_ADDRESS_MAX_FAILURES
    # Every failed guess counts city-wide, whoever made it (in one or two minutes' windows).
    city = Counter.objects.filter(scope=budgets.city_failures().scope, key="city")
    assert city.aggregate(total=Sum("used"))["total"] == reached


def test_a_made_up_forwarded_for_is_not_read_without_a_trusted_proxy(person, budgets_small):
    budgets_small.TRUSTED_PROXIES = 0
    reached = rotate(
        lambda n: web_identity(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"),
        rounds=15,
    )
    assert reached <= budgets_small.REGISTRY_ADDRESS_MAX_FAILURES
    addresses = set(MatchAttempt.objects.values_list("ip_address", flat=True))
    assert addresses == {ATTACKER}


def test_behind_the_trusted_proxy_only_the_address_it_wrote_counts(person, budgets_small):
    """The attacker writes any X-Forwarded-For; the city's proxy appends the address the
    request really came from, and only that one is read."""
    budgets_small.TRUSTED_PROXIES = 1
    reached = rotate(
        lambda n: line_identity(
            REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, {ATTACKER}"
        ),
        rounds=15,
    )
    assert reached <= budgets_small.REGISTRY_ADDRESS_MAX_FAILURES
    assert set(MatchAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_a_helper_switching_sessions_and_addresses_keeps_one_budget(cast, person, budgets_small):
    """/dashboard/register/: a volunteer's budget is theirs, wherever they sign in from."""
    budgets_small.TRUSTED_PROXIES = 1
    for n in range(12):
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        client.force_login(cast.volunteer_a)
        guess(client, prefix="/dashboard/", day=3 + n)
    figures.count("enumeration: identities rotated", 12)
    reached = reached_registry()
    figures.count("enumeration: guesses that reached the registry under rotation", reached)
    assert reached == budgets_small.REGISTRY_HELPER_MAX_FAILURES


def test_recovery_codes_from_new_sessions_and_forwarded_for_stay_capped(budgets_small):
    for n in range(12):
        client = Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        client.post("/my/recover/", {"code": WRONG_CODE})
    figures.count("enumeration: identities rotated", 12)
    looked_up = MatchAttempt.objects.filter(account=None, user=None).count()
    figures.count("enumeration: guesses that reached the registry under rotation", looked_up)
    assert looked_up == budgets_small.RECOVERY_MAX_FAILURES


# --- Nothing tells a near miss from a miss ----------------------------------------------


def test_once_locked_a_right_guess_reads_exactly_as_a_wrong_one(person, budgets_small):
    client = web_identity(REMOTE_ADDR=ATTACKER)
    for day in range(3, 3 + budgets_small.REGISTRY_MATCH_MAX_FAILURES):
        guess(client, day=day)
    right = guess(client, day=BIRTH.day)
    wrong = guess(client, kana="ダレモ イナイ", day=BIRTH.day)
    assert "しばらく時間をおいて" in right.content.decode()
    assert masked(right.content) == masked(wrong.content)


def test_a_volunteer_finds_someone_of_another_area_as_they_find_nobody(cast, budgets_small):
    RegistryPersonFactory(name_kana=KANA, birth_date=BIRTH, area=cast.area_b)
    client = Client(REMOTE_ADDR=ATTACKER)
    client.force_login(cast.volunteer_a)
    guess(client, prefix="/dashboard/", kana="ダレモ イナイ")  # counters exist from here on
    with CaptureQueriesContext(connection) as elsewhere_queries:
        elsewhere = guess(client, prefix="/dashboard/")
    with CaptureQueriesContext(connection) as nobody_queries:
        nobody = guess(client, prefix="/dashboard/", kana="ダレモ イナイ")
    assert "見つかりませんでした" in nobody.content.decode()
    assert masked(elsewhere.content) == masked(nobody.content)
    assert sql_shape(elsewhere_queries.captured_queries) == sql_shape(
        nobody_queries.captured_queries
    )


def test_a_wrong_birth_date_runs_the_same_queries_as_an_unknown_name(person, budgets_small):
    client = web_identity(REMOTE_ADDR=ATTACKER)
    guess(client, kana="ダレモ イナイ")  # counters exist from here on
    with CaptureQueriesContext(connection) as near_queries:
        near = guess(client, day=BIRTH.day + 1)
    with CaptureQueriesContext(connection) as far_queries:
        far = guess(client, kana="ダレモ イナイ")
    assert masked(near.content) == masked(far.content)
    assert sql_shape(near_queries.captured_queries) == sql_shape(far_queries.captured_queries)


def test_once_locked_a_right_recovery_code_reads_exactly_as_a_wrong_one(budgets_small):
    owner = web_identity(REMOTE_ADDR="198.51.100.200")
    code = owner.get("/my/web/code/").context["code"]
    attacker = Client(REMOTE_ADDR=ATTACKER)
    for _ in range(budgets_small.RECOVERY_MAX_FAILURES):
        attacker.post("/my/recover/", {"code": WRONG_CODE})
    right = attacker.post("/my/recover/", {"code": code})
    wrong = attacker.post("/my/recover/", {"code": WRONG_CODE})
    assert right.status_code == wrong.status_code == 200
    assert "試行回数が多すぎます" in right.content.decode()
    # The form shows back what was typed; the rest must be the same.
    assert masked(right.content.replace(code.encode(), b"?")) == masked(
        wrong.content.replace(WRONG_CODE.encode(), b"?")
    )


def test_median_time_of_a_near_miss_and_a_miss_is_counted(cast, person, settings):
    """Counted as figures only: a wall-clock threshold would make a flaky test."""
    settings.REGISTRY_HELPER_MAX_FAILURES = 1000
    actor = Actor(user=cast.staff, ip_address=ATTACKER)
    timings: dict[str, list[float]] = {"near": [], "far": []}
    for _ in range(15):
        for name, kana, day in (("near", KANA, BIRTH.day + 1), ("far", "ダレモ イナイ", 2)):
            started = time.perf_counter()
            outcome = registry_match(actor=actor, kana=kana, birth_date=BIRTH.replace(day=day))
            timings[name].append(time.perf_counter() - started)
            assert outcome.result == MatchResult.NONE
    for name, label in (("near", "right name, wrong birth date"), ("far", "unknown name")):
        median_us = round(statistics.median(timings[name]) * 1_000_000)
        figures.record(f"enumeration: median µs of a guess, {label}", median_us)
