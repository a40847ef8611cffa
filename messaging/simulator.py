"""The built-in fake LINE platform (LINE_MODE=simulator, the city's drill mode).

This module is LINE's side: it keeps simulated users and issues and verifies their
ID tokens, answering like LINE's endpoints do. Our own code reaches it only over
HTTP through messaging/line.py, exactly as it reaches real LINE.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import re
import secrets
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from lib import jwt
from messaging.models import (
    SimulatedMessage,
    SimulatedRequest,
    SimulatedUser,
    SimulatorConfig,
)

logger = logging.getLogger(__name__)

ISSUER = "https://access.line.me"
ID_TOKEN_LIFETIME_SECONDS = 3600


def _signing_key() -> bytes:
    # SECRET_KEY is never a public default (settings.py): a development run makes its own.
    return hmac.new(
        settings.SECRET_KEY.encode(), b"hakobou-line-simulator-id-token", hashlib.sha256
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


# --- Messaging API ---------------------------------------------------------------------


USER_ID = re.compile(r"^U[0-9a-f]{32}$")
RETRY_KEY_TTL_SECONDS = 24 * 3600
_random = random.Random()  # noqa: S311 - fault injection, not security


@dataclass(frozen=True)
class ApiOutcome:
    status: int
    body: dict
    delay_after: float = 0.0  # seconds to wait before answering (a simulated timeout)


def config() -> SimulatorConfig:
    return SimulatorConfig.objects.order_by("pk").first() or SimulatorConfig()


def config_update(**values) -> SimulatorConfig:
    current = SimulatorConfig.objects.order_by("pk").first() or SimulatorConfig()
    for name, value in values.items():
        setattr(current, name, value)
    current.save()
    _rate_counts_forget()
    return current


def _bad_request(message: str) -> ApiOutcome:
    return ApiOutcome(400, {"message": message})


def _fault(cfg: SimulatorConfig) -> str | None:
    roll = _random.random()
    for name, share in (
        ("429", cfg.share_429),
        ("500", cfg.share_500),
        ("timeout", cfg.share_timeout),
    ):
        if roll < share:
            return name
        roll -= share
    return None


def _unauthorized(authorization: str | None) -> ApiOutcome | None:
    """LINE's 401 unless the request carries the channel's access token (the configured
    LINE_CHANNEL_ACCESS_TOKEN, never derivable from a public value: settings.py)."""
    token = settings.LINE_CHANNEL_ACCESS_TOKEN
    if not authorization or not authorization.startswith("Bearer "):
        return ApiOutcome(
            401,
            {
                "message": "Authorization header required. "
                "Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'"
            },
        )
    if not token or not hmac.compare_digest(authorization.encode(), f"Bearer {token}".encode()):
        return ApiOutcome(
            401,
            {
                "message": "Authentication failed. "
                "Confirm that the access token in the authorization header is valid."
            },
        )
    return None


# Rate limits (SimulatorConfig.limit_*): requests counted per window in the cache, which
# every process of the simulator shares through Redis (per process without it). LINE
# counts per channel; the simulator has one. A fixed window is enough: a sender that
# keeps below the limit in every moving window keeps below it in every fixed one.
_RATE_LIMITS = {
    "push": ("limit_push_per_second", 1),
    "multicast": ("limit_multicast_per_second", 1),
    "broadcast": ("limit_broadcast_per_hour", 3600),
}
_429_COUNT_KEY = "line-simulator:answered-429"


def _rate_count_key(endpoint: str, window: int, now: float) -> str:
    return f"line-simulator:requests:{endpoint}:{int(now // window)}"


def _rate_counts_forget() -> None:
    """New limits count from now: the requests of the current windows are forgotten."""
    now = time.time()
    keys = [
        _rate_count_key(endpoint, window, now) for endpoint, (_, window) in _RATE_LIMITS.items()
    ]
    try:
        cache.delete_many(keys)
    except Exception as exc:
        logger.warning("LINE simulator: request counts not reset (%s)", exc)


def _request_count(endpoint: str) -> int | None:
    """Count this request in its window as it arrives, as LINE does: before anything
    that may wait (the database), so a stalled moment does not count a burst later.
    The count so far in the window; None when not limited or not counted."""
    if endpoint not in _RATE_LIMITS:
        return None
    _, window = _RATE_LIMITS[endpoint]
    key = _rate_count_key(endpoint, window, time.time())
    try:
        cache.add(key, 0, timeout=window + 10)
        return cache.incr(key)
    except Exception as exc:  # Redis down (or the window's key just expired): let it through
        logger.warning("LINE simulator: %s requests not counted (%s)", endpoint, exc)
        return None


def _over_rate_limit(endpoint: str, count: int | None, cfg: SimulatorConfig) -> bool:
    if count is None:
        return False
    limit = getattr(cfg, _RATE_LIMITS[endpoint][0])
    return bool(limit) and count > limit


def _count_429() -> None:
    try:
        cache.add(_429_COUNT_KEY, 0, timeout=None)
        cache.incr(_429_COUNT_KEY)
    except Exception as exc:
        logger.warning("LINE simulator: a 429 not counted (%s)", exc)


def answered_429_count() -> int:
    """How many 429s the simulator has answered (rate limits and injected ones), e.g. for
    bench/delivery.py, which must see none."""
    return int(cache.get(_429_COUNT_KEY) or 0)


def api_send(
    *, endpoint: str, body: dict, retry_key: str | None, authorization: str | None
) -> ApiOutcome:
    """push / multicast / broadcast / reply, answered as LINE answers them."""
    refused = _unauthorized(authorization)
    if refused is not None:
        return refused
    count = _request_count(endpoint)
    cfg = config()
    if _over_rate_limit(endpoint, count, cfg):
        _count_429()
        return ApiOutcome(
            429, {"message": "The API rate limit has been exceeded. Try again later."}
        )
    if cfg.latency_ms:
        time.sleep(cfg.latency_ms / 1000)
    fault = _fault(cfg)
    if fault == "429":
        _count_429()
        return ApiOutcome(429, {"message": "Too Many Requests"})
    if fault == "500":
        return ApiOutcome(500, {"message": "Internal Server Error"})

    messages = body.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= 5:
        return _bad_request("Size must be between 1 and 5")
    if endpoint == "push":
        recipients = [body.get("to")]
    elif endpoint == "multicast":
        recipients = body.get("to")
        if not isinstance(recipients, list) or not 1 <= len(recipients) <= 500:
            return _bad_request("Size must be between 1 and 500")
    elif endpoint == "reply":
        claims = _reply_token_claims(body.get("replyToken"))
        if claims is None:
            return _bad_request("Invalid reply token")
        recipients = [claims["sub"]]
    else:
        recipients = None  # broadcast: every friend
    if recipients is not None and not all(
        isinstance(u, str) and USER_ID.match(u) for u in recipients
    ):
        return _bad_request("The property, 'to', in the request body is invalid")
    if retry_key is not None:
        try:
            uuid.UUID(retry_key)
        except ValueError:
            return _bad_request("The retry key is invalid")

    request_id = str(uuid.uuid4())
    try:
        with transaction.atomic():
            if retry_key is not None:
                _forget_expired_retry_keys()
                SimulatedRequest.objects.create(
                    retry_key=retry_key, endpoint=endpoint, request_id=request_id
                )
            delivered = _deliver(recipients, messages, endpoint, retry_key or "")
    except IntegrityError:
        return ApiOutcome(
            409,
            {"message": "The retry key is already accepted", "sentMessages": []},
        )
    body = {"sentMessages": [{"id": str(uuid.uuid4().int)[:18]} for _ in messages]}
    body["x-line-request-id"] = request_id
    body["delivered"] = delivered
    delay = cfg.timeout_delay_ms / 1000 if fault == "timeout" else 0.0
    return ApiOutcome(200, body, delay_after=delay)


def _forget_expired_retry_keys() -> None:
    cutoff = time.time() - RETRY_KEY_TTL_SECONDS
    from datetime import UTC, datetime

    SimulatedRequest.objects.filter(created_at__lt=datetime.fromtimestamp(cutoff, UTC)).delete()


def _deliver(
    recipients: list[str] | None, messages: list[dict], endpoint: str, retry_key: str
) -> int:
    users = SimulatedUser.objects.filter(is_friend=True)
    if recipients is not None:
        users = users.filter(user_id__in=recipients)
    # Blocked or unknown users are skipped silently, as LINE does.
    user_pks = list(users.values_list("pk", flat=True))
    if connection.vendor == "postgresql":
        _store_by_copy(user_pks, messages, endpoint, retry_key)
    else:
        SimulatedMessage.objects.bulk_create(
            [
                SimulatedMessage(user_id=pk, message=m, endpoint=endpoint, retry_key=retry_key)
                for pk in user_pks
                for m in messages
            ],
            batch_size=1000,
        )
    return len(user_pks)


def _store_by_copy(user_pks: list[int], messages: list[dict], endpoint: str, retry_key: str):
    """COPY is several times cheaper than an INSERT of 500 JSON rows, and the simulator
    must keep up with a city-wide segment message (see bench/delivery.py)."""
    now = timezone.now()
    encoded = [json.dumps(m, ensure_ascii=False) for m in messages]
    table = SimulatedMessage._meta.db_table
    columns = "user_id, direction, message, endpoint, retry_key, created_at"
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for pk in user_pks:
            for message in encoded:
                copy.write_row(
                    (pk, SimulatedMessage.Direction.TO_USER, message, endpoint, retry_key, now)
                )


def api_profile(*, user_id: str, authorization: str | None) -> ApiOutcome:
    refused = _unauthorized(authorization)
    if refused is not None:
        return refused
    user = SimulatedUser.objects.filter(user_id=user_id, is_friend=True).first()
    if user is None:
        return ApiOutcome(404, {"message": "Not found"})
    return ApiOutcome(
        200, {"userId": user.user_id, "displayName": user.display_name, "language": user.language}
    )


# --- Webhook events sent to the portal ----------------------------------------------------

REPLY_TOKEN_LIFETIME_SECONDS = 60


def _reply_token(user: SimulatedUser) -> str:
    return jwt.encode(
        {"sub": user.user_id, "exp": int(time.time()) + REPLY_TOKEN_LIFETIME_SECONDS},
        _signing_key(),
    )


def _reply_token_claims(token: object) -> dict | None:
    if not isinstance(token, str):
        return None
    try:
        claims = jwt.decode(token, _signing_key())
    except jwt.InvalidToken:
        return None
    return claims if claims.get("exp", 0) > time.time() else None


def webhook_body(user: SimulatedUser, event: dict) -> str:
    """A webhook request body carrying one event from this user, as LINE sends it."""
    event = {
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user.user_id},
        "webhookEventId": "01" + uuid.uuid4().hex[:24].upper(),
        "deliveryContext": {"isRedelivery": False},
        **event,
    }
    if event["type"] in {"message", "postback", "follow"}:
        event["replyToken"] = _reply_token(user)
    return json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False)


def webhook_signature(body: str) -> str:
    import base64
    import hmac

    digest = hmac.new(settings.LINE_CHANNEL_SECRET.encode(), body.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_send(user: SimulatedUser, event: dict) -> int:
    """POST one event to the portal's webhook, signed with the channel secret."""
    import requests

    body = webhook_body(user, event)
    url = config().webhook_url or settings.LINE_WEBHOOK_URL
    response = requests.post(
        url,
        data=body.encode(),
        headers={"Content-Type": "application/json", "X-Line-Signature": webhook_signature(body)},
        timeout=10,
    )
    return response.status_code


@transaction.atomic
def user_follow(user: SimulatedUser) -> SimulatedUser:
    user.is_friend = True
    user.save(update_fields=["is_friend"])
    transaction.on_commit(lambda: webhook_send(user, {"type": "follow"}))
    return user


@transaction.atomic
def user_unfollow(user: SimulatedUser) -> SimulatedUser:
    user.is_friend = False
    user.save(update_fields=["is_friend"])
    transaction.on_commit(lambda: webhook_send(user, {"type": "unfollow"}))
    return user


def user_says(user: SimulatedUser, text: str) -> int:
    SimulatedMessage.objects.create(
        user=user,
        direction=SimulatedMessage.Direction.FROM_USER,
        message={"type": "text", "text": text},
    )
    return webhook_send(
        user,
        {
            "type": "message",
            "message": {"id": str(uuid.uuid4().int)[:18], "type": "text", "text": text},
        },
    )


def user_postback(user: SimulatedUser, data: str, label: str = "") -> int:
    if label:
        SimulatedMessage.objects.create(
            user=user,
            direction=SimulatedMessage.Direction.FROM_USER,
            message={"type": "text", "text": label},
        )
    return webhook_send(user, {"type": "postback", "postback": {"data": data}})
