"""Which LINE user the person in this browser is signed in as, for the simulator's
inbox (drill mode: a resident sees only their own chat).

Signing residents in is not messaging's job: the app that does it (residents) provides
the answer in its AppConfig.ready(), with the page where a stranger signs in. Until
one is provided, nobody is signed in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest


@dataclass(frozen=True)
class BrowserIdentity:
    line_user_of: Callable[[HttpRequest], str | None]
    sign_in_url: Callable[[], str]


_provided: BrowserIdentity | None = None


def provide(identity: BrowserIdentity) -> None:
    global _provided
    _provided = identity


def line_user_of(request: HttpRequest) -> str | None:
    return _provided.line_user_of(request) if _provided is not None else None


def sign_in_url() -> str:
    return _provided.sign_in_url() if _provided is not None else "/"
