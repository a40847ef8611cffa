"""Restore drill: bin/backup, then bin/restore into a new database, gives back every row
and every file (issue #18, 9).

The drill, a small registry, arrivals at a shelter (stays, presence events, LINE
messages in the outbox) and a registry extract waiting in the data directory are
committed; the real scripts run against the test database, and the restored database
is read with its own connection and compared with the original table by table.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.test import override_settings
from psycopg import sql

from hakobou import drill
from hakobou.services import drill_seed
from hakobou.testing import figures
from lib import synthetic_registry
from messaging.models import OutboxMessage
from residents.importer import registry_import
from residents.models import Account, ImportRun, RegistryPerson
from residents.registration import resident_link_registry
from shelters.models import Method, Shelter, Stay
from shelters.services import stay_check_in

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
REGISTRY_SIZE = 300
ARRIVALS = 5
# The tables the drill must find again, whatever else changes: people, stays, messages.
KEY_TABLES = (
    "residents_registryperson",
    "residents_resident",
    "shelters_stay",
    "shelters_presenceevent",
    "messaging_outboxmessage",
    "messaging_outboxchunk",
)


def database_url(name: str, *, password: str | None = None) -> str:
    settings = connection.settings_dict
    user = settings.get("USER") or "postgres"
    password = password or settings.get("PASSWORD")
    password = f":{password}" if password else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


@pytest.fixture
def empty_database() -> Iterator[str]:
    """A new, empty database (hk_ops_restore_…), dropped afterwards."""
    name = f"hk_ops_restore_{uuid.uuid4().hex[:8]}"
    admin_url = database_url("postgres")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield database_url(name)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def run_script(name: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(ROOT / "bin" / name), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def table_rows(url: str) -> dict[str, list[str]]:
    """Every table of the public schema: a digest of each row, sorted."""
    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: [
                row[0]
                for row in conn.execute(
                    sql.SQL("SELECT md5(t::text) FROM {} t ORDER BY 1").format(
                        sql.Identifier(table)
                    )
                )
            ]
            for table in tables
        }


def ids(url: str, table: str) -> list[int]:
    with psycopg.connect(url) as conn:
        query = sql.SQL("SELECT id FROM {} ORDER BY id").format(sql.Identifier(table))
        return [row[0] for row in conn.execute(query)]


READ_BACK = (
    "from residents.models import RegistryPerson, Resident\n"
    "from messaging.models import OutboxMessage\n"
    "print([p.name for p in RegistryPerson.objects.order_by('pk')[:20]])\n"
    "print([r.display_name for r in Resident.objects.order_by('pk')])\n"
    "print([m.messages for m in OutboxMessage.objects.order_by('pk')])\n"
)


def read_back(url: str) -> str:
    """Names and messages as a portal started on ``url`` (same keys) shows them."""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", READ_BACK],
        env={**os.environ, "DATABASE_URL": url, "DATABASE_POOL_MAX_SIZE": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def files(directory: Path) -> dict[str, str]:
    return {
        str(path.relative_to(directory)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def seed(data_dir: Path) -> None:
    """The drill, a registry, a few arrivals and an extract waiting to be imported."""
    drill_seed()
    extract = data_dir / "registry.csv"
    rows = synthetic_registry.generate(REGISTRY_SIZE, towns=drill.registry_towns(), seed=18)
    synthetic_registry.write_csv(extract, rows, encoding="cp932")
    run = registry_import(run=ImportRun.objects.create(file_name=extract.name), source=extract)
    assert run.status == ImportRun.Status.DONE, run.message
    extract.unlink()

    shelter = Shelter.objects.get(code=drill.PICKUP_SHELTER)
    for person in RegistryPerson.objects.order_by("pk")[:ARRIVALS]:
        account = Account.objects.create(line_user_id=f"U{uuid.uuid4().hex}")
        resident = resident_link_registry(account=account, person=person, relation="self")
        stay_check_in(resident=resident.resident, shelter=shelter, method=Method.PERSONAL_QR)

    # An admin upload waiting for its import, as residents.uploads keeps it.
    (data_dir / "imports").mkdir()
    (data_dir / "imports" / f"{uuid.uuid4()}.csv").write_bytes("宛名番号\r\n".encode("cp932"))
    # What a development data directory also holds, and a backup must leave out.
    (data_dir / "dev-keys.json").write_text('{"RESIDENT_DATA_KEY": "not in a backup"}')


def test_a_backup_restores_every_row_and_file_into_a_new_database(tmp_path, empty_database):
    data_dir, restored_dir = tmp_path / "data", tmp_path / "restored"
    data_dir.mkdir()
    with override_settings(DATA_DIR=data_dir):
        seed(data_dir)
    assert Stay.objects.count() >= ARRIVALS
    assert OutboxMessage.objects.exists()
    source = database_url(connection.settings_dict["NAME"])

    # A password in the URL (a server that trusts local users ignores it).
    password = connection.settings_dict.get("PASSWORD") or "not-in-the-manifest"
    with_password = database_url(connection.settings_dict["NAME"], password=password)
    backup = run_script(
        "backup", str(tmp_path / "backups"), DATABASE_URL=with_password, DATA_DIR=str(data_dir)
    )
    assert backup.returncode == 0, backup.stderr
    backup_dir = Path(backup.stdout.strip())
    assert sorted(p.name for p in backup_dir.iterdir()) == [
        "MANIFEST",
        "data.tar.gz",
        "database.dump",
    ]
    manifest = (backup_dir / "MANIFEST").read_text()
    assert "database.dump" in manifest and "data.tar.gz" in manifest
    assert password not in manifest
    with tarfile.open(backup_dir / "data.tar.gz") as archive:
        assert "./dev-keys.json" not in archive.getnames()

    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "something").write_text("kept")
    refused = run_script("restore", str(backup_dir), empty_database, str(occupied))
    assert refused.returncode != 0
    assert "is not empty" in refused.stderr
    assert table_rows(empty_database) == {}

    restore = run_script("restore", str(backup_dir), empty_database, str(restored_dir))
    assert restore.returncode == 0, restore.stderr

    before, after = table_rows(source), table_rows(empty_database)
    assert sorted(after) == sorted(before)
    for table in before:
        assert after[table] == before[table], table
    for table in KEY_TABLES:
        assert ids(empty_database, table) == ids(source, table) != [], table
    figures.count("backup/restore: tables verified", len(before))
    figures.count("backup/restore: rows verified", sum(len(rows) for rows in before.values()))

    # The portal reads it back with the same keys: names and messages decrypt.
    assert read_back(empty_database) == read_back(with_password)

    expected = files(data_dir)
    del expected["dev-keys.json"]
    assert files(restored_dir) == expected
    assert any(name.startswith("imports/") for name in expected)
    assert any(name.startswith("drill/") for name in expected)
    figures.count("backup/restore: files verified", len(expected))


def backup_of_the_test_database(tmp_path: Path) -> Path:
    """bin/backup of the test database (with an empty data directory): its folder."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    source = database_url(connection.settings_dict["NAME"])
    backup = run_script(
        "backup", str(tmp_path / "backups"), DATABASE_URL=source, DATA_DIR=str(data_dir)
    )
    assert backup.returncode == 0, backup.stderr
    return Path(backup.stdout.strip())


def test_a_restore_refuses_a_database_that_is_not_empty(tmp_path, empty_database):
    backup_dir = str(backup_of_the_test_database(tmp_path))
    assert run_script("restore", backup_dir, empty_database, str(tmp_path / "a")).returncode == 0
    before = table_rows(empty_database)

    again = run_script("restore", backup_dir, empty_database, str(tmp_path / "b"))

    assert again.returncode != 0
    assert "refusing to overwrite" in again.stderr
    assert table_rows(empty_database) == before
    forced = run_script("restore", "--force", backup_dir, empty_database, str(tmp_path / "b"))
    assert forced.returncode == 0, forced.stderr
    assert table_rows(empty_database) == before


def test_a_restore_refuses_a_damaged_backup(tmp_path, empty_database):
    dump = backup_of_the_test_database(tmp_path) / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-100])

    restore = run_script("restore", str(dump.parent), empty_database, str(tmp_path / "restored"))

    assert restore.returncode != 0
    assert "FAILED" in restore.stderr + restore.stdout
    assert table_rows(empty_database) == {}
