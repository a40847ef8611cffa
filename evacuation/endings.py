"""When an out-of-shelter report ends (the household reached a shelter, went home,
withdrew, or staff dismissed it), apps above evacuation may need to follow: a supply
delivery still on its way to that door is called off. They register a handler in their
AppConfig.ready(); it runs in the ending's own transaction."""

from __future__ import annotations

from collections.abc import Callable

from evacuation.models import OffShelterReport

EndingHandler = Callable[[OffShelterReport], None]

_handlers: list[EndingHandler] = []


def register(handler: EndingHandler) -> EndingHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def report_ended(report: OffShelterReport) -> None:
    for handler in _handlers:
        handler(report)
