"""The one place that talks to LINE (live) or to the built-in simulator (drill mode).

Both are reached over HTTP at settings.LINE_API_URL with the real line-bot-sdk v3
client, so drills exercise the same code paths as a real disaster. Callers get our
own small exception types, sorted by what to do next:

- ``LineAccepted``-free success, or 409 (the retry key was already accepted: the
  earlier attempt got through) → done;
- ``LineRetryable`` (5xx, timeout, connection) → retry later with the same key;
- ``LineRateLimited`` (429) → back off longer;
- ``LineRejected`` (any other 4xx) → give up and keep the error.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from django.conf import settings

logger = logging.getLogger(__name__)

ISSUER = "https://access.line.me"


def liff_url(path: str = "/my/start/") -> str:
    """A link that opens one of our pages from a LINE chat or the rich menu.

    Live: the LIFF URL; the LIFF app's endpoint URL is the portal's root, so LINE
    opens ``<portal><path>`` inside LINE. Drill mode: the page on the portal itself,
    whose origin is the one the simulator posts webhooks to.
    """
    if not path.startswith("/"):
        raise ValueError("a LIFF path starts with /")
    if settings.LINE_MODE == "live":
        return f"https://liff.line.me/{settings.LIFF_ID}{path}"
    origin = urlsplit(settings.LINE_WEBHOOK_URL)
    return f"{origin.scheme}://{origin.netloc}{path}"


class LineError(Exception):
    pass


class IdTokenInvalid(LineError):
    """The token is expired, forged, for another channel or missing: ask the user to
    open the page from LINE again."""


class LineUnavailable(LineError):
    """LINE did not answer usefully (network, timeout, 5xx, 429): try again later."""


class LineRetryable(LineUnavailable):
    """5xx, a timeout or a broken connection: the request may or may not have got
    through; retrying with the same retry key is safe."""


class LineRateLimited(LineUnavailable):
    """429: too many requests (or the monthly quota is used up)."""


class LineRejected(LineError):
    """Any other 4xx: retrying the same request cannot succeed."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"{status}: {detail}")
        self.status = status


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


# --- Messaging API (line-bot-sdk v3) --------------------------------------------------

MULTICAST_MAX_RECIPIENTS = 500
MAX_MESSAGES_PER_REQUEST = 5

_clients: dict[tuple, object] = {}


def _api():
    """One SDK client per process (Celery forks its workers; a pool must not be shared)."""
    import os

    from linebot.v3.messaging import ApiClient, Configuration, MessagingApi

    pid = os.getpid()
    key = (pid, settings.LINE_API_URL, settings.LINE_CHANNEL_ACCESS_TOKEN)
    client = _clients.get(key)
    if client is None:
        configuration = Configuration(
            host=settings.LINE_API_URL, access_token=settings.LINE_CHANNEL_ACCESS_TOKEN
        )
        # We retry ourselves, with the retry key; urllib3 must not resend on its own.
        configuration.retries = False
        # Enough pooled connections for a threaded worker's concurrency.
        configuration.connection_pool_maxsize = 32
        client = MessagingApi(ApiClient(configuration))
        _clients.clear()
        _clients[key] = client
    return client


def _call(method_name: str, request, retry_key: str | None = None):
    import urllib3
    from linebot.v3.messaging.exceptions import ApiException

    kwargs = {"_request_timeout": settings.LINE_API_TIMEOUT_SECONDS}
    if retry_key is not None:
        kwargs["x_line_retry_key"] = str(retry_key)
    try:
        return getattr(_api(), method_name)(request, **kwargs)
    except ApiException as exc:
        status = exc.status or 0
        detail = (exc.body or b"")[:500]
        detail = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
        if status == 409 and retry_key is not None:
            return None  # accepted by an earlier attempt with this key
        if status == 429:
            raise LineRateLimited(detail) from exc
        if status >= 500:
            raise LineRetryable(f"{status}: {detail}") from exc
        raise LineRejected(status, detail) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise LineRetryable(type(exc).__name__) from exc


def _checked(messages: list[dict]) -> list:
    from linebot.v3.messaging import Message

    if not 1 <= len(messages) <= MAX_MESSAGES_PER_REQUEST:
        raise ValueError(f"a LINE request carries 1 to {MAX_MESSAGES_PER_REQUEST} messages")
    return [Message.from_dict(message) for message in messages]


def push(user_id: str, messages: list[dict], *, retry_key: str) -> None:
    from linebot.v3.messaging import PushMessageRequest

    _call("push_message", PushMessageRequest(to=user_id, messages=_checked(messages)), retry_key)


def multicast(user_ids: list[str], messages: list[dict], *, retry_key: str) -> None:
    from linebot.v3.messaging import MulticastRequest

    if not 1 <= len(user_ids) <= MULTICAST_MAX_RECIPIENTS:
        raise ValueError(f"a multicast goes to 1 to {MULTICAST_MAX_RECIPIENTS} users")
    _call("multicast", MulticastRequest(to=user_ids, messages=_checked(messages)), retry_key)


def broadcast(messages: list[dict], *, retry_key: str) -> None:
    from linebot.v3.messaging import BroadcastRequest

    _call("broadcast", BroadcastRequest(messages=_checked(messages)), retry_key)


def reply(reply_token: str, messages: list[dict]) -> None:
    from linebot.v3.messaging import ReplyMessageRequest

    _call(
        "reply_message", ReplyMessageRequest(reply_token=reply_token, messages=_checked(messages))
    )


@dataclass(frozen=True)
class LineProfile:
    user_id: str
    display_name: str
    language: str


def profile(user_id: str) -> LineProfile:
    result = _call("get_profile", user_id)
    return LineProfile(
        user_id=result.user_id,
        display_name=result.display_name or "",
        language=getattr(result, "language", None) or "",
    )


def parse_webhook(body: str, signature: str | None) -> list:
    """Verify X-Line-Signature (HMAC-SHA256 of the raw body, base64) and parse the
    events. Raises InvalidSignature."""
    from linebot.v3 import WebhookParser
    from linebot.v3.exceptions import InvalidSignatureError

    try:
        return WebhookParser(settings.LINE_CHANNEL_SECRET).parse(body, signature or "")
    except InvalidSignatureError as exc:
        raise InvalidSignature(str(exc)) from exc


class InvalidSignature(LineError):
    pass
