from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from residents.importer import BATCH_SIZE, ENCODINGS, registry_import
from residents.models import ImportRun

ERRORS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Import a municipal resident registry extract (住民基本台帳, CSV). Exits non-zero "
        "when the file cannot be read or any row failed; the good rows are imported anyway."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the CSV extract")
        parser.add_argument("--encoding", choices=ENCODINGS, default="auto")
        parser.add_argument(
            "--partial",
            action="store_true",
            help="not a full extract: people missing from the file stay active",
        )
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows per batch")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        run = ImportRun.objects.create(
            file_name=path.name,
            encoding=options["encoding"],
            full_extract=not options["partial"],
        )
        run = registry_import(
            run=run,
            source=path,
            batch_size=max(1, options["batch_size"]),
            on_progress=self._progress,
        )

        for error in run.errors[:ERRORS_SHOWN]:
            self.stdout.write(f"line {error['line']}: {error['reason']}")
        more = run.rows_failed - min(len(run.errors), ERRORS_SHOWN)
        if more > 0:
            self.stdout.write(f"… and {more} more")
        if run.status == ImportRun.Status.FAILED:
            raise CommandError(f"import run {run.pk} failed: {run.message}")
        if run.rows_failed:
            raise CommandError(f"import run {run.pk}: {run.message}")
        self.stdout.write(self.style.SUCCESS(f"import run {run.pk}: {run.message}"))

    def _progress(self, run: ImportRun) -> None:
        self.stderr.write(
            f"{run.rows_read} rows read, {run.rows_imported} imported, {run.rows_failed} failed"
        )
