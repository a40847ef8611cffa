from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hakobou import drill
from hakobou.services import drill_seed, drill_seeded


class Command(BaseCommand):
    help = (
        "Create the Hakodate Yachigashira drill's demo data, or put it back as the drill "
        "starts (idempotent, deterministic)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only when the drill is not there yet: a restart keeps what people did",
        )

    def handle(self, *args, **options):
        # The drill accounts have published passwords: never on a live city system.
        if settings.LINE_MODE != "simulator":
            raise CommandError(
                "seed_drill creates accounts with published passwords; it runs only in "
                "drill mode (LINE_MODE=simulator)."
            )
        if options["if_empty"] and drill_seeded():
            self.stdout.write(
                "The drill's data is already here; left as it is (`make reset-drill` puts "
                "it back as the drill starts)."
            )
            self._accounts()
            return
        result = drill_seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Drill data ready: {result.areas} areas, {result.accounts} accounts, "
                f"{result.shelters} shelters, {result.evacuees} people sheltering outside, "
                f"{result.registry_rows} people in the synthetic registry "
                f"({result.registry_path})."
            )
        )
        self._accounts()

    def _accounts(self) -> None:
        self.stdout.write("Demo accounts (drill only):")
        for account in drill.ACCOUNTS:
            role = account.role.value if account.role else "city staff"
            self.stdout.write(f"  {role:<12} {account.username:<18} {account.password}")
