"""The household answers 「受け取りました」/「届いていません」 on LINE (signed postbacks
through the real webhook parser, replies and pushes in the simulator) or on /my/."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from hakobou.testing.concurrency import at_once
from messaging import simulator
from messaging.friends import line_friend_followed
from messaging.models import OutboxMessage, SimulatedMessage
from messaging.tests.webhook_helpers import tap
from residents.models import Account
from supplies.deliveries import (
    Answer,
    ReceiptOutcome,
    deliveries_remind,
    delivery_answer,
    delivery_mark_delivered,
)
from supplies.models import Delivery, DeliveryEvent
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def household(cast):
    """A delivered household whose account is a simulated LINE user."""
    user = simulator.simulated_user_create(display_name="在宅 ヨシ")
    round, _reports = open_round(cast.area_a, households=1, line_user_ids=[user.user_id])
    delivery = delivery_mark_delivered(
        delivery=Delivery.objects.get(round=round), user=cast.volunteer_a
    )
    return user, delivery


def chat(user) -> list[dict]:
    """What the household got from the first question on (the report's receipt before)."""
    messages = [
        m.message
        for m in SimulatedMessage.objects.filter(
            user=user, direction=SimulatedMessage.Direction.TO_USER
        ).order_by("pk")
    ]
    first = next((n for n, m in enumerate(messages) if m["type"] == "template"), len(messages))
    return messages[first:]


def test_delivered_asks_the_household_with_two_postback_buttons(household):
    user, delivery = household
    (question,) = chat(user)
    assert question["type"] == "template" and question["template"]["type"] == "confirm"
    assert question["template"]["text"].startswith("物資をお届けしました（飲料水 2L 2本）")
    actions = question["template"]["actions"]
    assert [a["label"] for a in actions] == ["受け取りました", "届いていません"]
    assert actions[0]["data"] == f"action=supply-receipt&delivery={delivery.pk}&answer=yes"


def test_received_confirms_once_and_a_second_tap_changes_nothing(client, household):
    user, delivery = household
    data = f"action=supply-receipt&delivery={delivery.pk}&answer=yes"
    assert tap(client, user, data).status_code == 200
    assert Delivery.objects.get(pk=delivery.pk).status == "confirmed"
    tap(client, user, data)
    tap(client, user, f"action=supply-receipt&delivery={delivery.pk}&answer=no")
    replies = [m["text"] for m in chat(user)[1:]]
    assert replies == [
        "受け取りを確認しました。ありがとうございました。",
        "このお届けは、すでに受け取りを確認済みです。",
        "このお届けは、すでに受け取りを確認済みです。",
    ]
    assert DeliveryEvent.objects.filter(delivery=delivery, kind="confirmed").count() == 1
    assert Delivery.objects.get(pk=delivery.pk).status == "confirmed"


def test_not_received_opens_a_dispute_with_a_link_to_add_a_note(client, household):
    user, delivery = household
    tap(client, user, f"action=supply-receipt&delivery={delivery.pk}&answer=no")
    current = Delivery.objects.get(pk=delivery.pk)
    assert current.status == "disputed" and current.answered_at is not None
    assert chat(user)[-1]["text"].startswith("届いていないことを担当者に伝えました。")


def test_another_households_postback_is_refused_politely_and_audited(client, cast, household):
    _user, delivery = household
    stranger = simulator.simulated_user_create(display_name="よその人")
    Account.objects.create(line_user_id=stranger.user_id)
    tap(client, stranger, f"action=supply-receipt&delivery={delivery.pk}&answer=no")
    stranger_chat = SimulatedMessage.objects.filter(user=stranger).last().message
    assert stranger_chat["text"] == "このお届けについてはお答えいただけません。"
    assert Delivery.objects.get(pk=delivery.pk).status == "delivered"
    denied = DeliveryEvent.objects.get(kind="denied")
    assert (denied.delivery, denied.by_account.line_user_id) == (delivery, stranger.user_id)


def test_a_forged_or_unknown_delivery_id_changes_nothing(client, household):
    user, delivery = household
    for data in (
        "action=supply-receipt&delivery=999999&answer=yes",
        "action=supply-receipt&delivery=abc&answer=yes",
        "action=supply-receipt&delivery=99999999999999999999999&answer=yes",
        "action=supply-receipt&delivery=-4&answer=no",
        f"action=supply-receipt&delivery={delivery.pk}&answer=maybe",
    ):
        assert tap(client, user, data).status_code == 200
    assert Delivery.objects.get(pk=delivery.pk).status == "delivered"
    assert DeliveryEvent.objects.filter(kind="denied", delivery_ref=999999).count() == 1


def test_a_family_member_on_another_phone_may_answer(cast, household):
    _user, delivery = household
    family_phone = Account.objects.create(line_user_id="U" + "f" * 32)
    resident = delivery.report.people.get()
    resident.links.create(account=family_phone, relation="family")
    outcome = delivery_answer(
        delivery_id=delivery.pk, account=family_phone, answer=Answer.RECEIVED, via="test"
    )
    assert outcome.outcome == ReceiptOutcome.CONFIRMED


def test_answering_before_delivery_says_it_is_not_delivered_yet(cast):
    round, (report,) = open_round(cast.area_a, households=1)
    delivery = Delivery.objects.get(round=round)
    outcome = delivery_answer(
        delivery_id=delivery.pk, account=report.account, answer=Answer.RECEIVED, via="test"
    )
    assert outcome.outcome == ReceiptOutcome.NOT_YET
    assert Delivery.objects.get(pk=delivery.pk).status == "pending"


def test_no_answer_gets_one_reminder_then_shows_as_unconfirmed(household):
    user, delivery = household
    assert deliveries_remind() == 0
    later = timezone.now() + datetime.timedelta(days=1)
    assert deliveries_remind(now=later) == 1
    assert deliveries_remind(now=later + datetime.timedelta(days=1)) == 0
    assert Delivery.objects.get(pk=delivery.pk).status == "unconfirmed"
    _question, reminder = chat(user)
    assert reminder["template"]["text"].startswith("先日お届けした物資")
    assert OutboxMessage.objects.filter(purpose="supply_reminder").count() == 1
    # Still answerable after the reminder.
    outcome = delivery_answer(
        delivery_id=delivery.pk,
        account=Account.objects.get(line_user_id=user.user_id),
        answer=Answer.RECEIVED,
        via="test",
    )
    assert outcome.outcome == ReceiptOutcome.CONFIRMED


def test_the_question_is_asked_in_the_households_language(cast):
    user = simulator.simulated_user_create(display_name="Visitor", language="en")
    round, _ = open_round(cast.area_a, households=1, line_user_ids=[user.user_id])
    line_friend_followed(user_id=user.user_id, language="en")
    delivery_mark_delivered(delivery=Delivery.objects.get(round=round), user=cast.volunteer_a)
    (question,) = chat(user)
    assert [a["label"] for a in question["template"]["actions"]] == ["Received", "Not received"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL concurrency")
def test_a_confirmation_racing_a_dispute_has_exactly_one_outcome(household):
    user, delivery = household
    account = Account.objects.get(line_user_id=user.user_id)
    answers = [Answer.RECEIVED, Answer.NOT_RECEIVED] * 4
    outcomes = at_once(
        lambda answer: (
            delivery_answer(
                delivery_id=delivery.pk, account=account, answer=answer, via="race"
            ).outcome
        ),
        answers,
    )
    recorded = [o for o in outcomes if o in (ReceiptOutcome.CONFIRMED, ReceiptOutcome.DISPUTED)]
    assert len(recorded) == 1 and outcomes.count(ReceiptOutcome.ALREADY) == 7
    answered = DeliveryEvent.objects.filter(delivery=delivery, kind__in=["confirmed", "disputed"])
    assert answered.count() == 1
