"""Segments of city messages: each app's conditions over its own data, combined with
all / any / not, counted as reachable on LINE, blocked, and web-only (PostgreSQL)."""

import datetime

import pytest
from django.utils import translation

from evacuation.tests.evacuation_helpers import family_report, request_pickup
from messaging.friends import line_friend_blocked, line_friend_followed
from messaging.segments import (
    InvalidSegment,
    SegmentCount,
    segment_count,
    segment_members,
    segment_recipients,
)
from residents.models import Account
from residents.registration import resident_create_manual
from shelters.models import Method
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from supplies.deliveries import Answer, delivery_answer, delivery_mark_delivered
from supplies.models import Delivery
from supplies.rounds import round_open
from supplies.tests.supply_helpers import new_round, stocked_depot

pytestmark = pytest.mark.django_db


def person(area, *, line: str | None = None, care=(), language: str = "ja"):
    """An account with one resident living in ``area``; on LINE (following) or not."""
    account = Account.objects.create(line_user_id=line)
    if line:
        line_friend_followed(user_id=line, language=language)
    resident = resident_create_manual(
        account=account,
        relation="self",
        name="市民 一人",
        name_kana="シミン ヒトリ",
        birth_date=datetime.date(1960, 1, 1),
        address="北海道函館市",
        area=area,
    )
    if care:
        resident.care = list(care)
        resident.save(update_fields=["care"])
    return account, resident


def members(tree) -> set[int]:
    return set(segment_members(tree).values_list("pk", flat=True))


def uid(n: int) -> str:
    return f"U{n:032x}"


def test_the_count_splits_reachable_blocked_and_web_only(cast):
    person(cast.area_a, line=uid(1))
    person(cast.area_a, line=uid(2))
    line_friend_blocked(user_id=uid(2))
    person(cast.area_a)
    person(cast.area_b, line=uid(3))
    count = segment_count({"if": "lives_in", "value": str(cast.area_a.pk)})
    assert count == SegmentCount(reachable=1, blocked=1, web_only=1) and count.total == 3
    reachable = segment_recipients({"if": "lives_in", "value": str(cast.area_a.pk)})
    assert sorted((r.line_user_id, r.language) for r in reachable) == [
        ("", ""),
        (uid(1), "ja"),
        (uid(2), ""),
    ]


def test_checked_in_at_one_shelter_or_at_any(cast):
    first, second = ShelterFactory(), ShelterFactory()
    here, resident_here = person(cast.area_a, line=uid(1))
    there, resident_there = person(cast.area_a, line=uid(2))
    home, _ = person(cast.area_a, line=uid(3))
    stay_check_in(resident=resident_here, shelter=first, method=Method.POSTER_QR)
    stay_check_in(resident=resident_there, shelter=second, method=Method.POSTER_QR)
    assert members({"if": "at_shelter", "value": str(first.pk)}) == {here.pk}
    assert members({"if": "at_shelter"}) == {here.pk, there.pk}
    assert members({"not": {"if": "at_shelter"}}) == {home.pk}


def test_out_of_shelter_by_area_need_and_pickup(cast):
    shelter = ShelterFactory()
    water = family_report(cast.area_a, needs=["water"], line_user_id=uid(1))
    fetch = family_report(cast.area_a, needs=["transport"], line_user_id=uid(2))
    request_pickup(fetch, shelter)
    other_area = family_report(cast.area_b, needs=["water"], line_user_id=uid(3))
    area_a = {"if": "off_shelter", "value": str(cast.area_a.pk)}
    assert members(area_a) == {water.account_id, fetch.account_id}
    assert members({"if": "off_shelter"}) == {
        water.account_id,
        fetch.account_id,
        other_area.account_id,
    }
    assert members({"if": "report_need", "value": "water"}) == {
        water.account_id,
        other_area.account_id,
    }
    assert members({"if": "pickup", "value": "open"}) == {fetch.account_id}
    assert members({"if": "pickup", "value": "in_transport"}) == set()
    wheelchair = {"all": [area_a, {"if": "mobility", "value": "wheelchair"}]}
    assert members(wheelchair) == {fetch.account_id}


def test_care_language_and_registration(cast):
    wheel, _ = person(cast.area_a, line=uid(1), care=["disability"])
    english, _ = person(cast.area_a, line=uid(2), language="en")
    unregistered = Account.objects.create(line_user_id=uid(3))
    line_friend_followed(user_id=uid(3))
    assert members({"if": "care", "value": "disability"}) == {wheel.pk}
    assert members({"if": "language", "value": "en"}) == {english.pk}
    assert members({"if": "language", "value": "ja"}) == {wheel.pk, unregistered.pk}
    assert members({"not": {"if": "registered"}}) == {unregistered.pk}
    assert members({"if": "everyone"}) == {wheel.pk, english.pk, unregistered.pk}


def test_households_waiting_for_supplies_or_saying_they_got_nothing(cast):
    waiting = family_report(cast.area_a, line_user_id=uid(1))
    answered = family_report(cast.area_a, line_user_id=uid(2))
    round = new_round(stocked_depot(), areas=[cast.area_a])
    round_open(round=round, by_user=None)
    delivered = delivery_mark_delivered(
        delivery=Delivery.objects.get(round=round, report=answered), user=cast.volunteer_a
    )
    delivery_answer(
        delivery_id=delivered.pk,
        account=answered.account,
        answer=Answer.NOT_RECEIVED,
        via="test",
    )
    value = str(round.pk)
    assert members({"if": "supply_undelivered", "value": value}) == {waiting.account_id}
    assert members({"if": "supply_disputed", "value": value}) == {answered.account_id}


def test_any_counts_an_overlap_once_and_empty_groups_mean_everyone_or_no_one(cast):
    both, _ = person(cast.area_a, line=uid(1), care=["infant"])
    person(cast.area_b, line=uid(2))
    overlap = {
        "any": [
            {"if": "lives_in", "value": str(cast.area_a.pk)},
            {"if": "care", "value": "infant"},
        ]
    }
    assert segment_count(overlap).total == 1 and members(overlap) == {both.pk}
    assert segment_count({"all": []}).total == 2
    assert segment_count({"any": []}).total == 0


@pytest.mark.parametrize(
    ("tree", "message"),
    [
        ([], "条件の形が正しくありません。"),
        ({"all": {}}, "条件の形が正しくありません。"),
        ({"if": "no_such_condition"}, "使えない条件が含まれています。"),
        ({"if": "lives_in"}, "「住所の町会」の値を選んでください。"),
        ({"if": "lives_in", "value": "999999"}, "「住所の町会」の値が正しくありません。"),
        ({"if": "care", "value": 3}, "条件の値が正しくありません。"),
        ({"if": "everyone", "value": "x"}, "条件の値が正しくありません。"),
        ({"if": "everyone", "extra": 1}, "使えない条件が含まれています。"),
        ({"all": [{"if": "everyone"}] * 60}, "条件が多すぎます。条件を減らしてください。"),
        (
            {"not": {"not": {"not": {"not": {"not": {"not": {"not": {"if": "everyone"}}}}}}}},
            "条件が多すぎます。条件を減らしてください。",
        ),
    ],
)
def test_a_segment_that_cannot_be_read_is_refused_politely(cast, tree, message):
    with translation.override("ja"), pytest.raises(InvalidSegment) as refused:
        segment_count(tree)
    assert refused.value.message == message


def test_the_refusal_is_in_the_staff_members_language(cast):
    with translation.override("en"), pytest.raises(InvalidSegment) as refused:
        segment_count({"if": "lives_in"})
    assert refused.value.message == (
        "Please choose a value for “Neighbourhood association of their address”."
    )
