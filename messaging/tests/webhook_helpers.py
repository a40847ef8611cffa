"""Shared helpers for the /line/webhook tests: signed posts and the simulated inbox."""

import json

from messaging import simulator
from messaging.models import SimulatedMessage

URL = "/line/webhook"
SIGN = object()  # post(): sign the body with the channel secret


def post(client, body: str, signature: str | object | None = SIGN):
    """POST ``body`` to the webhook, signed unless a ``signature`` (or None: none) is given."""
    if signature is SIGN:
        signature = simulator.webhook_signature(body)
    headers = {"X-Line-Signature": signature} if signature is not None else {}
    return client.post(URL, data=body, content_type="application/json", headers=headers)


def send(client, user, event: dict, **fields):
    """Post one signed ``event`` from ``user``; ``fields`` override the event's own."""
    body = simulator.webhook_body(user, event)
    if fields:
        payload = json.loads(body)
        payload["events"][0].update(fields)
        body = json.dumps(payload, ensure_ascii=False)
    return post(client, body)


def follow(client, user):
    return send(client, user, {"type": "follow"})


def tap(client, user, data: str):
    return send(client, user, {"type": "postback", "postback": {"data": data}})


def inbox(user, *, texts: bool = True) -> list:
    """What the portal sent ``user``: the texts, or the whole messages (``texts=False``)."""
    return [
        m.message["text"] if texts else m.message
        for m in SimulatedMessage.objects.filter(
            user=user, direction=SimulatedMessage.Direction.TO_USER
        )
    ]


def received(user, *, to_user_only: bool = True) -> int:
    """How many messages ``user``'s chat holds: those to the user, or all of them."""
    messages = SimulatedMessage.objects.filter(user=user)
    if to_user_only:
        messages = messages.filter(direction=SimulatedMessage.Direction.TO_USER)
    return messages.count()
