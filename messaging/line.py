"""The one place that talks to LINE (live) or to the built-in simulator (drill mode).

Both are reached over HTTP at settings.LINE_API_URL, so drills exercise the same
code paths as a real disaster.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

ISSUER = "https://access.line.me"


class LineError(Exception):
    pass


class IdTokenInvalid(LineError):
    """The token is expired, forged, for another channel or missing: ask the user to
    open the page from LINE again."""


class LineUnavailable(LineError):
    """LINE did not answer usefully (network, timeout, 5xx, 429): try again later."""


@dataclass(frozen=True)
class LineIdentity:
    user_id: str
    display_name: str


_session = requests.Session()


def verify_id_token(id_token: str | None) -> LineIdentity:
    """Verify a LIFF ID token with LINE's verify endpoint; never trust a user id sent
    by the page."""
    if not id_token:
        raise IdTokenInvalid("missing")
    channel_id = settings.LINE_LOGIN_CHANNEL_ID
    try:
        response = _session.post(
            f"{settings.LINE_API_URL}/oauth2/v2.1/verify",
            data={"id_token": id_token, "client_id": channel_id},
            timeout=settings.LINE_API_TIMEOUT_SECONDS,
        )
    except requests.RequestException as exc:
        logger.warning("LINE verify endpoint unreachable: %s", exc)
        raise LineUnavailable("unreachable") from exc
    if response.status_code == 400:
        description = _json(response).get("error_description", "invalid")
        raise IdTokenInvalid(description)
    if response.status_code != 200:
        logger.warning("LINE verify endpoint answered %s", response.status_code)
        raise LineUnavailable(f"status {response.status_code}")
    claims = _json(response)
    # LINE checked these already; checking again costs nothing and guards a misconfigured URL.
    if str(claims.get("aud")) != str(channel_id):
        raise IdTokenInvalid("Invalid IdToken Audience.")
    if claims.get("iss") != ISSUER:
        raise IdTokenInvalid("Invalid IdToken Issuer.")
    if not isinstance(claims.get("exp"), int) or claims["exp"] <= time.time():
        raise IdTokenInvalid("IdToken expired.")
    user_id = claims.get("sub")
    if not isinstance(user_id, str) or not user_id.startswith("U"):
        raise IdTokenInvalid("Invalid IdToken Subject Identifier.")
    return LineIdentity(user_id=user_id, display_name=str(claims.get("name", ""))[:100])


def _json(response: requests.Response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
