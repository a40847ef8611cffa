"""Who the resident in this browser session is, and the registration wizard's state.

The session cookie carries only an account id, set after a verified LINE ID token
or a recovery code. Furigana and birth date typed mid-registration are kept in the
session encrypted, so the sessions table holds no plaintext personal data either.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from lib.crypto import resident_cipher
from residents.models import Account

ACCOUNT_KEY = "resident_account_id"
_WIZARD_CONTEXT = "session.registration"


def current_account(request: HttpRequest) -> Account | None:
    if not hasattr(request, "_resident_account"):
        account_id = request.session.get(ACCOUNT_KEY)
        request._resident_account = (
            Account.objects.filter(pk=account_id).first() if account_id else None
        )
    return request._resident_account


def sign_in(request: HttpRequest, account: Account) -> None:
    # A new session key on sign-in: a session id planted before cannot be reused.
    request.session.cycle_key()
    request.session[ACCOUNT_KEY] = account.pk
    request._resident_account = account


def sign_out(request: HttpRequest) -> None:
    request.session.flush()
    request._resident_account = None


def local_path(candidate: str | None) -> str | None:
    """``candidate`` if it is a path on this site ("/c/…/", "/my/report/?x=1"), else
    None: never a full URL, a scheme-relative "//host" or a backslash trick, so a link
    or a form cannot send people on to another site (no open redirect)."""
    if not candidate or not candidate.startswith("/") or len(candidate) > 2000:
        return None
    if candidate.startswith("//") or any(c in candidate for c in "\\\r\n\t\x00"):
        return None
    parts = urlsplit(candidate)
    if parts.scheme or parts.netloc:
        return None
    if not url_has_allowed_host_and_scheme(candidate, allowed_hosts=None):
        return None
    return candidate


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go after this step: the ``next`` of the form or the query string when
    it is a path on this site, else ``default``."""
    return local_path(request.POST.get("next") or request.GET.get("next")) or default


# Where someone was going when they were sent to register first (a shelter's poster
# check-in, the report): kept in the session until the registration wizard takes it.
NEXT_KEY = "resident_next"


def next_keep(request: HttpRequest, candidate: str | None) -> None:
    """Remember ``candidate`` (a path on this site; anything else is ignored)."""
    path = local_path(candidate)
    if path is not None:
        request.session[NEXT_KEY] = path


def next_take(request: HttpRequest) -> str | None:
    """The remembered destination, forgotten as it is taken."""
    return local_path(request.session.pop(NEXT_KEY, None))


def account_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if current_account(request) is None:
            start = reverse("residents:start")
            return redirect(f"{start}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper


class WizardState:
    """The registration in progress, stored under one session key per flow."""

    def __init__(self, request: HttpRequest, flow: str) -> None:
        self.session = request.session
        self.key = f"registration:{flow}"
        self.data: dict = dict(self.session.get(self.key) or {})

    def save(self) -> None:
        self.session[self.key] = self.data

    def clear(self) -> None:
        self.data = {}
        self.session.pop(self.key, None)

    def get(self, name: str, default=None):
        return self.data.get(name, default)

    def set(self, **values) -> None:
        self.data.update(values)
        self.save()

    def set_secret(self, name: str, value: str | datetime.date) -> None:
        payload = json.dumps(value.isoformat() if isinstance(value, datetime.date) else value)
        self.set(**{name: resident_cipher().encrypt(payload, context=_WIZARD_CONTEXT)})

    def secret(self, name: str) -> str | None:
        token = self.data.get(name)
        return (
            json.loads(resident_cipher().decrypt(token, context=_WIZARD_CONTEXT)) if token else None
        )

    def secret_date(self, name: str) -> datetime.date | None:
        value = self.secret(name)
        return datetime.date.fromisoformat(value) if value else None
