"""Adding the city's account as a friend records the friend and sends the welcome."""

import datetime

import pytest
from django.utils import timezone

from messaging import simulator
from messaging.line import liff_url
from messaging.models import LineFriend, SimulatedUser, WebhookEvent
from messaging.segments import segment_count
from messaging.tests.webhook_helpers import follow, inbox
from residents.models import Account

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def user(db):
    return simulator.simulated_user_create(display_name="函館 花子", language="en")


def test_follow_records_the_friend_and_sends_the_welcome_with_the_start_link(
    client, user, settings
):
    assert follow(client, user).status_code == 200
    friend = LineFriend.objects.get(user_id=user.user_id)
    assert (friend.display_name, friend.language) == ("函館 花子", "en")
    assert (friend.is_following, friend.blocked_at) == (True, None)
    (welcome,) = inbox(user)
    # The welcome speaks the user's LINE language (English here).
    assert "This is the Hakodate City disaster support service" in welcome
    assert welcome.endswith("\nhttp://127.0.0.1:8000/my/start/")
    assert liff_url() == "http://127.0.0.1:8000/my/start/"


def test_the_start_link_is_the_portal_the_webhook_is_posted_to(settings):
    settings.LINE_WEBHOOK_URL = "https://drill.example.jp/line/webhook"
    assert liff_url() == "https://drill.example.jp/my/start/"
    assert liff_url("/my/") == "https://drill.example.jp/my/"


def test_in_live_mode_the_welcome_links_to_the_liff_app(client, user, settings):
    settings.LINE_MODE = "live"  # LINE_API_URL still points at the simulator
    follow(client, user)
    (welcome,) = inbox(user)
    assert welcome.endswith(f"\nhttps://liff.line.me/{settings.LIFF_ID}/my/start/")


def test_following_again_after_a_block_lifts_the_block(client, user):
    LineFriend.objects.create(
        user_id=user.user_id,
        display_name="古い名前",
        blocked_at=timezone.now() - datetime.timedelta(days=1),
    )
    follow(client, user)
    friend = LineFriend.objects.get(user_id=user.user_id)
    assert (friend.is_following, friend.blocked_at) == (True, None)
    assert friend.display_name == "函館 花子"
    assert len(inbox(user)) == 1


def test_the_friend_keeps_its_name_when_line_has_no_profile(client, user):
    LineFriend.objects.create(user_id=user.user_id, display_name="前の名前")
    # LINE answers 404 to the profile of a user who is not a friend (yet).
    SimulatedUser.objects.filter(pk=user.pk).update(is_friend=False)
    assert follow(client, user).status_code == 200
    assert WebhookEvent.objects.get().status == WebhookEvent.Status.DONE
    friend = LineFriend.objects.get(user_id=user.user_id)
    assert (friend.display_name, friend.is_following) == ("前の名前", True)


def test_a_follow_in_the_simulator_reaches_the_portal_over_http(live_server, settings):
    settings.LINE_WEBHOOK_URL = f"{live_server.url}/line/webhook"
    user = simulator.simulated_user_create(display_name="青柳 次郎")
    simulator.user_follow(user)
    assert LineFriend.objects.get(user_id=user.user_id).is_following
    (welcome,) = inbox(user)
    assert welcome.endswith(f"\n{live_server.url}/my/start/")


@pytest.mark.django_db(transaction=True)
def test_a_user_created_in_the_simulator_inbox_follows_and_gets_the_welcome(
    client, live_server, settings
):
    from hakobou.testing.cast import make_cast
    from messaging.models import SimulatedUser

    simulator.config_update(webhook_url=f"{live_server.url}/line/webhook")
    client.force_login(make_cast().staff)
    client.post("/line-sim/inbox/new/", {"display_name": "訓練 花子"})
    user = SimulatedUser.objects.get(display_name="訓練 花子")
    assert LineFriend.objects.get(user_id=user.user_id).is_following
    (welcome,) = inbox(user)
    assert "災害時支援サービス" in welcome


def test_a_follower_gets_an_account_and_is_in_a_message_to_everyone(client, user):
    follow(client, user)
    follow(client, user)  # a second follow (or a redelivery) keeps one account
    account = Account.objects.get(line_user_id=user.user_id)
    assert (account.consented_at, account.links.count()) == (None, 0)
    everyone = segment_count({"if": "everyone"})
    not_registered = segment_count({"all": [{"not": {"if": "registered"}}]})
    assert (everyone.reachable, not_registered.reachable) == (1, 1)
