"""Map layer benchmark: the dashboard's evacuee layer for any viewport, through gunicorn.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hakobou REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/map_layer.py [--reports 100000] [--viewports 300] \\
        [--repeat 20] [--workers 3] [--reseed] [--explain]

Target: map layer for any viewport p50 ≤ 150 ms, ≤ 200 KB at 100,000
active off-shelter evacuees. What is timed is what the dashboard's map does when it
is panned or zoomed: ``GET /api/map/evacuees?bbox=w,s,e,n&zoom=z`` (the dashboard API's
``EvacueeLayerApi``: points up to ``POINT_LIMIT``, server-side grid clusters above it)
with the user's session cookie, over HTTP, one request at a time, answered by the
project's WSGI app under gunicorn (3 sync workers, the Dockerfile's command) in
production mode (DEBUG=false, keys and secret generated per run, no TLS redirect since
the bench speaks plain HTTP to 127.0.0.1), on PostgreSQL.

Why gunicorn and not the test Client in-process: the figure is the latency a browser
sees, and for the biggest answers part of it is the server writing the bytes; the
test Client also swaps request signals and copies every response into its own
object, which costs what no deployment pays. The fixed cost of a request through this
stack is measured on its own (the same GET with a bbox the view rejects: session,
user, permission check, DRF, HTTP, but no layer query) so the rest can be read as the
layer's own cost.

Viewports: a browser window of 1280 × 800 px at zoom z, converted to a bbox with Web
Mercator (256 px tiles: x = (lng + 180) / 360 · 256 · 2^z, y from
ln(tan(π/4 + φ/2)); exact, not the cos(φ) approximation). ``--viewports`` of them
drawn with a fixed seed: zoom uniform in 11–18, centres from the evacuees' own
distribution (70 %: people look where people are) or anywhere in the city box
(30 %). Then the worst cases, each ``--repeat`` times: the whole city at zoom 11 and
at zoom 12 (clusters over all 100,000 rows) and a dense zoom-16 viewport at the city
centre. All requests are sent in one shuffled order. Each is timed from connect to the
last byte and its body size recorded (KB = 1,000 bytes, uncompressed: the project has
no gzip middleware; the gzipped size is printed too). Reported per zoom band, per
worst case and overall: p50 / p95 / max time, p95 / max size. Twice: for a city staff
user (sees the whole city) and for a volunteer restricted to the ``--volunteer-areas``
areas nearest the centre (the ``area_id IN (their areas)`` path), same viewports.

Floor, same run, same viewports: the same rows fetched by hand with a plain psycopg
connection (no ORM, no prepared statements, so a plan is made per query as Django's
are) and serialised with ``json.dumps`` the way DRF's renderer does (compact,
non-ASCII kept, 5-decimal coordinates): for a viewport the view answered with points,
``SELECT <the same 7 columns> … WHERE status = 'active' AND <bbox> [AND area_id =
ANY(<the volunteer's areas>)] ORDER BY updated_at DESC, id DESC LIMIT 400``; for one
it answered with clusters, the same aggregate (``GROUP BY floor(lng / cell),
floor(lat / cell)`` with the grid cell the view uses). The floor is told which kind
to send; the view decides it with a ``LIMIT 401`` probe first, which is part of what
the ratio shows. Every answer is checked against the floor's (kind, point ids,
cluster counts). The ratio is p50(view) ÷ p50(floor). The last line is the headline.

Data: ``--reports`` active reports (one account each, no people rows: the layer never
reads them) spread over the city box (lat 41.70–41.86, lng 140.65–140.95) as a
mixture of gaussians around eight town centres plus 8 % uniform background;
``--areas`` areas (町会) with centres drawn from the same mixture, each report in the
area of the nearest centre (a Voronoi tiling: real 町会 boundaries cover the city);
random needs, care considerations and the urgency the service derives from them;
updated within the last 48 hours. Seeded with COPY (5 s here) and VACUUM
ANALYZEd, as autovacuum leaves a long-lived table; reused when it is already there with
the same counts (``--reseed`` forces a new one). ``--explain`` prints EXPLAIN ANALYZE
of the view's queries for the worst cases.

It never touches the database DATABASE_URL names: it works in a sibling database
``<name>_bench_map`` (created when missing, migrated). REDIS_URL is passed to the
server as it is (the layer does not use Redis; sessions are in the database).
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import http.client
import json
import math
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (
    Child,
    CpuMeter,
    django_on_bench_database,
    free_port,
    gunicorn_argv,
    interrupt_on_sigterm,
    log,
    log_problems,
    postgres_bench_url,
    production_env,
    run_with_children,
    truncate,
    wait_for_http,
)

SCRIPT = "bench/map_layer.py"
BENCH_SUFFIX = "_bench_map"
TARGET_P50_MS = 150.0
TARGET_BYTES = 200_000
LAYER_PATH = "/api/map/evacuees"
AREA_PREFIX = "BM"
STAFF_USERNAME = "bench-map-staff"
VOLUNTEER_USERNAME = "bench-map-volunteer"

# The city box (west, south, east, north) and its centre (函館駅前).
CITY = (140.65, 41.70, 140.95, 41.86)
CENTRE = (41.7578, 140.7180)
SCREEN_PX = (1280, 800)
# Where people live: (lat, lng, σ lat, σ lng, share); the rest is uniform in CITY.
TOWN_CENTRES = (
    (41.7578, 140.7180, 0.008, 0.012, 0.20),  # 函館駅前・元町・大手町
    (41.7900, 140.7530, 0.010, 0.014, 0.22),  # 五稜郭・本町・中島
    (41.8230, 140.7480, 0.012, 0.016, 0.12),  # 美原・赤川
    (41.7780, 140.7900, 0.008, 0.014, 0.10),  # 湯の川
    (41.8350, 140.7150, 0.010, 0.014, 0.08),  # 桔梗・西桔梗
    (41.8100, 140.7150, 0.010, 0.012, 0.10),  # 昭和・富岡
    (41.8000, 140.8150, 0.010, 0.016, 0.06),  # 戸倉・上湯川
    (41.7550, 140.8700, 0.010, 0.020, 0.04),  # 銭亀
)
BACKGROUND_SHARE = 1 - sum(town[4] for town in TOWN_CENTRES)
NEED_WEIGHTS = {
    "water": 25,
    "food": 20,
    "information": 15,
    "medicine": 10,
    "transport": 8,
    "nursing": 7,
    "medical": 5,
    "other": 10,
}
CARE_WEIGHTS = {
    "elderly": 35,
    "chronic_illness": 15,
    "disability": 10,
    "infant": 10,
    "pet": 10,
    "nursing_care": 8,
    "allergy": 7,
    "pregnant": 5,
}
BANDS = ((11, 12), (13, 14), (15, 16), (17, 18))


# --- isolation and settings ----------------------------------------------------------------


def setup_django() -> dict[str, str]:
    """Point this process at the bench database with the server's settings and return
    the server's environment (the same one: the sessions made here are signed with its
    SECRET_KEY)."""
    bench_url = postgres_bench_url(BENCH_SUFFIX, SCRIPT)
    env = production_env(bench_url)
    return django_on_bench_database(env, BENCH_SUFFIX)


# --- seed ----------------------------------------------------------------------------------


def in_city(lat: float, lng: float) -> bool:
    west, south, east, north = CITY
    return south <= lat <= north and west <= lng <= east


def city_point(rng: random.Random, *, background: bool = True) -> tuple[float, float]:
    """A point where people are: one of the town centres' gaussians, or (with
    ``background``) anywhere in the city box."""
    west, south, east, north = CITY
    towns = TOWN_CENTRES if not background else (*TOWN_CENTRES, None)
    weights = [town[4] for town in TOWN_CENTRES] + ([BACKGROUND_SHARE] if background else [])
    while True:
        town = rng.choices(towns, weights)[0]
        if town is None:
            return rng.uniform(south, north), rng.uniform(west, east)
        lat, lng = rng.gauss(town[0], town[2]), rng.gauss(town[1], town[3])
        if in_city(lat, lng):
            return lat, lng


def pick(rng: random.Random, weights: dict[str, int], count: int) -> list[str]:
    chosen: list[str] = []
    while len(chosen) < count:
        code = rng.choices(list(weights), list(weights.values()))[0]
        if code not in chosen:
            chosen.append(code)
    return chosen


def seeded(reports: int, areas: int) -> bool:
    from areas.models import Area
    from evacuation.models import OffShelterReport

    return (
        OffShelterReport.objects.count() == reports
        and OffShelterReport.objects.filter(status=OffShelterReport.Status.ACTIVE).count()
        == reports
        and Area.objects.filter(code__startswith=AREA_PREFIX).count() == areas
        and Area.objects.count() == areas
    )


def seed(reports: int, areas: int) -> None:
    """``areas`` areas and ``reports`` active reports with one account each (COPY)."""
    from django.db import connection
    from django.utils import timezone

    from areas.models import Area
    from evacuation.models import OffShelterReport, urgency_of
    from residents.models import Account

    started = time.perf_counter()
    rng = random.Random(100_000)  # noqa: S311 - synthetic data
    truncate(m._meta.db_table for m in (OffShelterReport, Account, Area))

    centres = [city_point(rng, background=False) for _ in range(areas)]
    Area.objects.bulk_create(
        Area(
            code=f"{AREA_PREFIX}{n:02d}",
            name=f"ベンチ第{n}町会",
            kana="ベンチチョウカイ",
            center_lat=lat,
            center_lng=lng,
        )
        for n, (lat, lng) in enumerate(centres, start=1)
    )
    area_ids = list(Area.objects.order_by("code").values_list("id", flat=True))
    scale = math.cos(math.radians(CENTRE[0]))  # a degree of longitude is this much shorter

    def nearest(lat: float, lng: float) -> int:
        best = min(
            range(areas),
            key=lambda i: (centres[i][0] - lat) ** 2 + ((centres[i][1] - lng) * scale) ** 2,
        )
        return area_ids[best]

    now = timezone.now()
    account_table, report_table = Account._meta.db_table, OffShelterReport._meta.db_table
    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {account_table} (line_user_id, display_name, created_at) FROM STDIN"
        ) as copy:
            for _ in range(reports):
                copy.write_row((f"U{rng.getrandbits(128):032x}", "ベンチ", now))
        cursor.execute(f"SELECT id FROM {account_table} ORDER BY id")  # noqa: S608
        account_ids = [row[0] for row in cursor.fetchall()]
        columns = (
            "account_id, status, place, place_note, latitude, longitude, accuracy_m, "
            "location_source, address_text, area_id, others_count, needs, needs_other, care, "
            "note, urgency, created_at, updated_at, end_reason, verified"
        )
        places = ("home", "home", "home", "car", "relatives", "other")
        with cursor.copy(f"COPY {report_table} ({columns}) FROM STDIN") as copy:
            for account_id in account_ids:
                lat, lng = city_point(rng)
                needs = pick(rng, NEED_WEIGHTS, rng.choices((1, 2, 3), (50, 35, 15))[0])
                care = pick(rng, CARE_WEIGHTS, rng.choices((0, 1, 2), (55, 35, 10))[0])
                created = now - datetime.timedelta(seconds=rng.uniform(0, 48 * 3600))
                updated = created + (now - created) * rng.random() ** 2
                copy.write_row(
                    (
                        account_id,
                        "active",
                        rng.choice(places),
                        "",
                        lat,
                        lng,
                        rng.randint(5, 60),
                        "gps",
                        "",
                        nearest(lat, lng),
                        rng.choices((0, 1, 2, 3), (40, 30, 20, 10))[0],
                        json.dumps(needs),
                        "",
                        json.dumps(care),
                        "",
                        urgency_of(needs, care),
                        created,
                        updated,
                        "",
                        rng.random() < 0.9,  # most people are found in the registry
                    )
                )
    vacuum_analyze([account_table, report_table, Area._meta.db_table])
    log(
        f"  seeded {areas} areas and {reports:,} active reports (one account each) in "
        f"{time.perf_counter() - started:.1f} s"
    )


def vacuum_analyze(tables: list[str]) -> None:
    """VACUUM ANALYZE (outside a transaction: Django's cursor is in autocommit)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def describe_seed() -> None:
    from django.db.models import Count

    from evacuation.models import OffShelterReport

    reports = OffShelterReport.objects.filter(status=OffShelterReport.Status.ACTIVE)
    per_area = sorted(reports.values("area_id").annotate(n=Count("pk")).values_list("n", flat=True))
    urgency = dict(
        reports.values("urgency").annotate(n=Count("pk")).order_by().values_list("urgency", "n")
    )
    total = sum(per_area)
    log(
        f"  {total:,} active reports in {len(per_area)} areas (smallest {per_area[0]:,}, "
        f"median {per_area[len(per_area) // 2]:,}, largest {per_area[-1]:,}); "
        f"urgency 3/2/1/0: " + "/".join(f"{urgency.get(u, 0):,}" for u in (3, 2, 1, 0))
    )


# --- users ---------------------------------------------------------------------------------


@dataclass
class Viewer:
    name: str
    cookie: str
    area_ids: list[int] | None  # None: the whole city


def viewers(volunteer_areas: int) -> list[Viewer]:
    """A city staff user and a volunteer with the areas nearest the centre, each with a
    session made by force_login (as the login page would)."""
    from django.contrib.sessions.models import Session
    from django.test import Client

    from areas.models import Area
    from areas.services import responder_upsert, staff_upsert
    from lib.roles import Role

    truncate([Session._meta.db_table])
    scale = math.cos(math.radians(CENTRE[0]))
    areas = sorted(
        Area.objects.all(),
        key=lambda a: (a.center_lat - CENTRE[0]) ** 2 + ((a.center_lng - CENTRE[1]) * scale) ** 2,
    )[:volunteer_areas]
    staff = staff_upsert(username=STAFF_USERNAME, password=None, full_name="ベンチ 職員")
    volunteer = responder_upsert(
        username=VOLUNTEER_USERNAME,
        password=None,
        role=Role.VOLUNTEER,
        areas=areas,
        full_name="ベンチ 町会",
    )
    found = []
    for name, user, area_ids in (
        ("city staff", staff, None),
        (f"volunteer ({len(areas)} areas)", volunteer, sorted(a.pk for a in areas)),
    ):
        client = Client()
        client.force_login(user)
        found.append(Viewer(name, client.cookies["sessionid"].value, area_ids))
    return found


# --- viewports -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Viewport:
    case: str  # the zoom band, or the worst case's name
    zoom: int
    bbox: tuple[float, float, float, float]  # west, south, east, north

    @property
    def query(self) -> str:
        bbox = ",".join(f"{v:.6f}" for v in self.bbox)
        return f"{LAYER_PATH}?{urlencode({'bbox': bbox, 'zoom': self.zoom})}"


def band(zoom: int) -> str:
    for low, high in BANDS:
        if low <= zoom <= high:
            return f"z{low}–{high}"
    return f"z{zoom}"


def screen_bbox(lat: float, lng: float, zoom: int) -> tuple[float, float, float, float]:
    """The bbox of a SCREEN_PX window centred on (lat, lng) at ``zoom`` (Web Mercator)."""
    width, height = SCREEN_PX
    world = 256 * 2**zoom
    y = (1 - math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / math.pi) / 2 * world

    def lat_at(py: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / world))))

    half_lng = width / 2 / world * 360
    # Six decimals, as sent: the floor must ask for exactly what the view parses.
    return tuple(
        round(v, 6)
        for v in (lng - half_lng, lat_at(y + height / 2), lng + half_lng, lat_at(y - height / 2))
    )


def viewports(count: int, repeat: int, seed: int) -> list[Viewport]:
    rng = random.Random(seed)  # noqa: S311 - viewports, not secrets
    west, south, east, north = CITY
    found = []
    for _ in range(count):
        zoom = rng.randint(11, 18)
        if rng.random() < 0.7:
            lat, lng = city_point(rng)
        else:
            lat, lng = rng.uniform(south, north), rng.uniform(west, east)
        found.append(Viewport(band(zoom), zoom, screen_bbox(lat, lng, zoom)))
    city_lat, city_lng = (south + north) / 2, (west + east) / 2
    for _ in range(repeat):
        found.append(Viewport("whole city z11", 11, screen_bbox(city_lat, city_lng, 11)))
        found.append(Viewport("whole city z12", 12, screen_bbox(city_lat, city_lng, 12)))
        found.append(Viewport("dense centre z16", 16, screen_bbox(*CENTRE, 16)))
    rng.shuffle(found)
    return found


# --- the view, over HTTP ------------------------------------------------------------------


@dataclass
class Sample:
    viewport: Viewport
    seconds: float
    size: int
    status: int = 200
    kind: str = ""
    items: int = 0  # points, or clusters
    total: int = 0  # reports the answer covers
    ids: frozenset[int] = frozenset()
    gzipped: int = 0


@dataclass
class Phase:
    name: str
    samples: list[Sample] = field(default_factory=list)
    elapsed: float = 0.0


class Browser:
    """One dashboard tab: its session cookie and one HTTP connection (gunicorn's sync
    workers close it after each answer; http.client opens the next one)."""

    def __init__(self, port: int, cookie: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Cookie": f"sessionid={cookie}", "Accept": "application/json"}

    def get(self, path: str) -> tuple[int, bytes]:
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        return response.status, response.read()

    def close(self) -> None:
        self.conn.close()


def answer_summary(sample: Sample, body: bytes) -> None:
    """What an answer holds, for the checks against the floor."""
    sample.gzipped = len(gzip.compress(body, 6))
    if sample.status != 200:
        return
    data = json.loads(body)
    sample.kind = data["kind"]
    if sample.kind == "points":
        sample.items = sample.total = len(data["points"])
        sample.ids = frozenset(p["id"] for p in data["points"])
    else:
        sample.items = len(data["clusters"])
        sample.total = sum(c["count"] for c in data["clusters"])


def view_phase(name: str, port: int, viewer: Viewer, items: list[Viewport]) -> Phase:
    phase = Phase(name)
    browser = Browser(port, viewer.cookie)
    started = time.perf_counter()
    for viewport in items:
        began = time.perf_counter()
        try:
            status, body = browser.get(viewport.query)
        except (OSError, http.client.HTTPException) as exc:
            browser.close()
            raise RuntimeError(f"{viewport.query}: {type(exc).__name__}: {exc}") from exc
        sample = Sample(viewport, time.perf_counter() - began, len(body), status)
        answer_summary(sample, body)
        if status != 200:
            log(f"    {name}: {status} for {viewport.query}: {body[:300]!r}")
        phase.samples.append(sample)
    phase.elapsed = time.perf_counter() - started
    browser.close()
    return phase


def fixed_cost_phase(port: int, viewer: Viewer, count: int) -> Phase:
    """The same GET with a bbox the view rejects: everything but the layer."""
    phase = Phase("fixed cost")
    browser = Browser(port, viewer.cookie)
    viewport = Viewport("rejected", 15, (0.0, 0.0, 0.0, 0.0))
    path = f"{LAYER_PATH}?bbox=rejected&zoom=15"
    for _ in range(count):
        began = time.perf_counter()
        status, body = browser.get(path)
        phase.samples.append(Sample(viewport, time.perf_counter() - began, len(body), status))
    browser.close()
    return phase


# --- the floor: raw SQL + json ------------------------------------------------------------


def _iso(value: object) -> str:
    """Datetimes as DRF's JSON encoder writes them."""
    if isinstance(value, datetime.datetime):
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def layer_view_module():
    """The module of the view that answers LAYER_PATH (its grid and fields are the
    floor's), found through the URLconf so a move of the view does not break the bench."""
    import importlib

    from django.urls import Resolver404, resolve

    try:
        view = resolve(LAYER_PATH).func.view_class
    except (Resolver404, AttributeError, ImportError) as exc:
        raise SystemExit(f"{SCRIPT}: no API view answers {LAYER_PATH}: {exc}") from exc
    module = importlib.import_module(view.__module__)
    for name in ("cluster_zoom", "EVACUEE_POINT_FIELDS"):
        if not hasattr(module, name):
            raise SystemExit(f"{SCRIPT}: {view.__module__} has no {name} any more")
    return module


class Floor:
    """The same answers by hand: psycopg, one SQL statement, json.dumps."""

    def __init__(self, url: str) -> None:
        import psycopg
        from django.conf import settings

        from evacuation.models import OffShelterReport
        from lib.map_layers import POINT_LIMIT, cluster_cell_degrees

        # prepare_threshold=None: planned per query, as Django's client-side cursors are.
        self.conn = psycopg.connect(url, autocommit=True, prepare_threshold=None)
        self.conn.execute("SET TIME ZONE 'UTC'")
        self.table = OffShelterReport._meta.db_table
        self.limit = POINT_LIMIT
        self.max_zoom = settings.LEAFLET_CONFIG["MAX_ZOOM"]
        # The view's own grid: the cell for a zoom, and the zoom for a viewport.
        self.cell_degrees = cluster_cell_degrees
        self.cluster_zoom = layer_view_module().cluster_zoom

    def answer(self, viewport: Viewport, kind: str, area_ids: list[int] | None) -> bytes:

        west, south, east, north = viewport.bbox
        where = (
            "status = 'active' AND latitude >= %s AND latitude <= %s "
            "AND longitude >= %s AND longitude <= %s"
        )
        params: list = [south, north, west, east]
        if area_ids is not None:
            where += " AND area_id = ANY(%s)"
            params.append(area_ids)
        if kind == "points":
            # At the closest zoom the view sends the most urgent points first.
            urgent_first = "urgency DESC, " if viewport.zoom >= self.max_zoom else ""
            rows = self.conn.execute(
                "SELECT id, latitude, longitude, urgency, needs, care, updated_at "  # noqa: S608
                f"FROM {self.table} WHERE {where} "
                f"ORDER BY {urgent_first}updated_at DESC, id DESC LIMIT {self.limit}",
                params,
            ).fetchall()
            body: dict = {
                "kind": "points",
                "points": [
                    {
                        "id": pk,
                        "latitude": round(lat, 5),
                        "longitude": round(lng, 5),
                        "urgency": urgency,
                        "needs": needs,
                        "care": care,
                        "updated_at": updated_at,
                    }
                    for pk, lat, lng, urgency, needs, care, updated_at in rows
                ],
            }
        else:
            cell = self.cell_degrees(self.cluster_zoom(viewport.bbox, viewport.zoom))
            rows = self.conn.execute(
                "SELECT count(*), avg(latitude), avg(longitude), max(urgency) "  # noqa: S608
                f"FROM {self.table} WHERE {where} "
                "GROUP BY floor(longitude / %s), floor(latitude / %s)",
                [*params, cell, cell],
            ).fetchall()
            body = {
                "kind": "clusters",
                "clusters": [
                    {"lat": round(lat, 5), "lng": round(lng, 5), "count": count, "top": top}
                    for count, lat, lng, top in rows
                ],
            }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_iso).encode()

    def close(self) -> None:
        self.conn.close()


def floor_phase(floor: Floor, viewer: Viewer, view: Phase) -> Phase:
    phase = Phase(f"floor, {viewer.name}")
    started = time.perf_counter()
    for answered in view.samples:
        kind = answered.kind or "points"
        began = time.perf_counter()
        body = floor.answer(answered.viewport, kind, viewer.area_ids)
        sample = Sample(answered.viewport, time.perf_counter() - began, len(body))
        answer_summary(sample, body)
        phase.samples.append(sample)
    phase.elapsed = time.perf_counter() - started
    return phase


def compare(view: Phase, floor: Phase) -> list[str]:
    """Differences between the view's answers and the floor's; the first few."""
    problems = []
    for answered, expected in zip(view.samples, floor.samples, strict=True):
        if answered.status != 200:
            problems.append(f"{answered.status} for {answered.viewport.query}")
        elif (answered.kind, answered.total, answered.items, answered.ids) != (
            expected.kind,
            expected.total,
            expected.items,
            expected.ids,
        ):
            problems.append(
                f"{answered.viewport.query}: view {answered.kind} {answered.items} items / "
                f"{answered.total} reports, floor {expected.kind} {expected.items} / "
                f"{expected.total}"
            )
    return problems


# --- figures -------------------------------------------------------------------------------


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def kb(size: float) -> str:
    return f"{size / 1000:.1f}"


def groups(samples: list[Sample]) -> dict[str, list[int]]:
    """Sample indexes by zoom band / worst case, bands first, then 'all random'."""
    found: dict[str, list[int]] = defaultdict(list)
    for n, sample in enumerate(samples):
        found[sample.viewport.case].append(n)
    bands = [band(low) for low, _ in BANDS]
    ordered = {case: found[case] for case in bands if case in found}
    ordered["random mix"] = [n for case in bands for n in found.get(case, [])]
    ordered.update({case: found[case] for case in sorted(found) if case not in bands})
    return ordered


def report(view: Phase, floor: Phase) -> dict[str, tuple[float, float]]:
    """Log the figures per group; (view p50, floor p50) per group."""
    found = {}
    for case, indexes in groups(view.samples).items():
        if not indexes:
            continue
        answered = [view.samples[n] for n in indexes]
        times = [s.seconds for s in answered]
        sizes = [s.size for s in answered]
        floor_times = [floor.samples[n].seconds for n in indexes]
        kinds = Counter(s.kind for s in answered)
        items = [s.total for s in answered]
        log(
            f"    {case:<17} {len(answered):>4} req ({kinds['points']} points, "
            f"{kinds['clusters']} clusters; {statistics.median(items):,.0f} reports in view "
            f"median, {max(items):,} max): p50 {ms(p50(times))} ms, p95 {ms(p95(times))}, "
            f"max {ms(max(times))}; size p95 {kb(p95(sizes))} KB, max {kb(max(sizes))} KB "
            f"(gzip {kb(max(s.gzipped for s in answered))}); floor p50 "
            f"{ms(p50(floor_times))} ms → {p50(times) / p50(floor_times):.1f}×"
        )
        found[case] = (p50(times), p50(floor_times))
    return found


def cpu_per_request(meter: CpuMeter, phase: Phase) -> None:
    used, others = meter.used()
    count = len(phase.samples)
    parts = ", ".join(f"{name} {cpu_s * 1000 / count:.1f}" for name, cpu_s in used.items())
    log(f"    CPU-ms per request: {parts}; other processes {others * 1000 / count:.1f}")
    cores = os.cpu_count() or 1
    if others > 0.2 * phase.elapsed * cores:
        log(
            f"    WARNING: other processes used {others / phase.elapsed:.1f} cores meanwhile: "
            "the figure is noisy, run again on a quiet machine"
        )


# --- EXPLAIN -------------------------------------------------------------------------------


def explain(viewer_users: dict[str, object], cases: list[Viewport]) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the queries the view runs for these viewports."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evacuation.selectors import reports_visible_to
    from lib.map_layers import map_layer

    view_module = layer_view_module()

    for name, user in viewer_users.items():
        for viewport in cases:
            with CaptureQueriesContext(connection) as queries:
                layer = map_layer(
                    reports_visible_to(user),
                    bbox=viewport.bbox,
                    zoom=view_module.cluster_zoom(viewport.bbox, viewport.zoom),
                    fields=view_module.EVACUEE_POINT_FIELDS,
                    rank="urgency",
                )
            log(f"  EXPLAIN {name}, {viewport.case} ({layer['kind']}):")
            for query in queries.captured_queries:
                log(f"    -- {float(query['time']) * 1000:.1f} ms: {query['sql'][:400]}")
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    for (line,) in cursor.fetchall():
                        log(f"       {line}")


# --- main ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=100_000, help="active reports")
    parser.add_argument("--areas", type=int, default=30)
    parser.add_argument("--viewports", type=int, default=300, help="random viewports")
    parser.add_argument("--repeat", type=int, default=20, help="requests per worst case")
    parser.add_argument("--warm-up", type=int, default=40, help="untimed requests first")
    parser.add_argument("--volunteer-areas", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2025, help="for the viewports")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--reseed", action="store_true", help="seed again even if present")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE worst cases")
    parser.add_argument("--keep-logs", action="store_true", help="keep the server's logs")
    args = parser.parse_args()
    if min(args.reports, args.areas, args.viewports, args.workers, args.volunteer_areas) < 1:
        parser.error("counts must be positive")
    if args.volunteer_areas > args.areas:
        parser.error("--volunteer-areas cannot exceed --areas")
    if args.viewports < 40:
        parser.error("--viewports must be at least 40 for a p95 per zoom band")
    return args


def start_server(env: dict[str, str], port: int, workers: int, logdir: Path) -> Child:
    argv = gunicorn_argv(port, workers, 1, "sync")
    argv += ["--access-logfile", str(logdir / "access.log")]  # as the Dockerfile's "-"
    child = Child("gunicorn", argv, env, logdir)
    # Anonymous: 403 from DRF's permission check means the app is up.
    wait_for_http(
        child, f"http://127.0.0.1:{port}{LAYER_PATH}", ready={403}, what="gunicorn", timeout=60
    )
    return child


def run(args, env: dict[str, str], port: int, children: list[Child], logdir: Path) -> bool:
    """From the seed to the headline; True when correct and on target."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    view_module = layer_view_module()  # fails early when the URLconf does not load
    log(f"  {LAYER_PATH} is answered by {view_module.__name__}")
    if args.reseed or not seeded(args.reports, args.areas):
        seed(args.reports, args.areas)
    else:
        log(f"  reusing the seed: {args.reports:,} active reports in {args.areas} areas")
    describe_seed()
    staff, volunteer = viewers(args.volunteer_areas)
    items = viewports(args.viewports, args.repeat, args.seed)
    cases = Counter(v.case for v in items)
    log(
        f"  {len(items)} viewports of {SCREEN_PX[0]}×{SCREEN_PX[1]} px: "
        + ", ".join(f"{case} {n}" for case, n in sorted(cases.items()))
    )

    started = time.perf_counter()
    children.append(start_server(env, port, args.workers, logdir))
    log(
        f"  gunicorn ({args.workers} sync workers) on :{port} up in "
        f"{time.perf_counter() - started:.1f} s"
    )
    floor = Floor(env["DATABASE_URL"])
    database = str(connection.settings_dict["NAME"])
    problems: list[str] = []
    results = {}
    try:
        warm = random.Random(args.seed + 1).sample(items, min(args.warm_up, len(items)))  # noqa: S311
        for viewer in (staff, volunteer):
            view_phase("warm-up", port, viewer, warm)
            for viewport in warm:
                floor.answer(viewport, "points", viewer.area_ids)
                floor.answer(viewport, "clusters", viewer.area_ids)
        fixed = fixed_cost_phase(port, staff, 200)
        fixed_times = [s.seconds for s in fixed.samples]
        if any(s.status != 400 for s in fixed.samples):
            problems.append("the rejected bbox was not answered 400")
        log(
            f"  fixed cost per request (the same GET, bbox rejected with 400: HTTP, session, "
            f"user, permission, DRF): p50 {ms(p50(fixed_times))} ms, p95 {ms(p95(fixed_times))}"
        )

        for viewer in (staff, volunteer):
            meter = CpuMeter(children, database)
            view = view_phase(viewer.name, port, viewer, items)
            log(f"  {viewer.name}: {len(view.samples)} requests in {view.elapsed:.1f} s")
            cpu_per_request(meter, view)
            measured = floor_phase(floor, viewer, view)
            found = compare(view, measured)
            for problem in found[:5]:
                log(f"    PROBLEM: {problem}")
            if found:
                problems.append(f"{viewer.name}: {len(found)} answers differ from the floor's")
            results[viewer.name] = (view, measured, report(view, measured))
            slowest = sorted(view.samples, key=lambda sample: -sample.seconds)[:3]
            log(
                "    slowest: "
                + "; ".join(
                    f"{ms(s.seconds)} ms {s.viewport.case} z{s.viewport.zoom} {s.kind} "
                    f"({s.total:,} reports) bbox={','.join(map(str, s.viewport.bbox))}"
                    for s in slowest
                )
            )
    finally:
        floor.close()

    # 4xx answers are logged as warnings by django.request (the probe's 403, the
    # fixed-cost 400s); a 5xx is an ERROR line and still counts.
    if log_problems(children, expected="WARNING django.request"):
        problems.append("the server logged errors")
    if args.explain:
        user_model = get_user_model()
        worst = {v.case: v for v in items if not v.case.startswith("z")}
        explain(
            {
                name: user_model.objects.get(username=username)
                for name, username in (
                    (staff.name, STAFF_USERNAME),
                    (volunteer.name, VOLUNTEER_USERNAME),
                )
            },
            [worst[case] for case in sorted(worst)],
        )

    # On target: every group's p50 (bands, worst cases; both users) and every answer's size.
    every_p50 = [
        (f"{name}, {case}", view_p50)
        for name, (_, _, per_case) in results.items()
        for case, (view_p50, _) in per_case.items()
    ]
    worst_case, worst_p50 = max(every_p50, key=lambda pair: pair[1])
    biggest = max(s.size for view, _, _ in results.values() for s in view.samples)
    on_target = worst_p50 * 1000 <= TARGET_P50_MS and biggest <= TARGET_BYTES
    for problem in problems:
        log(f"  PROBLEM: {problem}")

    view, measured, _ = results[staff.name]
    random_idx = groups(view.samples)["random mix"]
    times = [view.samples[n].seconds for n in random_idx]
    floor_p50 = p50([measured.samples[n].seconds for n in random_idx])
    log(
        f"map layer @{args.reports:,} active: p50 {p50(times) * 1000:.0f} ms, "
        f"p95 {p95(times) * 1000:.0f} ms, max {biggest / 1000:.0f} KB (target p50 ≤ "
        f"{TARGET_P50_MS:.0f} ms, ≤ {TARGET_BYTES // 1000} KB: "
        f"{'met' if on_target else 'MISSED'}; slowest p50 {worst_p50 * 1000:.0f} ms, "
        f"{worst_case}); floor (raw SQL + json) p50 {floor_p50 * 1000:.0f} ms → "
        f"{p50(times) / floor_p50:.1f}×; correct: {'yes' if not problems else 'NO'}"
    )
    return on_target and not problems


def main() -> None:
    args = parse_args()
    interrupt_on_sigterm()
    env = setup_django()
    port = free_port()
    log(
        f"map layer: {args.reports:,} active off-shelter reports, {args.viewports} random "
        f"viewports + 3 worst cases × {args.repeat}, one request at a time; "
        f"gunicorn {args.workers} sync workers"
    )
    run_with_children(
        "map",
        lambda children, logdir: 0 if run(args, env, port, children, logdir) else 2,
        keep_logs=args.keep_logs,
    )


if __name__ == "__main__":
    main()
