"""Segment count preview benchmark: the composer's live count (reachable on LINE / blocked /
web-only) of a city-message segment, ``messaging.segments.segment_count``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hakobou REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/segments.py [--accounts 300000] [--repeat 30] [--reseed] \\
        [--explain] [--jit server|off]

Target (design): count preview p95 ≤ 300 ms at 300,000 accounts.

Seed (not timed; COPY and bulk INSERTs straight into the tables, fixed seed; reused while
the counts match, ``--reseed`` forces a new one), for ``--accounts`` N (the other counts
scale with N; figures for 300,000):

- 50 areas (町会) of uneven size;
- N accounts: 80 % with a LINE user id and a ``LineFriend`` row (5 % of those blocked,
  languages 90 % ja / 10 % en), 20 % web-only (no LINE user id), 1 % withdrawn (outside
  the audience); 15,000 more LINE friends without an account;
- one resident per account (``relation="self"``; area, care codes for 15 %, the
  encrypted fields blank as the model allows, 1 % withdrawn with their account);
- 30 open shelters with 20,000 open stays and 4,000 checked-out ones;
- 15,000 active out-of-shelter reports (and 3,000 ended ones) of accounts not in a
  shelter, in their resident's area mostly, with random needs; the people M2M holds the
  account's own resident and, for a quarter, another account's resident (family);
- 2,000 open pickups (35 % wheelchair) and 500 finished ones;
- one open distribution round with deliveries for 10,000 of the reports (statuses mixed
  as mid-round: about half still to deliver, 5 % disputed).
Then VACUUM ANALYZE.

Measured: ``segment_count(tree)`` in this process (production settings, DEBUG off) for
six representative segments and ``{"if": "everyone"}``, ``--repeat`` times each after
3 untimed calls, p50 / p95 / max. A call is what the composer's count API does after
parsing the JSON: reading the tree (values are checked against the choices: one small
query for an area or a round), building the Q and the one aggregate query.

Floor, same run, interleaved with the calls: for each segment one hand-written SELECT
giving the same three numbers (``count(*) FILTER (…)`` over the accounts LEFT JOINed to
their LINE friend row; reachable = a LINE user id whose friend row is following and not
blocked, web-only = no LINE user id, blocked = the rest; the conditions as EXISTS / IN
over the same tables), through the same connection, as many times. Its numbers must be
segment_count's; the ratio is p95(segment_count) ÷ p95(floor). ``--explain`` prints
EXPLAIN (ANALYZE, BUFFERS) of every segment's count query (done anyway for a segment
over the target). ``--jit off`` turns PostgreSQL's JIT off for this session (both sides),
to see what the server's JIT costs (by default the server's setting is used).

Exit status: 0 when correct and on target, 2 when correct but off target, 1 when a count
differs from the floor's. The last line printed is the headline.

It never touches the database DATABASE_URL names: it works in a sibling database
``<name>_bench_segments`` (created when missing, migrated, its tables emptied when it
seeds). REDIS_URL is used as it is (nothing here reads or writes Redis).
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (
    django_on_bench_database,
    interrupt_on_sigterm,
    log,
    postgres_bench_url,
    production_env,
    truncate,
)

SCRIPT = "bench/segments.py"
BENCH_SUFFIX = "_bench_segments"
TARGET_P95_MS = 300.0
AREA_PREFIX = "BG"
AREAS = 50
SHELTERS = 30
WARM_UP = 3

# Per 300,000 accounts (scaled with --accounts).
BASE_ACCOUNTS = 300_000
OPEN_STAYS = 20_000
CLOSED_STAYS = 4_000
ACTIVE_REPORTS = 15_000
ENDED_REPORTS = 3_000
OPEN_PICKUPS = 2_000
DONE_PICKUPS = 500
DELIVERIES = 10_000
EXTRA_FRIENDS = 15_000

LINE_SHARE = 0.80
BLOCKED_SHARE = 0.05  # of the LINE accounts
EN_SHARE = 0.10  # of the LINE friends
WITHDRAWN_SHARE = 0.01
CARE_SHARE = 0.15
FAMILY_SHARE = 0.25  # reports with a second person, another account's resident

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
NEEDS = ("water", "food", "medicine", "information", "transport", "nursing", "medical")
MOBILITY = {"wheelchair": 35, "walks_with_help": 45, "stretcher": 20}
OPEN_PICKUP_STATUS = {"requested": 60, "claimed": 25, "picked_up": 15}
DONE_PICKUP_STATUS = {"arrived": 70, "cancelled": 20, "unable": 10}
DELIVERY_STATUS = {
    "pending": 38,
    "out": 8,
    "not_home": 4,
    "delivered": 14,
    "unconfirmed": 3,
    "confirmed": 26,
    "disputed": 5,
    "resolved": 1,
    "refused": 1,
}
TO_DELIVER = ("pending", "out", "not_home")
OPEN_PICKUP = tuple(OPEN_PICKUP_STATUS)


def scaled(count: int, accounts: int) -> int:
    return max(1, round(count * accounts / BASE_ACCOUNTS))


@dataclass(frozen=True)
class Plan:
    accounts: int
    open_stays: int
    closed_stays: int
    active_reports: int
    ended_reports: int
    open_pickups: int
    done_pickups: int
    deliveries: int
    extra_friends: int

    @classmethod
    def for_accounts(cls, accounts: int) -> Plan:
        return cls(
            accounts,
            *(
                scaled(count, accounts)
                for count in (
                    OPEN_STAYS,
                    CLOSED_STAYS,
                    ACTIVE_REPORTS,
                    ENDED_REPORTS,
                    OPEN_PICKUPS,
                    DONE_PICKUPS,
                    DELIVERIES,
                    EXTRA_FRIENDS,
                )
            ),
        )


# --- setup ---------------------------------------------------------------------------------


def setup_django() -> None:
    """This process on the bench database, with production settings (DEBUG off)."""
    env = production_env(postgres_bench_url(BENCH_SUFFIX, SCRIPT))
    django_on_bench_database(env, BENCH_SUFFIX)


def sql(query: str, params=None) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def vacuum_analyze(tables: list[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- seed ----------------------------------------------------------------------------------


def weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def seeded(plan: Plan) -> bool:
    from areas.models import Area
    from evacuation.models import OffShelterReport, PickupRequest
    from residents.models import Account
    from shelters.models import Stay
    from supplies.models import Delivery

    return (
        Account.objects.count() == plan.accounts
        and Area.objects.filter(code__startswith=AREA_PREFIX).count()
        == AREAS
        == Area.objects.count()
        and Stay.objects.filter(checked_out_at=None).count() == plan.open_stays
        and OffShelterReport.objects.filter(status="active").count() == plan.active_reports
        and PickupRequest.objects.filter(status__in=OPEN_PICKUP).count() == plan.open_pickups
        and Delivery.objects.count() == plan.deliveries
    )


def seed(plan: Plan, rng: random.Random) -> None:
    from django.db import connection
    from django.utils import timezone

    from areas.models import Area
    from evacuation.models import OffShelterReport, PickupRequest
    from messaging.models import LineFriend
    from residents.models import Account, Resident, ResidentLink
    from shelters.models import Shelter, Stay
    from supplies.models import Delivery, Depot, DistributionRound

    started = time.perf_counter()
    models = (
        Delivery,
        DistributionRound,
        Depot,
        PickupRequest,
        OffShelterReport,
        Stay,
        Shelter,
        ResidentLink,
        Resident,
        Account,
        LineFriend,
        Area,
    )
    truncate(m._meta.db_table for m in models)
    now = timezone.now()

    Area.objects.bulk_create(
        Area(
            code=f"{AREA_PREFIX}{n:02d}",
            name=f"ベンチ配信第{n}町会",
            kana="ベンチハイシンチョウカイ",
            center_lat=41.70 + 0.15 * rng.random(),
            center_lng=140.65 + 0.25 * rng.random(),
        )
        for n in range(1, AREAS + 1)
    )
    area_ids = list(Area.objects.order_by("code").values_list("id", flat=True))
    area_weights = [rng.uniform(0.3, 2.0) for _ in area_ids]

    n = plan.accounts
    line_ids: list[str | None] = [
        f"U{i:032x}" if rng.random() < LINE_SHARE else None for i in range(1, n + 1)
    ]
    withdrawn = [rng.random() < WITHDRAWN_SHARE for _ in range(n)]
    home_area = rng.choices(area_ids, area_weights, k=n)
    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {Account._meta.db_table} (line_user_id, display_name, created_at, withdrawn_at) "
            "FROM STDIN"
        ) as copy:
            for i in range(n):
                copy.write_row((line_ids[i], "ベンチ", now, now if withdrawn[i] else None))
        cursor.execute(f"SELECT id FROM {Account._meta.db_table} ORDER BY id")  # noqa: S608
        account_ids = [r[0] for r in cursor.fetchall()]

        with cursor.copy(
            f"COPY {LineFriend._meta.db_table} "
            "(user_id, display_name, language, is_following, blocked_at, created_at) FROM STDIN"
        ) as copy:
            friends = [uid for uid in line_ids if uid is not None]
            friends += [f"V{i:032x}" for i in range(1, plan.extra_friends + 1)]
            for uid in friends:
                blocked = rng.random() < BLOCKED_SHARE
                language = "en" if rng.random() < EN_SHARE else "ja"
                copy.write_row(
                    (uid, "ベンチ", language, not blocked, now if blocked else None, now)
                )

        # Residents: encrypted fields blank (allowed), one per account, in account order.
        with cursor.copy(
            f"COPY {Resident._meta.db_table} (name, name_kana, birth_date, address, phone, "
            "area_id, care, match_index, withdrawn_at, created_at, updated_at) FROM STDIN"
        ) as copy:
            for i in range(n):
                care: list[str] = []
                if rng.random() < CARE_SHARE:
                    while len(care) < rng.choice((1, 1, 2)):
                        code = weighted(rng, CARE_WEIGHTS)
                        if code not in care:
                            care.append(code)
                copy.write_row(
                    (
                        "",
                        "",
                        None,
                        "",
                        "",
                        home_area[i],
                        json.dumps(care),
                        "",
                        now if withdrawn[i] else None,
                        now,
                        now,
                    )
                )
        cursor.execute(f"SELECT id FROM {Resident._meta.db_table} ORDER BY id")  # noqa: S608
        resident_ids = [r[0] for r in cursor.fetchall()]
        with cursor.copy(
            f"COPY {ResidentLink._meta.db_table} (account_id, resident_id, relation, created_at) "
            "FROM STDIN"
        ) as copy:
            for account_id, resident_id in zip(account_ids, resident_ids, strict=True):
                copy.write_row((account_id, resident_id, "self", now))

    Shelter.objects.bulk_create(
        Shelter(
            code=f"{AREA_PREFIX}S{k:02d}",
            name=f"ベンチ避難所{k}",
            kana="ベンチヒナンジョ",
            address=f"函館市ベンチ町{k}番地",
            latitude=41.70 + 0.15 * rng.random(),
            longitude=140.65 + 0.25 * rng.random(),
            area_id=rng.choice(area_ids),
            capacity=1500,
            status=Shelter.Status.OPEN,
        )
        for k in range(1, SHELTERS + 1)
    )
    shelter_ids = list(Shelter.objects.order_by("code").values_list("id", flat=True))

    # Who is where: people in a shelter, households sheltering elsewhere, the others.
    order = [i for i in range(n) if not withdrawn[i]]
    rng.shuffle(order)
    staying = order[: plan.open_stays]
    reporting = order[plan.open_stays : plan.open_stays + plan.active_reports]
    rest = order[plan.open_stays + plan.active_reports :]
    ended = rng.sample(rest, min(plan.ended_reports, len(rest)))

    with connection.cursor() as cursor:
        with cursor.copy(
            f"COPY {Stay._meta.db_table} (resident_id, shelter_id, checked_in_at, checked_out_at, "
            "method, companions) FROM STDIN"
        ) as copy:
            for i in staying:
                arrived = now - datetime.timedelta(hours=rng.uniform(1, 48))
                copy.write_row(
                    (resident_ids[i], rng.choice(shelter_ids), arrived, None, "poster_qr", 0)
                )
            for i in rng.sample(range(n), plan.closed_stays):
                arrived = now - datetime.timedelta(hours=rng.uniform(24, 72))
                left = arrived + datetime.timedelta(hours=rng.uniform(1, 20))
                copy.write_row(
                    (resident_ids[i], rng.choice(shelter_ids), arrived, left, "poster_qr", 0)
                )

        columns = (
            "account_id, status, place, place_note, latitude, longitude, accuracy_m, "
            "location_source, address_text, area_id, others_count, needs, needs_other, care, "
            "note, urgency, created_at, updated_at, ended_at, end_reason, verified"
        )
        report_table = OffShelterReport._meta.db_table
        with cursor.copy(f"COPY {report_table} ({columns}) FROM STDIN") as copy:
            for status, people in (("active", reporting), ("ended", ended)):
                for i in people:
                    area = home_area[i] if rng.random() < 0.9 else rng.choice(area_ids)
                    needs = rng.sample(NEEDS, rng.choice((1, 1, 2, 3)))
                    created = now - datetime.timedelta(hours=rng.uniform(1, 48))
                    copy.write_row(
                        (
                            account_ids[i],
                            status,
                            "home",
                            "",
                            41.70 + 0.15 * rng.random(),
                            140.65 + 0.25 * rng.random(),
                            20,
                            "gps",
                            "",
                            area,
                            rng.choice((0, 0, 1, 2)),
                            json.dumps(needs),
                            "",
                            "[]",
                            "",
                            1,
                            created,
                            created,
                            now if status == "ended" else None,
                            "returned" if status == "ended" else "",
                            True,
                        )
                    )
        cursor.execute(
            f"SELECT id, account_id, status, area_id FROM {report_table} ORDER BY id"  # noqa: S608
        )
        reports = cursor.fetchall()
        index_of_account = {account_id: i for i, account_id in enumerate(account_ids)}
        active = [r for r in reports if r[2] == "active"]

        # The people M2M: the account's own resident; a quarter with a family member who
        # is another account's resident (not in a shelter, not reporting themselves).
        with cursor.copy(
            f"COPY {OffShelterReport.people.through._meta.db_table} "
            "(offshelterreport_id, resident_id) FROM STDIN"
        ) as copy:
            for report_id, account_id, _status, _area in reports:
                copy.write_row((report_id, resident_ids[index_of_account[account_id]]))
                if rest and rng.random() < FAMILY_SHARE:
                    copy.write_row((report_id, resident_ids[rng.choice(rest)]))

        picked = rng.sample(active, min(len(active), plan.open_pickups + plan.done_pickups))
        with cursor.copy(
            f"COPY {PickupRequest._meta.db_table} (report_id, people_count, mobility, urgency, "
            "note, status, unable_reason, area_id, destination_id, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            for k, (report_id, _account, _status, area) in enumerate(picked):
                states = OPEN_PICKUP_STATUS if k < plan.open_pickups else DONE_PICKUP_STATUS
                status = weighted(rng, states)
                copy.write_row(
                    (
                        report_id,
                        rng.randint(1, 3),
                        weighted(rng, MOBILITY),
                        rng.choice(("now", "today", "whenever")),
                        "",
                        status,
                        "no_vehicle" if status == "unable" else "",
                        area,
                        rng.choice(shelter_ids),
                        now,
                        now,
                    )
                )

    depot = Depot.objects.create(name="ベンチ配信倉庫", address="函館市ベンチ町1番地")
    round_ = DistributionRound.objects.create(
        name="ベンチ第1回配布", depot=depot, status=DistributionRound.Status.OPEN, opened_at=now
    )
    with (
        connection.cursor() as cursor,
        cursor.copy(
            f"COPY {Delivery._meta.db_table} (round_id, report_id, status, household_size, "
            "planned, delivered, dispute_note, area_id, created_at, updated_at) FROM STDIN"
        ) as copy,
    ):
        for report_id, _account, _status, area in rng.sample(
            active, min(len(active), plan.deliveries)
        ):
            status = weighted(rng, DELIVERY_STATUS)
            copy.write_row(
                (
                    round_.pk,
                    report_id,
                    status,
                    rng.randint(1, 4),
                    "{}",
                    "{}",
                    "届いていません" if status == "disputed" else "",
                    area,
                    now,
                    now,
                )
            )

    vacuum_analyze(
        [m._meta.db_table for m in models] + [OffShelterReport.people.through._meta.db_table]
    )
    log(f"  seeded in {time.perf_counter() - started:.1f} s")


def describe_seed() -> None:
    rows = sql(
        """
        SELECT count(*),
               count(*) FILTER (WHERE a.line_user_id IS NOT NULL),
               count(*) FILTER (WHERE f.is_following AND f.blocked_at IS NULL),
               count(*) FILTER (WHERE a.withdrawn_at IS NOT NULL)
        FROM residents_account a LEFT JOIN messaging_linefriend f ON f.user_id = a.line_user_id
        """
    )
    total, line, following, withdrawn = rows[0]
    (friends,) = sql("SELECT count(*) FROM messaging_linefriend")[0]
    (care,) = sql("SELECT count(*) FROM residents_resident WHERE care <> '[]'")[0]
    (stays,) = sql("SELECT count(*) FROM shelters_stay WHERE checked_out_at IS NULL")[0]
    (reports, people) = sql(
        "SELECT count(DISTINCT o.id), count(*) FROM evacuation_offshelterreport o "
        "JOIN evacuation_offshelterreport_people p ON p.offshelterreport_id = o.id "
        "WHERE o.status = 'active'"
    )[0]
    (pickups, wheelchair) = sql(
        "SELECT count(*), count(*) FILTER (WHERE mobility = 'wheelchair') "
        "FROM evacuation_pickuprequest WHERE status IN ('requested', 'claimed', 'picked_up')"
    )[0]
    (deliveries, undelivered, disputed) = sql(
        "SELECT count(*), count(*) FILTER (WHERE status IN ('pending', 'out', 'not_home')), "
        "count(*) FILTER (WHERE status = 'disputed') FROM supplies_delivery"
    )[0]
    log(
        f"  {total:,} accounts ({line:,} on LINE, {following:,} following, {withdrawn:,} "
        f"withdrawn; {friends:,} LINE friends), residents with care codes {care:,}; "
        f"{stays:,} open stays; {reports:,} active reports with {people:,} people rows; "
        f"{pickups:,} open pickups ({wheelchair:,} wheelchair); {deliveries:,} deliveries "
        f"({undelivered:,} to deliver, {disputed:,} disputed)"
    )


# --- segments and their floors -------------------------------------------------------------

# The floor's shape: the audience LEFT JOIN its LINE friend row (user_id is unique: one
# row per account), the three numbers in one pass.
FLOOR = """
SELECT count(*) FILTER (WHERE a.line_user_id <> '' AND f.is_following
                        AND f.blocked_at IS NULL),
       count(*) FILTER (WHERE a.line_user_id <> '' AND NOT coalesce(f.is_following
                        AND f.blocked_at IS NULL, false)),
       count(*) FILTER (WHERE a.line_user_id IS NULL OR a.line_user_id = '')
FROM residents_account a
LEFT JOIN messaging_linefriend f ON f.user_id = a.line_user_id
WHERE a.withdrawn_at IS NULL AND ({condition})
"""


def resident_exists(where: str) -> str:
    """Accounts that registered a (not withdrawn) resident matching ``where`` (r.)."""
    return (
        "a.id IN (SELECT l.account_id FROM residents_residentlink l "  # noqa: S608 - fixed SQL
        "JOIN residents_resident r ON r.id = l.resident_id "
        f"WHERE r.withdrawn_at IS NULL AND {where})"
    )


def at_shelter_sql() -> str:
    return resident_exists(
        "r.id IN (SELECT s.resident_id FROM shelters_stay s WHERE s.checked_out_at IS NULL)"
    )


def households_sql(where: str) -> str:
    """Accounts of active reports matching ``where`` (o.): the reporter's, and those
    that registered someone in the report."""
    return (
        "a.id IN (SELECT o.account_id FROM evacuation_offshelterreport o "  # noqa: S608 - fixed SQL
        f"WHERE o.status = 'active' AND {where} "
        "UNION ALL SELECT l.account_id FROM evacuation_offshelterreport o "
        "JOIN evacuation_offshelterreport_people p ON p.offshelterreport_id = o.id "
        "JOIN residents_residentlink l ON l.resident_id = p.resident_id "
        f"WHERE o.status = 'active' AND {where})"
    )


@dataclass
class Segment:
    name: str
    tree: dict
    condition: str  # the floor's WHERE over a (account) and f (its friend row)
    params: list = field(default_factory=list)
    orm: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    orm_counts: tuple[int, int, int] | None = None
    floor_counts: tuple[int, int, int] | None = None
    queries: int = 0

    @property
    def floor_sql(self) -> str:
        return FLOOR.format(condition=self.condition)


def segments() -> list[Segment]:
    """Six representative segments and everyone, with values from the seed."""
    # (a) a middle-sized area; (b) the area with the most open wheelchair pickups.
    by_size = sql(
        "SELECT area_id FROM residents_resident GROUP BY area_id ORDER BY count(*), area_id"
    )
    area = by_size[len(by_size) // 2][0]
    busiest = sql(
        "SELECT o.area_id FROM evacuation_pickuprequest k "
        "JOIN evacuation_offshelterreport o ON o.id = k.report_id "
        "WHERE k.status IN ('requested', 'claimed', 'picked_up') AND k.mobility = 'wheelchair' "
        "AND o.status = 'active' GROUP BY o.area_id ORDER BY count(*) DESC, o.area_id LIMIT 1"
    )
    pickup_area = busiest[0][0] if busiest else area
    (round_id,) = sql("SELECT id FROM supplies_distributionround ORDER BY id LIMIT 1")[0]

    wheelchair_reports = (
        "EXISTS (SELECT 1 FROM evacuation_pickuprequest k WHERE k.report_id = o.id "
        "AND k.status IN ('requested', 'claimed', 'picked_up') AND k.mobility = 'wheelchair')"
    )
    undelivered_reports = (
        "EXISTS (SELECT 1 FROM supplies_delivery d WHERE d.report_id = o.id "
        "AND d.round_id = %s AND d.status IN ('pending', 'out', 'not_home'))"
    )
    return [
        Segment(
            "(a) lives_in one area",
            {"if": "lives_in", "value": str(area)},
            resident_exists("r.area_id = %s"),
            [area],
        ),
        Segment(
            "(b) off_shelter area AND mobility wheelchair",
            {
                "all": [
                    {"if": "off_shelter", "value": str(pickup_area)},
                    {"if": "mobility", "value": "wheelchair"},
                ]
            },
            f"{households_sql('o.area_id = %s')} AND {households_sql(wheelchair_reports)}",
            [pickup_area, pickup_area],
        ),
        Segment(
            "(c) any(care infant, allergy) AND NOT at_shelter",
            {
                "all": [
                    {
                        "any": [
                            {"if": "care", "value": "infant"},
                            {"if": "care", "value": "allergy"},
                        ]
                    },
                    {"not": {"if": "at_shelter"}},
                ]
            },
            f"{resident_exists('r.care ?| %s')} AND NOT {at_shelter_sql()}",
            [["infant", "allergy"]],
        ),
        Segment(
            "(d) at_shelter OR off_shelter",
            {"any": [{"if": "at_shelter"}, {"if": "off_shelter"}]},
            f"({at_shelter_sql()} OR {households_sql('true')})",
        ),
        Segment(
            "(e) supply_undelivered AND language en",
            {
                "all": [
                    {"if": "supply_undelivered", "value": str(round_id)},
                    {"if": "language", "value": "en"},
                ]
            },
            f"{households_sql(undelivered_reports)} AND f.language = 'en'",
            [round_id, round_id],
        ),
        # Under NOT, a subquery as large as the audience: PostgreSQL must hash it
        # (messaging.segments.segment_queries), or it rescans it for every account.
        Segment(
            "(f) NOT registered",
            {"not": {"if": "registered"}},
            "NOT EXISTS (SELECT 1 FROM residents_residentlink l WHERE l.account_id = a.id)",
        ),
        Segment("(g) everyone", {"if": "everyone"}, "true"),
    ]


# --- measure -------------------------------------------------------------------------------


def orm_count(segment: Segment) -> tuple[int, int, int]:
    from messaging.segments import segment_count

    count = segment_count(segment.tree)
    return count.reachable, count.blocked, count.web_only


def floor_count(segment: Segment) -> tuple[int, int, int]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(segment.floor_sql, segment.params)
        return tuple(cursor.fetchone())


def measure(items: list[Segment], repeat: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for segment in items:
        with CaptureQueriesContext(connection) as queries:
            orm_count(segment)
        segment.queries = len(queries.captured_queries)
        for _ in range(WARM_UP):
            orm_count(segment)
            floor_count(segment)
        for _ in range(repeat):
            began = time.perf_counter()
            segment.orm_counts = orm_count(segment)
            middle = time.perf_counter()
            segment.floor_counts = floor_count(segment)
            segment.orm.append(middle - began)
            segment.floor.append(time.perf_counter() - middle)


def explain(segment: Segment) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of segment_count's aggregate and of the floor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        orm_count(segment)
    query = queries.captured_queries[-1]["sql"]
    log(f"\n  EXPLAIN {segment.name}, segment_count's query:\n    {query}")
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query}")
        for (line,) in cursor.fetchall():
            log(f"      {line}")
        log("  the floor's:")
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {segment.floor_sql}", segment.params)
        for (line,) in cursor.fetchall():
            log(f"      {line}")


# --- figures -------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def report(items: list[Segment]) -> None:
    header = (
        f"  {'segment':<50} {'reachable':>9} {'blocked':>8} {'web-only':>8} {'q':>2} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'floor p50':>9} {'floor p95':>9} "
        f"{'ratio':>6} {'same':>4}"
    )
    log(header)
    log("  " + "-" * (len(header) - 2))
    for s in items:
        reachable, blocked, web_only = s.orm_counts or (0, 0, 0)
        log(
            f"  {s.name:<50} {reachable:>9,} {blocked:>8,} {web_only:>8,} {s.queries:>2} "
            f"{ms(statistics.median(s.orm)):>7} {ms(p95(s.orm)):>7} {ms(max(s.orm)):>7} "
            f"{ms(statistics.median(s.floor)):>9} {ms(p95(s.floor)):>9} "
            f"{p95(s.orm) / p95(s.floor):>5.1f}× "
            f"{'yes' if s.orm_counts == s.floor_counts else 'NO':>4}"
        )
    log("  q: queries per segment_count call (value checks + the count); ratio: p95 ÷ floor p95")


# --- main ----------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=BASE_ACCOUNTS, help="e.g. 5000: smoke")
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per segment")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--reseed", action="store_true", help="seed again even if present")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE every segment")
    parser.add_argument(
        "--jit",
        choices=("server", "off"),
        default="server",
        help="PostgreSQL's JIT: the server's setting, or off for this session (diagnosis)",
    )
    args = parser.parse_args()
    if args.accounts < 1000:
        parser.error("--accounts must be at least 1000")
    if args.repeat < 2:
        parser.error("--repeat must be at least 2")
    return args


def run(args: argparse.Namespace) -> int:
    plan = Plan.for_accounts(args.accounts)
    if args.reseed or not seeded(plan):
        seed(plan, random.Random(args.seed))  # noqa: S311 - synthetic data
    else:
        log(f"  reusing the seed: {plan.accounts:,} accounts")
    describe_seed()
    jit = sql("SHOW jit")[0][0]
    if args.jit == "off":
        sql("SET jit = off")
    log(f"  PostgreSQL JIT: {'off for this session' if args.jit == 'off' else jit}")
    items = segments()
    started = time.perf_counter()
    measure(items, args.repeat)
    log(
        f"  {len(items)} segments × {args.repeat} calls (+{WARM_UP} warm-up) and as many floor "
        f"queries in {time.perf_counter() - started:.1f} s\n"
    )
    report(items)

    problems = [
        f"{s.name}: segment_count {s.orm_counts}, floor {s.floor_counts}"
        for s in items
        if s.orm_counts != s.floor_counts
    ]
    slow = [s for s in items if p95(s.orm) * 1000 > TARGET_P95_MS]
    for segment in items if args.explain else slow:
        explain(segment)
    for problem in problems:
        log(f"  PROBLEM (reachable, blocked, web-only differ): {problem}")

    everyone = items[-1]
    worst = max(items[:-1], key=lambda s: p95(s.orm))
    worst_p95 = p95(worst.orm) * 1000
    on_target = not slow
    log(
        f"segment count preview at {args.accounts:,} accounts: p95 {worst_p95:.0f} ms worst of "
        f"{len(items) - 1} segments (target ≤ {TARGET_P95_MS:.0f} ms: "
        f"{'met' if on_target else 'MISSED'}; "
        f"{worst.name.split(' ', 1)[0]}), {p95(worst.orm) / p95(worst.floor):.1f}× the "
        f"hand-written SQL floor; everyone p95 {p95(everyone.orm) * 1000:.0f} ms "
        f"({p95(everyone.orm) / p95(everyone.floor):.1f}×); counts identical: "
        f"{'yes' if not problems else 'NO'}"
    )
    if problems:
        return 1
    return 0 if on_target else 2


def main() -> None:
    args = parse_args()
    interrupt_on_sigterm()
    setup_django()
    log(
        f"segment count preview: {args.accounts:,} accounts, 6 segments + everyone, "
        f"{args.repeat} calls each against a hand-written SQL floor"
    )
    try:
        sys.exit(run(args))
    except KeyboardInterrupt:
        log("interrupted")
        sys.exit(130)


if __name__ == "__main__":
    main()
