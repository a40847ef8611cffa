"""messaging/line.py refuses requests LINE would reject, before sending them."""

import uuid

import pytest

from messaging import line

TEXT = {"type": "text", "text": "テスト"}


def test_a_multicast_takes_at_most_500_user_ids():
    with pytest.raises(ValueError, match="1 to 500"):
        line.multicast([f"U{n:032x}" for n in range(501)], [TEXT], retry_key=str(uuid.uuid4()))


def test_a_request_carries_at_most_five_messages():
    with pytest.raises(ValueError, match="1 to 5"):
        line.push("U" + "0" * 32, [TEXT] * 6, retry_key=str(uuid.uuid4()))
    with pytest.raises(ValueError, match="1 to 5"):
        line.broadcast([], retry_key=str(uuid.uuid4()))


@pytest.mark.django_db
def test_the_simulator_refuses_a_wrong_access_token(client):
    response = client.post(
        "/line-sim/v2/bot/message/push",
        {"to": "U" + "0" * 32, "messages": [TEXT]},
        content_type="application/json",
        headers={"Authorization": "Bearer wrong-token"},
    )
    assert response.status_code == 401


@pytest.mark.django_db(transaction=True)
def test_an_unreachable_line_is_retryable(settings):
    settings.LINE_API_URL = "http://127.0.0.1:9/line-sim"
    with pytest.raises(line.LineRetryable):
        line.push("U" + "0" * 32, [TEXT], retry_key=str(uuid.uuid4()))
