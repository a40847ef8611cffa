"""The language a resident chose, remembered for their account.

The footer's switcher posts here. Django's ``set_language`` answers as ever (a cookie for
this browser); for a LINE account the choice is also kept as the LINE friend's language,
which LINE messages to them use (notices, replies, pickup news). On a later request from
a browser that made no choice of its own (no language cookie: another phone, LINE's
in-app browser), the middleware shows the pages in the account's language.

A browser-only account keeps its choice in the cookie only: it has no other place yet.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

from messaging.friends import line_friend_language, line_friend_language_set
from residents.identity import ACCOUNT_KEY, current_account


def set_language(request: HttpRequest) -> HttpResponse:
    response = django_set_language(request)
    language = request.POST.get("language") if request.method == "POST" else None
    if language in dict(settings.LANGUAGES):
        account = current_account(request)
        if account is not None and account.line_user_id:
            line_friend_language_set(account.line_user_id, language)
    return response


def account_language(request: HttpRequest) -> str | None:
    """The site language remembered for the signed-in resident's account, if any."""
    # No session cookie, no account: the session (and the database) is not touched.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES or not request.session.get(ACCOUNT_KEY):
        return None
    account = current_account(request)
    if account is None or not account.line_user_id:
        return None
    language = line_friend_language(account.line_user_id)
    if not language:
        return None
    try:  # a LINE profile may speak a language the site has not (ko, zh-Hant…)
        return translation.get_supported_language_variant(language)
    except LookupError:
        return None


class AccountLanguageMiddleware:
    """After LocaleMiddleware: a browser without an explicit choice (no language cookie)
    gets the signed-in resident's account language instead of Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
            language = account_language(request)
            if language and language != translation.get_language():
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
