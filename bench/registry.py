"""Registry benchmark: import of a CP932 extract and furigana + birth-date matching.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hakobou .venv/bin/python bench/registry.py
        [--rows 300000] [--match-rows 1500000] [--lookups 2000]

Targets: 300,000 rows imported in ≤ 60 s with constant memory; match p95
≤ 10 ms at 1,500,000 registry rows. Each figure is printed with its floor, measured in
the same run: reading + decoding + parsing the CSV alone for the import, an indexed
lookup by 宛名番号 for the match. The last line printed is the headline.

It never touches the database DATABASE_URL names: it works in a sibling database
``<name>_bench`` (created when missing, emptied between phases). Without DATABASE_URL it
uses ``DATA_DIR/bench.sqlite3``.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import (
    ROOT,
    analyze,
    ensure_areas,
    log,
    percentiles,
    postgres_bench_url,
    towns,
)

BENCH_SUFFIX = "_bench"
IMPORT_TARGET_S = 60.0
MATCH_TARGET_MS = 10.0


def bench_database_url() -> str:
    """The URL of the dedicated bench database, created on PostgreSQL when missing."""
    if not os.environ.get("DATABASE_URL", "").strip():
        data_dir = Path(os.environ.get("DATA_DIR", ROOT / "var"))
        data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{data_dir / 'bench.sqlite3'}"
    return postgres_bench_url(BENCH_SUFFIX, "bench/registry.py")


def setup_django() -> None:
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hakobou.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("LINE_MODE", "simulator")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    name = str(connection.settings_dict["NAME"])
    if not (name.endswith(BENCH_SUFFIX) or name.endswith("bench.sqlite3")):
        raise SystemExit(f"refusing to run against {name}: not a bench database")
    # Production-like: DEBUG keeps every SQL string in memory and costs time per query.
    settings.DEBUG = False
    log(f"database: {connection.vendor} {name}")
    call_command("migrate", verbosity=0, interactive=False)


def empty_tables() -> None:
    from django.db import connection

    from residents.models import ImportRun, RegistryPerson, Resident

    tables = [m._meta.db_table for m in (Resident, RegistryPerson, ImportRun)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # CASCADE: the rows that point at these (accounts' links …) are bench rows too.
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table names)


def rss_bytes() -> int:
    """Current resident set size (Linux); falls back to the peak elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# --- phase 1: import -------------------------------------------------------------------


def write_extract(path: Path, rows: int) -> None:
    from lib import synthetic_registry

    started = time.perf_counter()
    synthetic_registry.write_csv(
        path, synthetic_registry.generate(rows, towns=towns(), seed=2025), encoding="cp932"
    )
    size = path.stat().st_size / 1e6
    log(f"  wrote {rows} rows, {size:.1f} MB CP932 in {time.perf_counter() - started:.1f} s")


def parse_floor(path: Path) -> tuple[float, int]:
    started = time.perf_counter()
    with open(path, encoding="cp932", newline="") as handle:
        rows = sum(1 for _ in csv.reader(handle)) - 1
    return time.perf_counter() - started, rows


def timed_import(path: Path, label: str) -> tuple[float, int, int]:
    """(seconds, rows imported, peak RSS in bytes) for one import into empty tables.

    RSS is sampled after every batch: the import's memory must not grow with the file.
    """
    from residents.importer import registry_import
    from residents.models import ImportRun

    empty_tables()
    ensure_areas()
    run = ImportRun.objects.create(file_name=path.name, encoding="cp932")
    before = rss_bytes()
    peak = before

    def on_progress(run: ImportRun) -> None:
        nonlocal peak
        peak = max(peak, rss_bytes())
        if run.rows_read % 50_000 == 0:
            log(f"  {label}: {run.rows_read} rows, {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    run = registry_import(run=run, source=path, on_progress=on_progress)
    elapsed = time.perf_counter() - started
    peak = max(peak, rss_bytes())
    if run.status != ImportRun.Status.DONE or run.rows_failed:
        raise SystemExit(f"import failed: {run.status} {run.message} {run.errors[:5]}")
    return elapsed, run.rows_imported, peak


def phase_import(rows: int, workdir: Path) -> tuple[float, float]:
    log(f"phase 1: import {rows} rows")
    small_rows = max(1, rows // 3)
    small, full = workdir / "registry_small.csv", workdir / "registry.csv"
    write_extract(small, small_rows)
    write_extract(full, rows)

    floor_s, floor_rows = parse_floor(full)
    log(f"  floor: read + decode + parse {floor_rows} rows in {floor_s:.2f} s")

    baseline = rss_bytes()
    small_s, _, small_peak = timed_import(small, f"import {small_rows}")
    log(
        f"  import {small_rows} rows: {small_s:.1f} s, {small_rows / small_s:,.0f} rows/s, "
        f"peak RSS {small_peak / 1e6:.0f} MB"
    )
    full_s, imported, full_peak = timed_import(full, f"import {rows}")
    log(
        f"  import {imported} rows: {full_s:.1f} s, {imported / full_s:,.0f} rows/s, "
        f"peak RSS {full_peak / 1e6:.0f} MB"
    )
    log(
        f"  memory: {baseline / 1e6:.0f} MB before importing; peak "
        f"+{(small_peak - baseline) / 1e6:.1f} MB at {small_rows} rows, "
        f"+{(full_peak - baseline) / 1e6:.1f} MB at {imported} rows"
    )
    ratio = full_s / floor_s
    log(f"  import/floor: {ratio:.1f}× (target ≤ {IMPORT_TARGET_S:.0f} s)")
    return full_s, ratio


# --- phase 2: match --------------------------------------------------------------------


def load_registry(rows: int, sample: int) -> list[tuple[str, str, datetime.date]]:
    """Fill the table with real encrypted rows; return (number, kana, birth date) of a sample.

    Faster than the CSV path (COPY on PostgreSQL), but every value goes through the
    model fields' own encryption and the real blind index.
    """
    from django.db import connection
    from django.utils import timezone

    from areas.models import Area
    from lib import synthetic_registry
    from residents.blind_index import match_index
    from residents.importer import ROW_FIELDS
    from residents.models import RegistryPerson

    empty_tables()
    ensure_areas()
    area_ids = dict(Area.objects.values_list("code", "id"))
    fields = {f.name: f for f in RegistryPerson._meta.concrete_fields}
    encrypt = {name: fields[name].get_prep_value for name in ("name", "name_kana", "postcode")}
    encrypt_address = fields["address"].get_prep_value
    encrypt_birth = fields["birth_date"].get_prep_value
    sex = {"男": "M", "女": "F"}
    chosen = set(random.Random(7).sample(range(rows), min(sample, rows)))  # noqa: S311
    picked: list[tuple[str, str, datetime.date]] = []
    now = timezone.now()
    columns = [*ROW_FIELDS, "is_active", "updated_at"]

    def encrypted_rows():
        generated = synthetic_registry.generate(rows, towns=towns(), seed=1500)
        for position, row in enumerate(generated):
            if position in chosen:
                picked.append((row.resident_number, row.name_kana, row.birth_date))
            yield (
                row.resident_number,
                encrypt["name"](row.name),
                encrypt["name_kana"](row.name_kana),
                encrypt_birth(row.birth_date),
                sex[row.sex],
                encrypt["postcode"](row.postcode),
                encrypt_address(row.address),
                row.household_number,
                area_ids[row.area_code],
                row.needs_support,
                match_index(row.name_kana, row.birth_date),
                True,
                now,
            )
            if (position + 1) % 250_000 == 0:
                log(f"  loaded {position + 1} rows, {time.perf_counter() - started:.0f} s")

    started = time.perf_counter()
    table = RegistryPerson._meta.db_table
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
            with cursor.copy(statement) as copy:
                for values in encrypted_rows():
                    copy.write_row(values)
    else:
        batch: list[tuple] = []
        for values in encrypted_rows():
            batch.append(values)
            if len(batch) == 5_000:
                _raw_insert(batch, columns)
                batch = []
        _raw_insert(batch, columns)
    analyze()
    log(f"  {rows} rows in {time.perf_counter() - started:.0f} s")
    return picked


def _raw_insert(batch, columns) -> None:
    # Values are already ciphertext: insert them as they are, not through the fields.
    from django.db import connection

    from residents.models import RegistryPerson

    if not batch:
        return
    table = RegistryPerson._meta.db_table
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
            batch,
        )


def phase_match(rows: int, lookups: int) -> tuple[float, float]:
    from residents.models import RegistryPerson
    from residents.selectors import registry_candidates

    log(f"phase 2: match at {rows} rows ({lookups} lookups)")
    people = load_registry(rows, lookups)
    random.Random(11).shuffle(people)  # noqa: S311

    for number, kana, birth in people[:100]:  # warm the connection and the caches
        registry_candidates(kana=kana, birth_date=birth)
        RegistryPerson.objects.filter(resident_number=number).first()

    match_ms: list[float] = []
    misses = 0
    for number, kana, birth in people:
        started = time.perf_counter()
        found = registry_candidates(kana=kana, birth_date=birth)
        match_ms.append((time.perf_counter() - started) * 1000)
        misses += not any(p.resident_number == number for p in found)
    if misses:
        raise SystemExit(f"{misses} of {len(people)} people were not found by kana + birth date")

    floor_ms: list[float] = []
    for number, _, _ in people:
        started = time.perf_counter()
        RegistryPerson.objects.filter(resident_number=number).first()
        floor_ms.append((time.perf_counter() - started) * 1000)

    p50, p95, p99 = percentiles(match_ms)
    f50, f95, f99 = percentiles(floor_ms)
    log(f"  match (kana + birth date): p50 {p50:.2f} ms, p95 {p95:.2f} ms, p99 {p99:.2f} ms")
    log(f"  floor (by 宛名番号):       p50 {f50:.2f} ms, p95 {f95:.2f} ms, p99 {f99:.2f} ms")
    ratio = p95 / f95
    log(f"  match/floor at p95: {ratio:.1f}×")
    return p95, ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300_000, help="rows to import")
    parser.add_argument("--match-rows", type=int, default=1_500_000, help="registry size")
    parser.add_argument("--lookups", type=int, default=2_000, help="match lookups")
    args = parser.parse_args()

    setup_django()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hakobou-bench-") as workdir:
        import_s, import_ratio = phase_import(args.rows, Path(workdir))
    p95, match_ratio = phase_match(args.match_rows, args.lookups)
    empty_tables()
    log(f"total bench time {time.perf_counter() - started:.0f} s")
    log(
        f"registry: import {args.rows} rows {import_s:.1f} s "
        f"(target ≤ {IMPORT_TARGET_S:.0f} s, {import_ratio:.1f}× floor); "
        f"match p95 {p95:.1f} ms at {args.match_rows} rows "
        f"(target ≤ {MATCH_TARGET_MS:.0f} ms, {match_ratio:.1f}× floor)"
    )


if __name__ == "__main__":
    main()
