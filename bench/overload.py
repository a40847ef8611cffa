"""Overload benchmark: more keep-alive clients than the server has database connections.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hakobou REDIS_URL=redis://127.0.0.1:6379/0 \\
        .venv/bin/python bench/overload.py [--clients 120] [--requests 3000] \\
        [--server runserver|gunicorn] [--shelters 40] [--stays 4000]

Target: overload means slower answers, never errors — 0 answers of 5xx and 0 requests
without an answer, whatever the number of clients. About 100 keep-alive clients against
``make run`` on PostgreSQL once gave 271 answers of 500 ("too many clients"): runserver
answers each connection in a thread of its own and each thread kept a database
connection. Now each process has a bounded pool (``DATABASE_POOL_MAX_SIZE``, settings
"Database"), and a request waits for a free connection (up to
``DATABASE_POOL_TIMEOUT``) instead of opening one more.

The server is started the way people run it, against the bench database:
``--server runserver`` (default) is the web process ``make run`` starts (bin/dev-server:
``manage.py runserver``, DEBUG=true, threaded, with the pool settings in force;
``--noreload`` so there is one process to measure and stop); ``--server gunicorn`` is the
Docker image's command (5 sync workers, production settings with DEBUG=false through
bench/checkin_settings.py, which only adds a URL and serves static files without a
manifest). Pool variables in the environment (``DATABASE_POOL_MAX_SIZE`` …) are passed on.

The load: ``--clients`` threads in this process, each with one HTTP/1.1 keep-alive
connection to 127.0.0.1 only, all released together, sending back to back until
``--requests`` requests have been sent in all (bounded: the run ends by itself); each
connects before the clock starts. The
page is the public shelter search near a point, ``GET /shelters/?lat=…&lng=…``: no
login, and it reads the database on every request (the open shelters with their
occupancy, counted from the open stays, and the town list of the form). Each request is
timed from send to the last byte; answers are counted by status (0: no answer, the
connection failed). A thread samples ``pg_stat_activity`` meanwhile: the peak number of
connections to the bench database shows the bound holding.

Floor, same run, same page: ``--floor-clients`` keep-alive clients (4), after a warm-up,
``--floor-requests`` requests. The ratios say what the crowd costs: throughput (floor ÷
overload: ≈ 1 when waiting in line costs no work) and p95 (overload ÷ floor: the wait
in line). The last line printed is the headline; exit 0 on target, 1 otherwise.

Seed: ``--shelters`` open shelters around Hakodate and ``--stays`` residents checked in
across them (bulk inserts; residents without personal data, which the page never
reads). It never touches the database DATABASE_URL names: it works in a sibling
database ``<name>_bench_overload`` (created when missing, migrated, its shelters, stays
and residents emptied) and in its own Redis database (``--redis-db``, default 13).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import secrets
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (
    VENV_BIN,
    Child,
    analyze,
    bench_redis_url,
    django_on_bench_database,
    ensure_areas,
    free_port,
    gunicorn_argv,
    interrupt_on_sigterm,
    log,
    log_problems,
    percentiles,
    postgres_bench_url,
    production_env,
    random_key,
    run_with_children,
    truncate,
    wait_for_http,
)

SCRIPT = "bench/overload.py"
BENCH_SUFFIX = "_bench_overload"
PAGE = "/shelters/?lat=41.7578&lng=140.7180"
GUNICORN_WORKERS = 5  # the Docker image's WEB_CONCURRENCY


# --- isolation and settings ----------------------------------------------------------------


def server_env(server: str, database_url: str, redis_url: str, data_dir: str) -> dict[str, str]:
    """The server's environment: `make run`'s (DEBUG=true, drill mode) or the image's."""
    if server == "gunicorn":
        env = production_env(database_url, "bench.checkin_settings")
    else:
        env = {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "hakobou.settings",
            "DEBUG": "true",
            "LINE_MODE": "simulator",
            # Made for this run, so that nothing is written into a developer's var/.
            "SECRET_KEY": secrets.token_urlsafe(50),
            "RESIDENT_DATA_KEY": random_key(),
            "RESIDENT_INDEX_KEY": random_key(),
            "LOG_LEVEL": "WARNING",
        }
    env.update(REDIS_URL=redis_url, DATA_DIR=data_dir)
    return env


def setup_django(args, data_dir: str) -> dict[str, str]:
    """Point this process at the bench database with the server's settings; return the
    server's full environment."""
    env = server_env(
        args.server,
        postgres_bench_url(BENCH_SUFFIX, SCRIPT),
        bench_redis_url(args.redis_db, SCRIPT),
        data_dir,
    )
    return django_on_bench_database(env, BENCH_SUFFIX)


# --- seed ----------------------------------------------------------------------------


def seed(shelters: int, stays: int) -> None:
    """Open shelters near the searched point and people checked in across them."""
    from django.db import transaction

    from residents.models import Resident
    from shelters.models import Method, PresenceEvent, Shelter, ShelterStatusChange, Stay
    from shelters.services import shelter_set_status, shelter_upsert

    started = time.perf_counter()
    truncate(m._meta.db_table for m in (PresenceEvent, Stay, ShelterStatusChange, Shelter))
    truncate([Resident._meta.db_table])
    ensure_areas()
    with transaction.atomic():
        made = []
        for n in range(1, shelters + 1):
            shelter = shelter_upsert(
                code=f"OVER-{n:03d}",
                name=f"ベンチ第{n}避難所",
                kana="ベンチヒナンジョ",
                kind="designated",
                address=f"北海道函館市ベンチ町{n}番1号",
                latitude=41.74 + (n % 10) / 200,
                longitude=140.70 + (n // 10) / 200,
                capacity=400,
                hazards=("earthquake", "tsunami"),
            )
            made.append(shelter_set_status(shelter=shelter, status="open"))
        residents = Resident.objects.bulk_create([Resident() for _ in range(stays)], 2000)
        Stay.objects.bulk_create(
            [
                Stay(resident=resident, shelter=made[i % len(made)], method=Method.POSTER_QR)
                for i, resident in enumerate(residents)
            ],
            batch_size=2000,
        )
    analyze(m._meta.db_table for m in (Shelter, Stay, Resident))
    log(
        f"  seeded {shelters} open shelters and {stays} people checked in across them in "
        f"{time.perf_counter() - started:.1f} s"
    )


# --- the server ----------------------------------------------------------------------


def start_server(args, env: dict[str, str], port: int, logdir: Path) -> Child:
    if args.server == "gunicorn":
        argv = gunicorn_argv(port, GUNICORN_WORKERS, 1, "sync")
    else:
        argv = [
            str(VENV_BIN / "python"),
            "manage.py",
            "runserver",
            f"127.0.0.1:{port}",
            "--noreload",
        ]
    child = Child(args.server, argv, env, logdir)
    wait_for_http(child, f"http://127.0.0.1:{port}{PAGE}", ready={200}, what=args.server)
    return child


def server_label(args) -> str:
    if args.server == "gunicorn":
        return f"gunicorn {GUNICORN_WORKERS} sync workers (the Docker image)"
    return "runserver, threaded (make run)"


def pool_label() -> str:
    from django.conf import settings

    pool = settings.DATABASES["default"].get("OPTIONS", {}).get("pool")
    if not pool:
        return f"no pool (DATABASE_CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']})"
    return f"pool {pool['min_size']}–{pool['max_size']} per process, wait ≤ {pool['timeout']:g} s"


# --- the load ------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    clients: int
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    statuses: Counter = field(default_factory=Counter)  # 0: no answer
    problems: list[str] = field(default_factory=list)  # the first few, for the log

    @property
    def count(self) -> int:
        return sum(self.statuses.values())

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    @property
    def unanswered(self) -> int:
        return self.statuses[0]

    @property
    def rate(self) -> float:
        return self.count / self.elapsed

    def p95_ms(self) -> float:
        return percentiles(self.latencies)[1] * 1000

    def summary(self) -> str:
        p50, p95, p99 = (value * 1000 for value in percentiles(self.latencies))
        statuses = ", ".join(f"{status or 'no answer'}: {n}" for status, n in self.statuses.items())
        return (
            f"{self.count} requests from {self.clients} keep-alive clients in "
            f"{self.elapsed:.1f} s: {self.rate:,.0f} req/s, p50 {p50:.0f} ms, "
            f"p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {max(self.latencies) * 1000:.0f} ms "
            f"({statuses})"
        )


def drive(name: str, port: int, clients: int, requests: int) -> Phase:
    """``clients`` keep-alive connections, released together, share ``requests``."""
    phase = Phase(name, clients)
    lock = threading.Lock()
    remaining = [requests]
    barrier = threading.Barrier(clients + 1)

    def take() -> bool:
        with lock:
            if remaining[0] <= 0:
                return False
            remaining[0] -= 1
            return True

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        # Connected before the clock starts: runserver's listen backlog is 10, and a
        # connection it could not take at once is retried by the kernel 1, 3, 7 … s later.
        # That is TCP, not the server's answer (a failed connect is retried below).
        with contextlib.suppress(OSError):
            conn.connect()
        barrier.wait()
        while take():
            started = time.perf_counter()
            try:
                conn.request("GET", PAGE, headers={"Connection": "keep-alive"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()  # the next request opens a new connection
                with lock:
                    phase.statuses[0] += 1
                    if len(phase.problems) < 5:
                        phase.problems.append(f"{type(exc).__name__}: {exc}")
                continue
            latency = time.perf_counter() - started
            with lock:
                phase.statuses[status] += 1
                phase.latencies.append(latency)
                if status != 200 and len(phase.problems) < 5:
                    phase.problems.append(f"answer {status}")
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.elapsed = time.perf_counter() - started
    return phase


class ConnectionSampler:
    """The peak number of PostgreSQL connections to the bench database during a phase
    (this sampler's own left out), read from pg_stat_activity every 50 ms."""

    def __init__(self, database_url: str, database: str) -> None:
        import psycopg

        self.conn = psycopg.connect(database_url, autocommit=True)
        self.database = database
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            (count,) = self.conn.execute(
                "SELECT count(*) - 1 FROM pg_stat_activity WHERE datname = %s",
                (self.database,),
            ).fetchone()
            self.peak = max(self.peak, count)
            self._stop.wait(0.05)

    def __enter__(self) -> ConnectionSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.conn.close()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--clients", type=int, default=120, help="keep-alive clients (≥ 100)")
    parser.add_argument("--requests", type=int, default=3000, help="requests in all")
    parser.add_argument("--server", choices=("runserver", "gunicorn"), default="runserver")
    parser.add_argument("--floor-clients", type=int, default=4)
    parser.add_argument("--floor-requests", type=int, default=600)
    parser.add_argument("--warm-up", type=int, default=100)
    parser.add_argument("--shelters", type=int, default=40)
    parser.add_argument("--stays", type=int, default=4000)
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--keep-logs", action="store_true")
    return parser.parse_args()


def run(args, env: dict[str, str], port: int, children: list[Child], logdir: Path) -> int:
    """From seeding to the headline; 0 on target, 1 otherwise."""
    from django.conf import settings
    from django.db import connection

    seed(args.shelters, args.stays)
    database = str(connection.settings_dict["NAME"])
    # This process's connections go, so the peak counted below is the server's alone.
    connection.close()
    if connection.pool is not None:
        connection.close_pool()
    started = time.perf_counter()
    children.append(start_server(args, env, port, logdir))
    log(f"  {server_label(args)} on 127.0.0.1:{port} up in {time.perf_counter() - started:.1f} s")

    warm = drive("warm-up", port, args.floor_clients, args.warm_up)
    log(f"  warm-up: {warm.summary()}")
    database_url = os.environ["DATABASE_URL"]
    with ConnectionSampler(database_url, database) as floor_connections:
        floor = drive("floor", port, args.floor_clients, args.floor_requests)
    log(f"floor: {floor.summary()}; peak {floor_connections.peak} database connections")
    with ConnectionSampler(database_url, database) as crowd_connections:
        crowd = drive("overload", port, args.clients, args.requests)
    log(f"overload: {crowd.summary()}; peak {crowd_connections.peak} database connections")

    problems = []
    for phase in (warm, floor, crowd):
        for problem in phase.problems:
            log(f"    {phase.name}: {problem}")
        if phase.server_errors or phase.unanswered:
            problems.append(
                f"{phase.name}: {phase.server_errors} answers of 5xx, "
                f"{phase.unanswered} requests without an answer"
            )
    # runserver logs every request; its start-up banner warns it is a development server.
    if log_problems(children, expected='" 200 '):
        problems.append("the server logged errors")
    for problem in problems:
        log(f"  PROBLEM: {problem}")

    limit = settings.DATABASES["default"].get("OPTIONS", {}).get("pool", {}).get("max_size")
    bound = f"pool max {limit} per process" if limit else "no pool"
    verdict = "met" if not problems else "MISSED"
    log(
        f"overload: {crowd.server_errors} answers of 5xx and {crowd.unanswered} unanswered "
        f"of {crowd.count} requests from {crowd.clients} keep-alive clients (target 0: "
        f"{verdict}); {crowd.rate:,.0f} req/s, p95 {crowd.p95_ms():,.0f} ms; floor "
        f"({floor.clients} clients) {floor.rate:,.0f} req/s, p95 {floor.p95_ms():,.0f} ms "
        f"→ ratio {floor.rate / crowd.rate:.2f}× (throughput) "
        f"{crowd.p95_ms() / floor.p95_ms():.1f}× (p95); peak {crowd_connections.peak} "
        f"database connections ({bound}); {server_label(args)}"
    )
    return 1 if problems else 0


def main() -> None:
    args = parse_args()
    interrupt_on_sigterm()
    data_dir = tempfile.mkdtemp(prefix="hakobou-bench-overload-data-")
    env = setup_django(args, data_dir)
    port = free_port()
    log(
        f"{args.requests} requests of GET {PAGE} from {args.clients} keep-alive clients; "
        f"{server_label(args)}; {pool_label()}"
    )
    run_with_children(
        "overload",
        lambda children, logdir: run(args, env, port, children, logdir),
        keep_logs=args.keep_logs,
    )


if __name__ == "__main__":
    main()
