"""The built-in fake LINE platform (LINE_MODE=simulator, the city's drill mode).

This module is LINE's side: it keeps simulated users and issues and verifies their
ID tokens, answering like LINE's endpoints do. Our own code reaches it only over
HTTP through messaging/line.py, exactly as it reaches real LINE.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from hakobou.lib import jwt
from messaging.models import SimulatedUser

ISSUER = "https://access.line.me"
ID_TOKEN_LIFETIME_SECONDS = 3600


def _signing_key() -> bytes:
    return hashlib.sha256(
        b"hakobou-line-simulator-id-token" + settings.SECRET_KEY.encode()
    ).digest()


@transaction.atomic
def simulated_user_create(*, display_name: str, language: str = "ja") -> SimulatedUser:
    return SimulatedUser.objects.create(
        user_id="U" + secrets.token_hex(16),
        display_name=display_name.strip()[:50],
        language=language,
    )


def id_token_issue(
    user: SimulatedUser,
    *,
    audience: str | None = None,
    lifetime: int = ID_TOKEN_LIFETIME_SECONDS,
    now: float | None = None,
) -> str:
    """What liff.getIDToken() returns inside LINE, for a simulated user."""
    issued = int(now if now is not None else time.time())
    claims = {
        "iss": ISSUER,
        "sub": user.user_id,
        "aud": audience or settings.LINE_LOGIN_CHANNEL_ID,
        "exp": issued + lifetime,
        "iat": issued,
        "amr": ["linesso"],
        "name": user.display_name,
    }
    return jwt.encode(claims, _signing_key())


@dataclass(frozen=True)
class VerifyOutcome:
    status: int
    body: dict


def _error(description: str) -> VerifyOutcome:
    return VerifyOutcome(400, {"error": "invalid_request", "error_description": description})


def id_token_verify(*, id_token: str | None, client_id: str | None) -> VerifyOutcome:
    """POST /oauth2/v2.1/verify, answered as LINE answers it."""
    if not id_token:
        return _error("Required parameter id_token is missing.")
    if not client_id:
        return _error("Required parameter client_id is missing.")
    try:
        claims = jwt.decode(id_token, _signing_key())
    except jwt.InvalidToken:
        return _error("Invalid IdToken.")
    if claims.get("exp", 0) <= time.time():
        return _error("IdToken expired.")
    if claims.get("aud") != client_id:
        return _error("Invalid IdToken Audience.")
    if claims.get("iss") != ISSUER:
        return _error("Invalid IdToken Issuer.")
    return VerifyOutcome(200, claims)
