"""Event types the portal does not act on are stored and marked done."""

import pytest

from messaging import simulator
from messaging.models import SimulatedMessage, WebhookEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "event",
    [
        {"type": "beacon", "beacon": {"hwid": "d41d8cd98f", "type": "enter"}},
        {"type": "somethingLineAddsNextYear", "detail": {"x": 1}},
    ],
)
def test_an_event_we_do_not_handle_is_stored_and_done(client, event):
    user = simulator.simulated_user_create(display_name="函館 花子")
    body = simulator.webhook_body(user, event)
    response = client.post(
        "/line/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": simulator.webhook_signature(body)},
    )
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.event_type, stored.status) == (event["type"], "done")
    assert stored.payload["type"] == event["type"]
    assert not SimulatedMessage.objects.exists()
