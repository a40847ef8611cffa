"""Hostile bodies to every route never get a server error: invalid or deeply nested
JSON, the wrong content type, an array where an object belongs, huge strings, bytes
that are not UTF-8, NUL characters, absurd numbers and ids of nothing all answer 4xx
(or the form again, with its errors), never a 5xx and never a traceback.

The routes come from the URL resolver, each asked as someone who may use it (staff for
the dashboard and its API, a signed-in resident for /my/, a signed webhook for LINE's
endpoint) and with the ids of real objects, so a request reaches the view's own code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import inspect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import serializers

from dashboard.api import delivery_steps, pickups, segments
from dashboard.supply_views import sign_delivery
from evacuation.models import PickupRequest
from hakobou.testing import figures
from messaging import simulator
from messaging.models import SimulatedUser
from residents.identity import ACCOUNT_KEY
from shelters import api as shelter_api
from shelters.tokens import poster_token
from supplies.models import Delivery, DeliveryBatch, SupplyRequest
from tests.security.hostile import XSS_PAYLOADS, World, hostile_world

SENT = "hostile input: malformed requests sent"
SERVER_ERRORS = "hostile input: 5xx answers"
NOWHERE = 2_147_483_000  # an id no row has
HUGE = "x" * 1_000_000
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# Keys every API or form might read, with those the input serializers declare.
COMMON_KEYS = [
    "note", "reason", "text", "name", "title", "texts", "id", "pk", "to", "user",
    "user_id", "people", "count", "companions", "quantities", "delivered", "items",
    "segment", "answer", "display_name", "id_token", "ref", "language", "next", "kana",
    "year", "month", "day", "era", "latitude", "longitude", "token", "resident",
    "destination", "since", "limit", "bbox", "zoom", "status", "code", "events",
]  # fmt: skip


def _input_fields() -> set[str]:
    names: set[str] = set()
    for module in (delivery_steps, pickups, segments, shelter_api):
        for _, cls in inspect.getmembers(module, inspect.isclass):
            for candidate in (
                cls,
                getattr(cls, "Input", None),
                getattr(cls, "InputSerializer", None),
            ):
                if (
                    isinstance(candidate, type)
                    and issubclass(candidate, serializers.Serializer)
                    and "Input" in candidate.__name__
                ):
                    names.update(candidate().fields)
    return names


KEYS = sorted({*COMMON_KEYS, *_input_fields()})


@dataclass(frozen=True)
class Route:
    path: str  # with <converters> left in
    name: str


def routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[Route]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern) == "admin/":
                continue  # Django's admin: its own forms; the XSS test opens its pages
            yield from routes(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Route(prefix + str(entry.pattern), entry.name or "")


def _json(text: str) -> bytes:
    return text.encode()


def _huge_object() -> bytes:
    return json.dumps(dict.fromkeys(KEYS, "x" * 2000) | {"note": HUGE}).encode()


def _object(value_text: str) -> bytes:
    return ("{" + ", ".join(f'"{k}": {value_text}' for k in KEYS) + "}").encode()


# (label, content type, body): sent as POST, PUT and PATCH.
BODIES: list[tuple[str, str, bytes]] = [
    ("invalid JSON", JSON, b'{"note": '),
    ("wrong content type", "application/xml", b"<note>x</note>"),
    ("text/plain", "text/plain", b"note=x"),
    ("a JSON array", JSON, b"[1, 2, 3]"),
    ("a JSON string", JSON, b'"x"'),
    ("JSON null", JSON, b"null"),
    ("deeply nested JSON array", JSON, b"[" * 100_000 + b"]" * 100_000),
    ("deeply nested JSON object", JSON, b'{"a":' * 50_000 + b"1" + b"}" * 50_000),
    ("non-UTF-8 JSON", JSON, b'{"note": "\xff\xfe\xfa"}'),
    ("non-UTF-8 form", FORM, b"note=\xff\xfe&text=%FF%FE&name=\xc3\x28"),
    ("a 1 MB string in JSON", JSON, _huge_object()),
    ("NUL in JSON strings", JSON, _object('"a\\u0000b"')),
    ("1e309 in JSON", JSON, _object("1e309")),
    ("-1 in JSON", JSON, _object("-1")),
    ("2**63 in JSON", JSON, _object(str(2**63))),
    ("NaN in JSON", JSON, _object("NaN")),
    ("lists of absurd ids in JSON", JSON, _object(f"[{NOWHERE}, {2**63}, -1]")),
    ("objects in JSON", JSON, _object('{"id": 1, "x": [null]}')),
    ("ids of nothing in JSON", JSON, _object(str(NOWHERE))),
]  # fmt: skip
FORM_VALUES = {
    "a 1 MB string": HUGE,
    "NUL": "a\x00b",
    "1e309": "1e309",
    "-1": "-1",
    "2**63": str(2**63),
    "an id of nothing": str(NOWHERE),
    "a payload": XSS_PAYLOADS[0],
}
QUERY = {
    k: v
    for k, v in {
        "since": str(2**63),
        "limit": "1e309",
        "bbox": "1e309,-1,NaN,2",
        "zoom": str(2**63),
        "status": "\x00",
        "area": str(NOWHERE),
        "q": "a\x00b",
        "kana": "\xff",
        "cursor": "!!",
        "page": "-1",
        "next": "//evil.example",
    }.items()
}


@pytest.fixture
def world(db, tmp_path) -> World:
    return hostile_world(XSS_PAYLOADS, data_dir=tmp_path)


def _ids(world: World) -> dict[str, str]:
    """A real value for each path converter, by the route's path prefix."""
    pickup = PickupRequest.objects.first()
    delivery = Delivery.objects.filter(report__account=world.resident_account).first()
    delivery = delivery or Delivery.objects.first()
    batch = DeliveryBatch.objects.first()
    return {
        "api/shelters/": str(world.shelter.pk),
        "dashboard/shelters/": str(world.shelter.pk),
        "dashboard/reception/": str(world.shelter.pk),
        "shelters/": str(world.shelter.pk),
        "dashboard/supplies/rounds/": str(world.round.pk),
        "dashboard/supplies/batches/": str(batch.pk if batch else NOWHERE),
        "dashboard/supplies/d/": sign_delivery(delivery.pk),
        "dashboard/notices/": str(world.notice.pk),
        "api/notices/": str(world.notice.pk),
        "api/evacuees/": str(world.report.pk),
        "api/pickups/": str(pickup.pk),
        "api/deliveries/": str(delivery.pk),
        "api/rounds/": str(world.round.pk),
        "api/batches/": str(batch.pk if batch else NOWHERE),
        "my/residents/": str(world.resident_account.links.first().resident_id),
        "my/report/pickup/": str(pickup.pk),
        "my/report/": str(world.report.pk),
        "my/supplies/": str(delivery.pk),
        "c/": poster_token(world.shelter),
        "line-sim/": world.line_user.user_id,
        "request_pk": str(SupplyRequest.objects.first().pk),
    }


def concrete(route: Route, ids: dict[str, str], *, nowhere: bool = False) -> str:
    prefix = max((p for p in ids if route.path.startswith(p)), key=len, default="")

    def value(match: re.Match) -> str:
        converter, name = match.group(1), match.group(2)
        if nowhere:
            return str(NOWHERE) if converter == "int" else "nothing-here"
        if name == "request_pk":
            return ids["request_pk"]
        return ids.get(prefix, str(NOWHERE))

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route.path)


# Routes that end the session they are called in: asked last, and each route is asked
# signed in afresh, so a sign-out cannot turn the rest into requests from nobody.
ENDS_A_SESSION = ("logout/", "my/sign-out/", "my/withdraw/")
WHO = ("staff", "resident", "anonymous")


class Clients:
    """A client per role, signed in again whenever a route ended its session."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.clients = {who: Client(raise_request_exception=False) for who in WHO}

    def __call__(self, who: str) -> Client:
        client = self.clients[who]
        if who == "staff" and "_auth_user_id" not in client.session:
            client.force_login(self.world.staff)
        elif who == "resident" and ACCOUNT_KEY not in client.session:
            token = simulator.id_token_issue(self.world.line_user)
            assert client.post("/my/session/", {"id_token": token}).status_code == 200
        return client


def _who(route: Route) -> str:
    if route.path.startswith(("my/", "c/")):
        return "resident"
    if route.path.startswith(("line/", "line-sim/v2/", "line-sim/oauth2/", "login/")):
        return "anonymous"
    return "staff"


def _headers(route: Route, body: bytes) -> dict[str, str]:
    if route.path.startswith("line/webhook"):
        digest = hmac.new(settings.LINE_CHANNEL_SECRET.encode(), body, hashlib.sha256).digest()
        return {"X-Line-Signature": base64.b64encode(digest).decode()}
    if route.path.startswith("line-sim/v2/"):
        return {"Authorization": f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"}
    return {}


def _form_names(client: Client, url: str) -> list[str]:
    page = client.get(url)
    if page.status_code != 200 or "html" not in page.get("Content-Type", ""):
        return []
    names = re.findall(rb'name="([\w\-\[\]]+)"', page.content)
    return sorted({n.decode() for n in names} - {"csrfmiddlewaretoken"})


def test_hostile_bodies_never_get_a_server_error(world):
    ids = _ids(world)
    client_for = Clients(world)
    failures: list[str] = []
    sent = 0
    all_routes = list(routes())
    figures.record("hostile input: routes sent malformed bodies", len(all_routes))

    def check(response, what: str) -> None:
        nonlocal sent
        sent += 1
        body = response.content if not response.streaming else b""
        if response.status_code >= 500 or b"Traceback" in body:
            failures.append(f"{what}: {response.status_code} {body[:200]!r}")

    for route in sorted(all_routes, key=lambda route: route.path in ENDS_A_SESSION):
        client = client_for(_who(route))
        url = concrete(route, ids)
        check(client.get(url, QUERY), f"GET {url} (hostile query)")
        takes_post = True
        for method in ("post", "put", "patch"):
            for label, content_type, body in BODIES:
                response = getattr(client, method)(
                    url, body, content_type=content_type, headers=_headers(route, body)
                )
                check(response, f"{method.upper()} {url} ({label})")
                if response.status_code == 405:  # refused before any body is read
                    takes_post = takes_post and method != "post"
                    break
        if takes_post:
            names = _form_names(client, url) or KEYS
            for label, value in FORM_VALUES.items():
                data = dict.fromkeys(names, value)
                check(client.post(url, data), f"POST {url} (form: {label})")
        if "<" in route.path:  # the same route for an object that does not exist
            url = concrete(route, ids, nowhere=True)
            check(client.get(url, QUERY), f"GET {url} (hostile query)")
            check(client.post(url, BODIES[0][2], content_type=JSON), f"POST {url} (bad JSON)")
            check(client.post(url, dict.fromkeys(KEYS, "1")), f"POST {url} (form)")
    figures.count(SENT, sent)
    figures.count(SERVER_ERRORS, len(failures))
    assert failures == [], "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url,content_type",
    [
        ("/dashboard/notices/new", FORM),
        ("/api/segments/count", JSON),
        ("/line/webhook", JSON),
        ("/line-sim/inbox/new/", FORM),
    ],
)
def test_a_body_over_the_limit_is_refused_not_a_server_error(cast, url, content_type):
    client = Client(raise_request_exception=False)
    client.force_login(cast.staff)
    too_big = b"note=" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    if content_type == JSON:
        too_big = b'{"note": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1) + b'"}'
    response = client.post(url, too_big, content_type=content_type)
    figures.count(SENT)
    if response.status_code >= 500:
        figures.count(SERVER_ERRORS)
    assert response.status_code in (400, 413), (url, response.status_code)
    if content_type == FORM:  # a page: it says what happened, in Japanese first
        assert "送られた内容を受け付けられませんでした" in response.content.decode()


@pytest.mark.django_db
def test_a_request_for_another_host_is_refused_with_the_same_page():
    """Django's other 400 (a Host header not in ALLOWED_HOSTS) renders the same page
    without asking the request for its host again."""
    response = Client(raise_request_exception=False).get("/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert "送られた内容を受け付けられませんでした" in response.content.decode()


DEEP = b"[" * 100_000 + b"]" * 100_000


@pytest.mark.django_db
def test_json_nested_too_deeply_is_refused_with_a_message(cast):
    client = Client(raise_request_exception=False)
    client.force_login(cast.staff)
    response = client.post("/api/segments/count", DEEP, content_type=JSON)
    assert response.status_code == 400
    assert response.json()["message"] == "JSON の入れ子が深すぎるため読み取れません。"


@pytest.mark.django_db
def test_the_simulated_line_api_refuses_json_nested_too_deeply():
    response = Client(raise_request_exception=False).post(
        "/line-sim/v2/bot/message/push",
        DEEP,
        content_type=JSON,
        headers={"Authorization": f"Bearer {settings.LINE_CHANNEL_ACCESS_TOKEN}"},
    )
    assert response.status_code == 400


@pytest.mark.django_db
def test_a_nul_in_the_drill_sign_in_is_dropped(cast):
    client = Client(raise_request_exception=False)
    response = client.post("/my/simulator-session/", {"display_name": "花\x00子"})
    assert response.status_code == 302
    assert response["Location"] == "/my/"
    assert SimulatedUser.objects.get().display_name == "花子"
    client.force_login(cast.staff)
    response = client.post("/my/simulator-session/", {"user_id": "U\x00"})
    assert response.status_code == 302
    assert response["Location"].startswith("/my/start/")


@pytest.mark.django_db
def test_a_helper_agreeing_to_the_consent_step_goes_on(cast):
    """The consent step is a resident's own; a helper who posts it (an old tab, a
    replayed form) goes on to the furigana step instead of a server error."""
    client = Client(raise_request_exception=False)
    client.force_login(cast.staff)
    response = client.post("/dashboard/register/consent/", {"agree": "on"})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/register/kana/"


@pytest.mark.django_db
def test_a_nul_in_the_simulator_search_is_dropped(cast):
    simulator.simulated_user_create(display_name="函館 花子")
    client = Client(raise_request_exception=False)
    client.force_login(cast.staff)
    response = client.get("/line-sim/inbox/", {"q": "花\x00子"})
    assert response.status_code == 200
