"""Role × endpoint: every route the site answers (read from the URL resolver and the
OpenAPI schema), called with every method it may take by every role of the world
(tests/security/world.py), each call rolled back so the next starts from the same
state. Who may use a route is declared once, below; a route without a declaration
fails. For every call:

- never a server error;
- a role the route is for is let in (not sent to sign in, not refused);
- any other role is refused (sent to sign in, 403/404, or sent away) and changes
  nothing: the residents, reports, pickups, deliveries, stays, notices and shelters
  read the same after the call;
- the body holds no personal detail of anybody the role may not read (names, furigana,
  phone numbers, addresses, notes, birth dates: world.Person.readers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from django.db import connection, transaction
from django.test import TestCase
from drf_spectacular.generators import SchemaGenerator

from areas.models import Area
from evacuation.models import OffShelterReport, PickupRequest
from hakobou.testing import figures
from notices.models import Notice
from residents import urls as residents_urls
from residents.models import Resident, ResidentLink
from shelters.models import Shelter, Stay
from supplies.models import Delivery, DeliveryBatch, DistributionRound, SupplyRequest
from tests.security import world as w
from tests.security.routes import Route, all_routes, outcome

EVERYONE = frozenset(w.ROLES)
RESIDENTS = frozenset({w.RESIDENT_A, w.RESIDENT_B})
VOLUNTEERS = frozenset({w.VOLUNTEER_X, w.VOLUNTEER_Y})
RESPONDERS = VOLUNTEERS | {w.RECEPTION} | w.CITY


@dataclass(frozen=True)
class Access:
    """Who a route is for. ``signed``: nobody gets in with a session alone (a LINE
    signature or token is the key), so every role is refused alike."""

    roles: frozenset[str]
    signed: bool = False
    # Admin's pages of a model with no row yet answer 404 to everybody.
    absent_ok: bool = False
    note: str = field(default="", compare=False)


PUBLIC = Access(EVERYONE)
SIGNED = Access(frozenset(), signed=True)
RESIDENT = Access(RESIDENTS)  # any signed-in resident, for their own records
OWN_A = Access(frozenset({w.RESIDENT_A}))  # resident A's record in the path
DASHBOARD = Access(RESPONDERS)
FIELD = Access(VOLUNTEERS | w.CITY)  # volunteers' lists: each sees their own areas
AREA_X = Access(frozenset({w.VOLUNTEER_X}) | w.CITY)  # a record in area X
SHELTER_SX = Access(frozenset({w.RECEPTION}) | w.CITY)  # shelter SX's reception
CITY = Access(w.CITY)
# Staff whose admin rights the city narrowed to viewing read every list and change
# page and are refused adding and deleting.
ADMIN_VIEW = Access(w.CITY, absent_ok=True)
ADMIN_WRITE = Access(frozenset({w.SUPERUSER}), absent_ok=True)
ADMIN_DOORS = {"admin/login/": PUBLIC, "admin/logout/": PUBLIC, "admin/jsi18n/": PUBLIC}

REGISTRATION_STEPS = [route for route, _view, _name in residents_urls.REGISTRATION_STEPS]

DECLARED: dict[str, Access] = {
    "": PUBLIC,
    "healthz": PUBLIC,
    "login/": PUBLIC,
    "logout/": PUBLIC,
    "i18n/setlang/": PUBLIC,
    "api/schema/": PUBLIC,
    "shelters/": PUBLIC,
    "my/start/": PUBLIC,
    "my/web/": PUBLIC,
    "my/recover/": PUBLIC,
    "my/language/": PUBLIC,
    "my/sign-out/": PUBLIC,
    "line/webhook": SIGNED,
    "my/session/": SIGNED,
    "my/simulator-session/": SIGNED,
    "line-sim/oauth2/v2.1/verify": SIGNED,
    "line-sim/v2/bot/message/push": SIGNED,
    "line-sim/v2/bot/message/multicast": SIGNED,
    "line-sim/v2/bot/message/broadcast": SIGNED,
    "line-sim/v2/bot/message/reply": SIGNED,
    "line-sim/v2/bot/profile/<str:user_id>": SIGNED,
    # Shelter reception.
    "api/shelters/board": DASHBOARD,
    "api/shelters/<int:pk>/reception/lookup": SHELTER_SX,
    "api/shelters/<int:pk>/reception/check-in": SHELTER_SX,
    "api/shelters/<int:pk>/reception/check-out": SHELTER_SX,
    "api/shelters/<int:pk>/reception/transfer": SHELTER_SX,
    "dashboard/reception/<int:pk>/": SHELTER_SX,
    "dashboard/shelters/<int:pk>/roster/": SHELTER_SX,
    "dashboard/shelters/<int:pk>/roster.csv": SHELTER_SX,
    "dashboard/shelters/<int:pk>/supplies/": SHELTER_SX,
    "shelters/<int:pk>/poster/": SHELTER_SX,
    # The dashboard.
    "dashboard/": DASHBOARD,
    "dashboard/shelters/": DASHBOARD,
    "dashboard/shelters/<int:pk>/status": CITY,
    "dashboard/shelters/<int:pk>/supplies/requests/<int:request_pk>/close": CITY,
    "dashboard/supplies/": FIELD,
    "dashboard/supplies/rounds/<int:pk>/": FIELD,
    "dashboard/supplies/rounds/<int:pk>/open": CITY,
    "dashboard/supplies/rounds/<int:pk>/close": CITY,
    "dashboard/supplies/batches/<int:pk>/print": AREA_X,
    "dashboard/supplies/d/<str:token>/": AREA_X,
    "dashboard/segments/web-only.csv": CITY,
    "dashboard/notices/": CITY,
    "dashboard/notices/new": CITY,
    "dashboard/notices/<int:pk>/": CITY,
    "dashboard/notices/<int:pk>/approve": CITY,
    "dashboard/notices/<int:pk>/cancel": CITY,
    "dashboard/notices/<int:pk>/resend": CITY,
    "api/map/evacuees": FIELD,
    "api/map/pickups": FIELD,
    "api/map/deliveries": FIELD,
    "api/evacuees": FIELD,
    "api/evacuees/<int:pk>": AREA_X,
    "api/evacuees/<int:pk>/dismiss": AREA_X,
    "api/evacuees/<int:pk>/suspend": CITY,  # suspending an account is the city's call
    "api/pickups/<int:pk>/claim": AREA_X,
    "api/pickups/<int:pk>/release": AREA_X,
    "api/pickups/<int:pk>/hand-over": AREA_X,
    "api/pickups/<int:pk>/handover-candidates": AREA_X,
    "api/pickups/<int:pk>/picked-up": AREA_X,
    "api/pickups/<int:pk>/arrived": AREA_X,
    "api/pickups/<int:pk>/unable": AREA_X,
    "api/pickups/<int:pk>/notes": AREA_X,
    "api/deliveries": FIELD,
    "api/deliveries/<int:pk>": AREA_X,
    "api/deliveries/<int:pk>/deliver": AREA_X,
    "api/deliveries/<int:pk>/not-home": AREA_X,
    "api/deliveries/<int:pk>/refuse": AREA_X,
    "api/deliveries/<int:pk>/release": AREA_X,
    "api/deliveries/<int:pk>/resolve": AREA_X,
    "api/rounds/<int:pk>/take": FIELD,
    "api/batches/<int:pk>/hand-over": AREA_X,
    "api/batches/<int:pk>/handover-candidates": AREA_X,
    "api/segments/conditions": CITY,
    "api/segments/count": CITY,
    "api/notices/<int:pk>/report": CITY,
    # Registering someone else (a volunteer or reception helping at a desk).
    **{f"dashboard/register/{step}": DASHBOARD for step in REGISTRATION_STEPS},
    # The resident's own pages.
    **{f"my/register/{step}": RESIDENT for step in REGISTRATION_STEPS},
    "my/": RESIDENT,
    "my/web/code/": RESIDENT,
    "my/withdraw/": RESIDENT,
    "my/qr/": RESIDENT,
    "my/report/": RESIDENT,
    "my/report/place/": RESIDENT,
    "my/report/location/": RESIDENT,
    "my/report/people/": RESIDENT,
    "my/report/needs/": RESIDENT,
    "my/report/care/": RESIDENT,
    "my/report/note/": RESIDENT,
    "my/report/confirm/": RESIDENT,
    "my/report/pickup/": RESIDENT,
    "c/<str:token>/": RESIDENT,
    "my/residents/<int:pk>/": OWN_A,
    "my/residents/<int:pk>/unlink/": OWN_A,
    "my/report/<int:pk>/": OWN_A,
    "my/report/<int:pk>/end/": OWN_A,
    "my/report/pickup/<int:pk>/cancel/": OWN_A,
    "my/supplies/<int:pk>/answer/": OWN_A,
    "my/supplies/<int:pk>/note/": OWN_A,
    # The LINE simulator's inboxes (drill mode): city staff only.
    "line-sim/inbox/": CITY,
    "line-sim/inbox/new/": CITY,
    "line-sim/inbox/config/": CITY,
    # Resident A's own LINE inbox in the path: theirs to read and act in, and staff's.
    **{
        f"line-sim/inbox/<str:user_id>/{step}": Access(w.CITY | {w.RESIDENT_A})
        for step in ("", "messages/", "say/", "tap/", "follow/", "unfollow/")
    },
}

# What a refused call may look like: sent to sign in, refused, or sent on to a page of
# its own ("away": e.g. a resident's /my/ with 「見つかりません」).
REFUSED = {"login", "start", "denied", "away", "method"}
LET_IN = {"ok", "away", "method", "invalid", "limited"}


def access_of(route: Route) -> Access | None:
    """Admin's routes follow from its registrations: one rule for all of them."""
    if not route.is_admin:
        return DECLARED.get(route.path)
    if route.path in ADMIN_DOORS:
        return ADMIN_DOORS[route.path]
    if route.path.endswith(("add/", "delete/", "password/")) or route.path == "admin/autocomplete/":
        return ADMIN_WRITE
    return ADMIN_VIEW


@cache
def schema_operations() -> dict[str, set[str]]:
    """{path as the resolver spells it: methods} from the OpenAPI schema."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found: dict[str, set[str]] = {}
    for path, operations in schema["paths"].items():
        # drf-spectacular names a primary key "id"; the resolver's patterns say pk.
        pattern = re.sub(
            r"\{(\w+)\}",
            lambda m: f"<int:{'pk' if m.group(1) == 'id' else m.group(1)}>",
            path.lstrip("/"),
        )
        found[pattern] = {method.upper() for method in operations if method != "parameters"}
    return found


WATCHED = (
    Resident,
    ResidentLink,
    OffShelterReport,
    PickupRequest,
    Delivery,
    DeliveryBatch,
    DistributionRound,
    SupplyRequest,
    Stay,
    Notice,
    Shelter,
    Area,
)


def fingerprint() -> object:
    """The records a refused call must leave as they were: on PostgreSQL a digest of
    every watched row in one query (the matrix takes a few thousand), else the rows."""
    if connection.vendor != "postgresql":
        return [list(model.objects.order_by("pk").values()) for model in WATCHED]
    digests = ", ".join(
        f"(SELECT md5(string_agg(t::text, ',' ORDER BY t.id)) FROM {model._meta.db_table} t)"  # noqa: S608 - our own table names
        for model in WATCHED
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ARRAY[{digests}]")
        return cursor.fetchone()[0]


class _RollBack(Exception):
    pass


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _methods(route: Route, schema: dict[str, set[str]]) -> list[str]:
    if route.is_admin:
        return ["GET"]
    return sorted({"GET", "POST"} | schema.get(route.path, set()))


class MatrixTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = w.build_world()

    def call(self, route: Route, method: str, role: str, baseline: object):
        """One call, rolled back; returns (outcome, body, changed)."""
        result = {}
        try:
            with transaction.atomic():
                client = self.world.client(role)
                url = route.url(self.world)
                response = client.generic(method, url, content_type="application/json")
                result["outcome"] = outcome(response)
                result["status"] = response.status_code
                result["body"] = _body(response)
                result["changed"] = baseline is not None and fingerprint() != baseline
                raise _RollBack
        except _RollBack:
            pass
        return result

    def check_route(self, route: Route) -> None:
        access = access_of(route)
        self.assertIsNotNone(access, f"/{route.path} has no declaration in test_matrix")
        markers = self.world.markers()
        for method in _methods(route, schema_operations()):
            # Admin is only read here (GET), and it lets nobody but staff past its door.
            baseline = None if route.is_admin else fingerprint()
            for role in w.ROLES:
                let_in = role in access.roles
                result = self.call(route, method, role, None if let_in else baseline)
                figures.count("matrix: calls (route × method × role)")
                where = f"{method} /{route.path} as {role}: {result['status']}"
                self.assertLess(result["status"], 500, where)
                if access is PUBLIC:
                    pass  # signing out lands on a sign-in page, for instance
                elif let_in:
                    allowed = LET_IN | ({"denied"} if access.absent_ok else set())
                    self.assertIn(result["outcome"], allowed, where)
                elif access.signed:
                    self.assertIn(result["outcome"], REFUSED | {"invalid"}, where)
                else:
                    self.assertIn(result["outcome"], REFUSED, where)
                    self.assertFalse(result["changed"], f"{where} changed records")
                leaked = [
                    text
                    for text, readers in markers.items()
                    if role not in readers and text in result["body"]
                ]
                figures.count("matrix: bodies searched for others' data")
                if leaked:
                    figures.count("matrix: leaks")
                self.assertEqual(leaked, [], f"{where} shows what {role} may not read")


ROUTES = all_routes()


def _test_for(route: Route):
    def test(self) -> None:
        self.check_route(route)

    test.__doc__ = f"/{route.path}"
    return test


for _index, _route in enumerate(ROUTES):
    _slug = "".join(c if c.isalnum() else "_" for c in _route.path).strip("_") or "home"
    setattr(MatrixTestCase, f"test_{_index:03d}_{_slug}"[:120], _test_for(_route))


class DeclarationsTestCase(TestCase):
    def test_every_route_is_declared_and_every_declaration_is_a_route(self) -> None:
        paths = {route.path for route in ROUTES if not route.is_admin}
        self.assertEqual(sorted(paths - DECLARED.keys()), [], "routes without a declaration")
        self.assertEqual(sorted(DECLARED.keys() - paths), [], "declarations of no route")
        figures.record("matrix: routes", len(ROUTES))
        figures.record("matrix: roles", len(w.ROLES))

    def test_every_api_operation_of_the_schema_is_a_declared_route(self) -> None:
        schema = schema_operations()
        paths = {route.path for route in ROUTES}
        missing = sorted(path for path in schema if path not in paths)
        self.assertEqual(missing, [], "schema paths the resolver does not know")
        figures.record("matrix: API operations in the schema", sum(map(len, schema.values())))


class MarkersAreFoundTestCase(TestCase):
    """The search for others' details finds them where they are meant to be read, so an
    empty search in the matrix means absent, not missed."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.world = w.build_world()

    def body(self, role: str, url: str) -> str:
        response = self.world.client(role).get(url)
        self.assertEqual(response.status_code, 200, url)
        return _body(response)

    def test_each_reader_finds_the_details_they_are_meant_to_read(self) -> None:
        world = self.world
        own = self.body(w.RESIDENT_A, f"/my/residents/{world.resident_a.pk}/")
        self.assertIn(w.PERSON_A.name, own)
        detail = self.body(w.VOLUNTEER_X, f"/api/evacuees/{world.report_a.pk}")
        self.assertIn(w.PERSON_A.name, detail)
        self.assertIn(w.PERSON_A.phone, detail)
        roster = self.body(w.RECEPTION, f"/dashboard/shelters/{world.shelter_x.pk}/roster/")
        self.assertIn(w.PERSON_C.name, roster)
        admin = self.body(w.SUPERUSER, f"/admin/residents/resident/{world.resident_b.pk}/change/")
        self.assertIn(w.PERSON_B.kana, admin)
        birth_forms = [
            text for text, readers in w.PERSON_B.markers().items() if w.VOLUNTEER_Y not in readers
        ]
        self.assertTrue(any(form in admin for form in birth_forms), "B's birth date in admin")
