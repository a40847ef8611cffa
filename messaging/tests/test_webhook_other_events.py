"""Event types the portal does not act on are stored and marked done."""

import pytest

from messaging.models import SimulatedMessage, WebhookEvent
from messaging.tests.webhook_helpers import send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize(
    "event",
    [
        {"type": "beacon", "beacon": {"hwid": "d41d8cd98f", "type": "enter"}},
        {"type": "somethingLineAddsNextYear", "detail": {"x": 1}},
    ],
)
def test_an_event_we_do_not_handle_is_stored_and_done(client, user, event):
    response = send(client, user, event)
    assert response.status_code == 200
    stored = WebhookEvent.objects.get()
    assert (stored.event_type, stored.status) == (event["type"], "done")
    assert stored.payload["type"] == event["type"]
    assert not SimulatedMessage.objects.exists()
