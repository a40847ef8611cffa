"""The simulator's bot API answers like LINE's: only the channel's access token
(``Authorization: Bearer <LINE_CHANNEL_ACCESS_TOKEN>``) is accepted, anything else is 401
and nothing is delivered."""

import uuid

import pytest
import requests
from django.conf import settings

from messaging import simulator
from messaging.models import SimulatedMessage

pytestmark = pytest.mark.django_db(transaction=True)
HELLO = [{"type": "text", "text": "訓練です"}]


@pytest.fixture
def hanako(db):
    return simulator.simulated_user_create(display_name="訓練 花子")


def bot_requests(base: str, user_id: str) -> list[tuple[str, str, dict | None]]:
    """(method, url, body) of every bot endpoint the simulator offers."""
    bot = f"{base}/v2/bot"
    return [
        ("POST", f"{bot}/message/push", {"to": user_id, "messages": HELLO}),
        ("POST", f"{bot}/message/multicast", {"to": [user_id], "messages": HELLO}),
        ("POST", f"{bot}/message/broadcast", {"messages": HELLO}),
        ("POST", f"{bot}/message/reply", {"replyToken": "x", "messages": HELLO}),
        ("GET", f"{bot}/profile/{user_id}", None),
    ]


def call(method: str, url: str, body: dict | None, authorization: str | None):
    headers = {"X-Line-Retry-Key": str(uuid.uuid4())}
    if authorization is not None:
        headers["Authorization"] = authorization
    return requests.request(method, url, json=body, headers=headers, timeout=10)


def test_a_request_without_an_access_token_is_answered_401(line_simulator_url, hanako):
    for method, url, body in bot_requests(line_simulator_url, hanako.user_id):
        response = call(method, url, body, None)
        assert response.status_code == 401, url
        assert "Authorization header required" in response.json()["message"]
    assert not SimulatedMessage.objects.exists()


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer simulator-guessed-token",
        "Bearer ",
        "Basic c2ltdWxhdG9y",
        f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}x",
        f"bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}",
    ],
)
def test_a_wrong_access_token_is_answered_401(line_simulator_url, hanako, authorization):
    for method, url, body in bot_requests(line_simulator_url, hanako.user_id):
        assert call(method, url, body, authorization).status_code == 401, url
    assert not SimulatedMessage.objects.exists()


def test_the_channel_access_token_is_accepted(line_simulator_url, hanako):
    token = f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"
    push, multicast, broadcast, _reply, profile = bot_requests(line_simulator_url, hanako.user_id)
    for method, url, body in (push, multicast, broadcast):
        assert call(method, url, body, token).status_code == 200, url
    assert call(*profile, token).json()["displayName"] == "訓練 花子"
    assert SimulatedMessage.objects.filter(user=hanako).count() == 3
