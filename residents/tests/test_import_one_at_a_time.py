import tempfile
import threading
import time
import unittest
from pathlib import Path

from django.db import connection, connections
from django.test import TransactionTestCase

from hakobou.testing.cast import make_cast
from residents.importer import _IMPORT_LOCK, registry_import
from residents.models import ImportRun, RegistryPerson
from residents.tests.registry_files import person, write_extract


@unittest.skipUnless(connection.vendor == "postgresql", "PostgreSQL advisory lock")
class ImportOneAtATimeTestCase(TransactionTestCase):
    def setUp(self):
        make_cast()
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def wait_for(self, condition, what: str) -> None:
        # A bound on waiting for a condition, not a threshold on how long work takes.
        for _ in range(500):
            if condition():
                return
            time.sleep(0.01)
        self.fail(f"gave up waiting for {what}")

    def test_it_waits_for_a_running_import_to_finish(self):
        path = write_extract(self.tmp / "a.csv", [person()])
        run = ImportRun.objects.create(file_name=path.name)
        other = connections.create_connection("default")
        with other.cursor() as cursor:  # another import holds the lock
            cursor.execute("SELECT pg_advisory_lock(%s)", [_IMPORT_LOCK])

        def work():
            try:
                registry_import(run=run, source=path)
            finally:
                connections["default"].close()

        worker = threading.Thread(target=work)
        worker.start()
        try:
            self.wait_for(self.someone_waits_for_the_lock, "the import to wait for the lock")
            self.assertEqual(ImportRun.objects.get(pk=run.pk).status, ImportRun.Status.QUEUED)
        finally:
            with other.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_IMPORT_LOCK])
            other.close()
            worker.join()
        self.assertEqual(ImportRun.objects.get(pk=run.pk).status, ImportRun.Status.DONE)
        self.assertEqual(RegistryPerson.objects.count(), 1)

    def someone_waits_for_the_lock(self) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )
            return cursor.fetchone()[0] > 0
