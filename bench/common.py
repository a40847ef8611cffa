"""What the benchmarks in bench/ share: their own databases, child processes (servers,
workers) stopped as a group, readiness probes, CPU accounting and percentiles.

Nothing here touches the database DATABASE_URL names: ``postgres_bench_url`` derives a
sibling database from it, and each script refuses to run anywhere else.
"""

from __future__ import annotations

import base64
import contextlib
import os
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
# gunicorn and celery come from the project's venv (the one `make` builds).
VENV_BIN = (
    ROOT / ".venv" / "bin" if (ROOT / ".venv" / "bin").is_dir() else Path(sys.executable).parent
)
CLK_TCK = os.sysconf("SC_CLK_TCK")


def log(text: str) -> None:
    print(text, flush=True)


def interrupt_on_sigterm() -> None:
    """SIGTERM (a CI timeout, kill) unwinds like Ctrl+C, through the callers' finally."""

    def _interrupt(signum, frame) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    """p50, p95, p99."""
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


# --- isolation: own database, own Redis database ----------------------------------------


def postgres_bench_url(suffix: str, script: str) -> str:
    """The URL of the sibling database ``<name><suffix>`` of DATABASE_URL's, created
    when missing. PostgreSQL only."""
    url = os.environ.get("DATABASE_URL", "").strip()
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"{script}: DATABASE_URL must be a postgres:// URL")
    name = parts.path.lstrip("/") or "postgres"
    bench_name = name if name.endswith(suffix) else f"{name}{suffix}"

    import psycopg
    from psycopg import sql

    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (bench_name,)
        ).fetchone()
        if not exists:
            log(f"creating database {bench_name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(bench_name)))
    return urlunsplit(parts._replace(path=f"/{bench_name}"))


def bench_redis_url(db: int, script: str) -> str:
    """REDIS_URL with its database number replaced by ``db``, which is flushed."""
    url = os.environ.get("REDIS_URL", "").strip() or "redis://127.0.0.1:6379/0"
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise SystemExit(f"{script}: REDIS_URL must be a redis:// URL")
    own_db = parts.path.lstrip("/") or "0"
    if own_db == str(db):
        raise SystemExit(f"{script}: REDIS_URL already uses db {db}; pick --redis-db")
    bench_url = urlunsplit(parts._replace(path=f"/{db}"))

    import redis

    client = redis.Redis.from_url(bench_url, socket_connect_timeout=2, socket_timeout=5)
    client.flushdb()
    client.close()
    return bench_url


def refuse_unless_bench_database(suffix: str) -> str:
    """The connected database's name; exits unless it is a bench database."""
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if not name.endswith(suffix):
        raise SystemExit(f"refusing to run against {name}: not a bench database")
    return name


def django_on_bench_database(env: dict[str, str], suffix: str) -> dict[str, str]:
    """Set this process up with the server's environment ``env`` (so what it writes is
    what the server reads: signatures, encryption keys), refuse any database but the
    bench's own, migrate it, and return the server's full environment."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = refuse_unless_bench_database(suffix)
    redis = env.get("REDIS_URL")
    log(
        f"database: {connection.vendor} {name}"
        + (f"; redis: {redis.rsplit('@', 1)[-1]}" if redis else "")
    )
    call_command("migrate", verbosity=0, interactive=False)
    return {**os.environ, **env}


def random_key() -> str:
    """A fresh key in the form RESIDENT_DATA_KEY / RESIDENT_INDEX_KEY take."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def production_env(database_url: str, settings_module: str = "hakobou.settings") -> dict[str, str]:
    """The environment of a bench server in production mode (DEBUG=false): a secret
    and resident keys made for this run, the LINE simulator allowed explicitly, plain
    HTTP to 127.0.0.1 (no redirect to https, cookies without TLS), Celery not eager,
    and each worker's database connection kept for the whole run (production's 60 s
    would reconnect mid-run and hide the closed backends' CPU from CpuMeter)."""
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RESIDENT_DATA_KEY": random_key(),
        "RESIDENT_INDEX_KEY": random_key(),
        "LINE_MODE": "simulator",
        "LINE_ALLOW_SIMULATOR_IN_PRODUCTION": "true",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_CONN_MAX_AGE": "600",
        "LOG_LEVEL": "WARNING",
    }


def truncate(tables: Iterable[str]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


def analyze(tables: Iterable[str] = ()) -> None:
    """ANALYZE these tables (every table when none are named)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in list(tables) or [""]:
            cursor.execute(f"ANALYZE {table}".strip())


# --- seed ------------------------------------------------------------------------------


def towns():
    from hakobou import drill

    return drill.registry_towns()


def ensure_areas() -> None:
    """The drill's areas (町会), which synthetic registry rows point at."""
    from areas.services import area_upsert
    from hakobou import drill

    for spec in drill.AREAS:
        area_upsert(
            code=spec.code,
            name=spec.name,
            kana=spec.kana,
            center_lat=spec.center_lat,
            center_lng=spec.center_lng,
        )


# --- child processes -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Child:
    """A process started in its own session, so it (and its workers) can be stopped as
    one group, and a Ctrl+C in the terminal reaches only this script."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], logdir: Path) -> None:
        self.name = name
        self.log_path = logdir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # noqa: S603 - our own venv's binaries
            argv,
            env=env,
            cwd=ROOT,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return "\n".join(text[-lines:])

    def stop(self, grace: float = 10.0) -> None:
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        # Workers a master left behind (same process group) go too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


def wait_for_http(
    child: Child, url: str, *, ready: Iterable[int], what: str, timeout: float = 60
) -> None:
    """Poll ``url`` until it answers with one of the ``ready`` statuses; exit with the
    child's log tail when the child dies or the time is up."""
    ready = set(ready)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not child.alive():
            raise SystemExit(f"{what} exited:\n{child.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:  # noqa: S310 - our own server
                if answer.status in ready:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code in ready:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within {timeout:.0f} s:\n{child.tail()}")


def gunicorn_argv(port: int, workers: int, threads: int, worker_class: str) -> list[str]:
    return [
        str(VENV_BIN / "gunicorn"),
        "hakobou.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--threads", str(threads),
        "--worker-class", worker_class,
        "--backlog", "512",
        "--log-level", "warning",
    ]  # fmt: skip


def log_problems(children: list[Child], *, expected: str | None = None) -> int:
    """Report error and warning lines in the children's logs (lines containing
    ``expected`` are left out); the number of error lines."""
    total = 0
    for child in children:
        try:
            text = child.log_path.read_text(errors="replace")
        except OSError:
            continue
        lines = [line for line in text.splitlines() if expected is None or expected not in line]
        errors = sum(1 for line in lines if "ERROR" in line or "Traceback" in line)
        pool_full = text.count("Connection pool is full")
        warnings = sum(1 for line in lines if "WARNING" in line)
        if errors or pool_full or warnings:
            log(
                f"  {child.name} log: {errors} error lines, {warnings} warnings "
                f"({pool_full} 'connection pool is full') — {child.log_path}"
            )
        total += errors
    return total


# --- CPU accounting --------------------------------------------------------------------


def process_tree_cpu(root_pid: int) -> float:
    """CPU seconds (user + system) of a live process and all its descendants."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(entry)
        parents[pid] = int(fields[1])
        cpu[pid] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    total = 0.0
    for pid in cpu:
        walker = pid
        while walker > 1:
            if walker == root_pid:
                total += cpu[pid]
                break
            walker = parents.get(walker, 0)
    return total


def postgres_cpu(database: str) -> dict[int, float]:
    """CPU seconds per live PostgreSQL backend serving ``database`` (by process title)."""
    needle = f" {database} ".encode()
    found: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                title = handle.read()
            if not title.startswith(b"postgres: ") or needle not in title:
                continue
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(entry)] = (int(fields[11]) + int(fields[12])) / CLK_TCK
    return found


def system_cpu() -> tuple[float, float]:
    """The machine's busy CPU seconds so far (excluding what the hypervisor took), and
    the seconds the hypervisor took from this virtual machine's cores (steal)."""
    with open("/proc/stat") as handle:
        values = [int(v) for v in handle.readline().split()[1:]]
    idle, steal = values[3] + values[4], values[7]  # idle + iowait; steal
    return (sum(values[:7]) - idle) / CLK_TCK, steal / CLK_TCK


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class CpuMeter:
    """Where the CPU went during a timed run: each child, PostgreSQL's backends for
    the bench database, this script, and whatever else ran on the machine meanwhile.

    Backends that exit during the run take their CPU with them: keep connections for
    the whole run (DATABASE_CONN_MAX_AGE) so the figure is complete."""

    def __init__(self, children: list[Child], database: str) -> None:
        self.children, self.database = children, database
        self.children_before = {c.name: process_tree_cpu(c.proc.pid) for c in children}
        self.postgres_before = postgres_cpu(database)
        (self.busy_before, self.steal_before), self.own_before = system_cpu(), own_cpu()

    def used(self) -> tuple[dict[str, float], float]:
        """CPU seconds since the start, by consumer; and other processes' CPU seconds."""
        used = {
            c.name: process_tree_cpu(c.proc.pid) - self.children_before[c.name]
            for c in self.children
        }
        used["PostgreSQL"] = sum(
            cpu_s - self.postgres_before.get(pid, 0.0)
            for pid, cpu_s in postgres_cpu(self.database).items()
        )
        used["this script"] = own_cpu() - self.own_before
        busy, _steal = system_cpu()
        others = busy - self.busy_before - sum(used.values())
        return used, others

    def stolen(self) -> float:
        """CPU seconds the hypervisor took from this machine's cores since the start."""
        return system_cpu()[1] - self.steal_before

    def report(self, elapsed: float) -> tuple[dict[str, float], float]:
        cores = os.cpu_count() or 1
        used, others = self.used()
        ours = sum(used.values())
        parts = ", ".join(f"{name} {cpu_s:.1f}" for name, cpu_s in used.items())
        log(
            f"  CPU-s during the run ({elapsed:.1f} s × {cores} cores = {elapsed * cores:.0f}): "
            f"{parts}; other processes {others:.1f}"
        )
        log(
            f"  the bench's processes used {ours:.0f} CPU-s: on {cores} otherwise idle cores "
            f"the run cannot take less than {ours / cores:.1f} s"
        )
        stolen = self.stolen()
        if stolen > 0.01 * elapsed * cores:
            log(
                f"  the host took {stolen:.1f} CPU-s of this machine's {elapsed * cores:.0f} "
                f"({stolen / (elapsed * cores):.0%}, steal time) for other machines"
            )
        if others > 0.2 * elapsed * cores:
            log(
                f"  WARNING: other processes used {others / elapsed:.1f} cores during the run: "
                "the figure is noisy, run again on a quiet machine"
            )
        return used, others


def run_with_children(
    name: str,
    run: Callable[[list[Child], Path], int],
    *,
    keep_logs: bool,
    failures: tuple[type[BaseException], ...] = (RuntimeError,),
) -> None:
    """Run a benchmark that starts child processes, and exit with its status: the
    children are stopped whatever happens, their logs kept when asked for or when the
    run did not end with 0 (a failure prints their tails)."""
    logdir = Path(tempfile.mkdtemp(prefix=f"hakobou-bench-{name}-"))
    children: list[Child] = []
    exit_code = 1
    try:
        exit_code = run(children, logdir)
    except KeyboardInterrupt:
        log("interrupted")
        exit_code = 130
    except failures as exc:
        log(f"{name}: FAILED: {exc}")
        for child in children:
            log(f"--- {child.name} log tail ---\n{child.tail()}")
    finally:
        for child in reversed(children):
            child.stop()
        if keep_logs or exit_code != 0:
            log(f"  logs kept in {logdir}")
        else:
            shutil.rmtree(logdir, ignore_errors=True)
    sys.exit(exit_code)
