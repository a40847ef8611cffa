"""The JSON API fuzzed from its own OpenAPI schema (#18): schemathesis generates valid
and invalid requests for every operation at /api/schema/ and sends them in-process
(WSGI) as each role. Every answer must be no server error and what the schema says:
a documented status code, its content type, its body's shape.

The world is the drill's (hakobou.services.drill_seed) plus a notice and a batch out,
so a path's id is sometimes a real pickup, delivery, evacuee or notice of the role's
area and sometimes one outside it or nobody's."""

from __future__ import annotations

import contextlib
import secrets
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from areas.services import staff_upsert
from evacuation.models import OffShelterReport, PickupRequest
from hakobou import drill
from hakobou.services import drill_seed
from hakobou.testing import figures
from hakobou.wsgi import application
from messaging import simulator
from notices.models import Notice
from notices.services import notice_create, notice_submit
from shelters.models import Shelter
from shelters.tests.factories import ShelterFactory
from supplies.deliveries import deliveries_take
from supplies.models import Delivery, DeliveryBatch, DistributionRound

pytestmark = pytest.mark.django_db

# Examples per operation and generation mode (valid, invalid): the whole run stays well
# under 90 s. Anonymous callers and residents are refused at the door: fewer suffice.
EXAMPLES = {"anonymous": 2, "resident": 2}
MORE_EXAMPLES = 4
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
ROLES = ("anonymous", "resident", "volunteer", "reception", "city staff", "superuser")
# A path's {id} names one of these; the fuzzer's own integers reach nobody's.
PATH_MODELS = {
    "/api/evacuees/": OffShelterReport,
    "/api/pickups/": PickupRequest,
    "/api/deliveries/": Delivery,
    "/api/rounds/": DistributionRound,
    "/api/batches/": DeliveryBatch,
    "/api/notices/": Notice,
    "/api/shelters/": Shelter,
}

User = get_user_model()


@dataclass
class Findings:
    requests: int = 0
    server_errors: int = 0
    mismatches: list[str] = field(default_factory=list)
    # Answered 2xx, per role: a run where a role is refused everything tested nothing.
    answered: Counter[str] = field(default_factory=Counter)


def _world(tmp_path) -> dict[str, dict[str, str]]:
    """The drill's world; answers each role's cookies (session and CSRF)."""
    drill_seed(registry_path=tmp_path / "registry.csv")
    superuser = User.objects.get(username=drill.ACCOUNTS[0].username)
    staff = staff_upsert(username="fuzz-staff", password=None, full_name="市 職員")
    staff.is_superuser = False
    staff.save(update_fields=["is_superuser"])
    volunteer = User.objects.get(username="yachigashira")
    notice = notice_create(
        title="給水",
        segment={"if": "off_shelter", "value": str(volunteer.responder_profile.areas.first().pk)},
        texts={"ja": "【お知らせ】給水をしています。"},
        by_user=superuser,
    )
    notice_submit(notice=notice, by_user=superuser)
    deliveries_take(round=DistributionRound.objects.get(), user=volunteer, count=2)

    users = {
        "volunteer": volunteer,
        "reception": User.objects.get(username="aoyagi-reception"),
        "city staff": staff,
        "superuser": superuser,
    }
    csrf = secrets.token_hex(16)
    cookies = {}
    for role in ROLES:
        client = Client()
        if role == "resident":
            line_user = simulator.simulated_user_create(display_name="函館 花子")
            client.post("/my/session/", {"id_token": simulator.id_token_issue(line_user)})
        elif role in users:
            client.force_login(users[role])
        cookies[role] = {settings.CSRF_COOKIE_NAME: csrf}
        if role != "anonymous":
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookies[role][settings.SESSION_COOKIE_NAME] = session
    return cookies


def _ids(path: str) -> list[int]:
    for prefix, model in PATH_MODELS.items():
        if path.startswith(prefix):
            return list(model.objects.values_list("pk", flat=True)[:50])
    return []


def _cases(operation) -> st.SearchStrategy:
    """Valid and invalid requests to one operation; with an {id}, mostly a real object
    (in or outside the role's areas), else the fuzzer's own id."""
    ids = _ids(operation.path)
    real_id = st.sampled_from(ids) if ids else st.none()
    return st.tuples(
        st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ),
        st.one_of(st.none(), real_id, real_id),
    )


def _fuzz(operation, cases, *, cookies: dict[str, str], role: str, findings: Findings) -> None:
    """Requests to one operation as one role; every problem is kept in ``findings``
    (none stops the run, so one run lists them all)."""

    @hypothesis_settings(
        max_examples=EXAMPLES.get(role, MORE_EXAMPLES) * 2,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(drawn=cases)
    def run(drawn):
        case, real = drawn
        if real is not None and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = real
        headers = {"X-CSRFToken": cookies[settings.CSRF_COOKIE_NAME]}
        response = case.call(headers=headers, cookies=cookies)
        findings.requests += 1
        if 200 <= response.status_code < 300:
            findings.answered[role] += 1
        if response.status_code >= 500:
            findings.server_errors += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (Failure, FailureGroup) as exc:
            failures = exc.exceptions if isinstance(exc, FailureGroup) else (exc,)
            findings.mismatches += [
                f"{role}: {operation.label} {case.path_parameters} -> "
                f"{response.status_code}: {failure.title}: {failure.message[:300]}"
                for failure in failures
            ]

    run()


@contextlib.contextmanager
def served_in_process():
    """As Django's test client does: a request served by the WSGI application must not
    close the test's connection (its transaction holds the world)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield application
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_every_operation_answers_every_role_as_its_schema_says(tmp_path):
    cookies = _world(tmp_path)
    with served_in_process() as app:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", app)
        operations = [result.ok() for result in schema.get_all_operations()]
        findings = Findings()
        cases = {operation.label: _cases(operation) for operation in operations}
        for role in ROLES:
            for operation in operations:
                _fuzz(
                    operation,
                    cases[operation.label],
                    cookies=cookies[role],
                    role=role,
                    findings=findings,
                )

    figures.count("fuzzing: API operations fuzzed × roles", len(operations) * len(ROLES))
    figures.count("fuzzing: requests sent", findings.requests)
    figures.count("fuzzing: 5xx answers", findings.server_errors)
    figures.count("fuzzing: schema mismatches", len(findings.mismatches))
    assert all(findings.answered[role] for role in ROLES[2:]), findings.answered
    assert findings.server_errors == 0, findings.mismatches
    assert findings.mismatches == [], "\n".join(sorted(set(findings.mismatches)))


# --- What the fuzzing found, each kept fixed -------------------------------------------


@pytest.fixture
def reception_world(cast):
    shelter = ShelterFactory(name="青柳小学校 体育館")
    return shelter, ShelterFactory(name="函館公園")


def test_an_api_address_whose_id_is_not_a_number_answers_in_json(client, cast):
    client.force_login(cast.volunteer_a)
    for method, path in (("get", "/api/evacuees/abc"), ("post", "/api/pickups/-1/claim")):
        response = getattr(client, method)(path)
        assert response.status_code == 404
        assert response.json() == {
            "code": "not_found",
            "message": "見つかりません。担当地区の外か、すでに終わっています。",
        }
    assert client.get("/my/nothing-here/").headers["Content-Type"].startswith("text/html")


def test_refusals_by_drf_itself_have_the_problem_shape(client, cast, reception_world):
    shelter, other = reception_world
    shelter.reception.add(cast.volunteer_b)
    client.force_login(cast.volunteer_b)
    lookup = f"/api/shelters/{shelter.pk}/reception/lookup"
    too_long = client.post(lookup, {"kana": "ア" * 101}, content_type="application/json")
    assert too_long.status_code == 400
    assert too_long.json()["code"] == "invalid_kana"
    malformed = client.post(lookup, "{", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "parse_error"
    elsewhere = client.post(f"/api/shelters/{other.pk}/reception/check-in", {})
    assert elsewhere.status_code == 403
    assert elsewhere.json() == {
        "code": "forbidden",
        "message": "この避難所の受付をする権限がありません。",
    }
    nowhere = client.post(f"/api/shelters/{other.pk + 1000}/reception/lookup", {})
    assert nowhere.status_code == 404
    assert set(nowhere.json()) == {"code", "message"}


def test_the_schema_declares_the_refusals_the_api_gives(client, cast):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]

    def answers(path: str, method: str = "post") -> set[str]:
        return set(paths[path][method]["responses"])

    assert "403" in answers("/api/pickups/{id}/claim")
    assert "403" in answers("/api/pickups/{id}/handover-candidates", "get")
    assert "403" in answers("/api/shelters/board", "get")
    assert {"403", "404"} <= answers("/api/shelters/{id}/reception/lookup")
    assert {"403", "404", "409"} <= answers("/api/shelters/{id}/reception/check-in")
    assert "304" in answers("/api/notices/{id}/report", "get")
    # A list row that only says "removed" has no pickup.
    row = schema["components"]["schemas"]["EvacueeRow"]
    assert "pickup" not in row.get("required", [])
