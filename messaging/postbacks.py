"""A small dispatcher for LINE postbacks. Other apps register handlers by action name:

    from messaging import postbacks

    @postbacks.register("supply-receipt")
    def confirm_receipt(context: postbacks.PostbackContext) -> list[dict] | None:
        ...  # call a service; return reply messages (or None for no reply)

Postback data is a query string whose ``action`` names the handler, e.g.
``action=supply-receipt&delivery=42&answer=yes``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class PostbackContext:
    """Who tapped (a LINE user id, and the language to answer in) and what."""

    user_id: str
    language: str
    action: str
    params: dict[str, str]
    data: str


Handler = Callable[[PostbackContext], list[dict] | None]
_handlers: dict[str, Handler] = {}


def register(action: str) -> Callable[[Handler], Handler]:
    def decorator(handler: Handler) -> Handler:
        if action in _handlers and _handlers[action] is not handler:
            raise ValueError(f"a postback handler for {action!r} is already registered")
        _handlers[action] = handler
        return handler

    return decorator


def is_registered(action: str) -> bool:
    return action in _handlers


def parse(data: str) -> tuple[str, dict[str, str]]:
    params = dict(parse_qsl(data or "", keep_blank_values=True))
    return params.pop("action", ""), params


def dispatch(*, user_id: str, language: str, data: str) -> list[dict] | None:
    """Run the handler for this postback; None when nobody handles it."""
    action, params = parse(data)
    handler = _handlers.get(action)
    if handler is None:
        return None
    return handler(
        PostbackContext(user_id=user_id, language=language, action=action, params=params, data=data)
    )
