from django.core.management.base import BaseCommand

from residents.key_rotation import BATCH_SIZE, RotationCount, resident_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt residents' personal data (registry, residents, outbox messages) and "
        "recompute registry match indexes with the first key of RESIDENT_DATA_KEY / "
        "RESIDENT_INDEX_KEY. Put the new key first "
        '("new,old"), restart, run this, then remove the old key. Safe to run again.'
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE, help="rows per batch")

    def handle(self, *args, **options):
        counts = resident_keys_rotate(
            batch_size=max(1, options["batch_size"]), on_batch=self._progress
        )
        for count in counts:
            self.stdout.write(
                f"{count.model}: {count.checked} rows checked, {count.rewritten} rewritten"
            )
        self.stdout.write(self.style.SUCCESS("Every row is under the current keys."))

    def _progress(self, count: RotationCount) -> None:
        self.stderr.write(f"{count.model}: {count.checked} checked, {count.rewritten} rewritten")
