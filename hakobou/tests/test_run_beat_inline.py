"""`make run` without a broker: beat's periodic tasks run inline in their own process,
so what failed once (a LINE delivery before the simulator was up) is still done."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from hakobou.testing.broker import broker_in_memory
from messaging import simulator
from messaging.models import OutboxChunk, OutboxMessage, SimulatedMessage
from messaging.services import outbox_enqueue
from shelters.models import Method, PresenceEvent
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delivery_that_failed_before_the_simulator_was_up_is_sent_by_the_next_round(settings):
    settings.LINE_API_TIMEOUT_SECONDS = 0.3
    user = simulator.simulated_user_create(display_name="函館 花子")
    with override_settings(LINE_API_URL="http://127.0.0.1:1"):  # nothing listens there yet
        message = outbox_enqueue(
            user_ids=[user.user_id], messages=[{"type": "text", "text": "受け付けました"}]
        )
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    # A couple of minutes on, past the back-off and the sweep's grace.
    OutboxChunk.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    call_command("run_beat_inline", "--once")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert SimulatedMessage.objects.filter(user=user).count() == 1


def test_an_arrival_left_due_is_followed_up():
    with broker_in_memory():  # its own follow-up task went nowhere
        stay_check_in(resident=make_resident(), shelter=ShelterFactory(), method=Method.PERSONAL_QR)
    assert PresenceEvent.objects.filter(follow_up_due=True).count() == 1
    call_command("run_beat_inline", "--once")
    assert not PresenceEvent.objects.filter(follow_up_due=True).exists()


def test_with_a_broker_it_says_to_run_celery_beat_instead():
    with broker_in_memory(), pytest.raises(CommandError, match="Celery beat"):
        call_command("run_beat_inline", "--once")
