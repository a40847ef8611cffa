"""The resident hears of each pickup step on LINE, exactly once per transition."""

import pytest

from evacuation.services import (
    pickup_arrived,
    pickup_claim,
    pickup_picked_up,
    pickup_release,
)
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from messaging import simulator
from messaging.tests.webhook_helpers import inbox
from shelters.tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_each_step_is_one_message_and_internal_steps_are_silent(cast):
    """Sending the report, then each pickup transition the resident cares about."""
    line_user = simulator.simulated_user_create(display_name="在宅 ヨシ")
    report = family_report(cast.area_a, line_user_id=line_user.user_id)
    pickup = request_pickup(report, ShelterFactory(name="青柳小学校 体育館"))
    request_pickup(report, pickup.destination)  # a double submit: no second message
    pickup_claim(pickup=pickup, user=cast.volunteer_a)
    pickup_release(pickup=pickup, user=cast.volunteer_a)  # internal: not told
    pickup_claim(pickup=pickup, user=cast.volunteer_a)
    pickup_picked_up(pickup=pickup, user=cast.volunteer_a)
    pickup_arrived(pickup=pickup, user=cast.volunteer_a)
    messages = inbox(line_user)
    assert [m.split("。")[0] for m in messages] == [
        "避難状況を受け付けました",  # the report itself, once sent
        "送迎の依頼を受け付けました（行き先：青柳小学校 体育館）",
        "担当者が決まりました",  # a claim, a release (not told), a claim again: two claims
        "担当者が決まりました",
        "お迎えに到着しました",
        "青柳小学校 体育館 に到着しました",  # the pickup's arrival, not a second check-in note
    ]
