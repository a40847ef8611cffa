from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from messaging import line, richmenu


class Command(BaseCommand):
    help = (
        "Create the rich menu from messaging/richmenu.py on the LINE channel, upload its "
        f"image ({richmenu.WIDTH}×{richmenu.HEIGHT} PNG or JPEG, ≤ 1 MB) and make it the "
        "default for every user. In simulator mode there is nothing to do."
    )

    def add_arguments(self, parser):
        parser.add_argument("--image", type=Path, help="the menu image (required in live mode)")

    def handle(self, *args, **options):
        if settings.LINE_MODE != "live":
            self.stdout.write(
                "LINE_MODE=simulator: the simulator's inbox shows the rich menu straight from "
                "messaging/richmenu.py; nothing to apply."
            )
            return
        path: Path | None = options["image"]
        if path is None:
            raise CommandError("--image is required in live mode (Pillow is not installed)")
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        image = path.read_bytes()
        try:
            richmenu.image_content_type(image)
            rich_menu_id = richmenu.rich_menu_apply(image=image)
        except ValueError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        except line.LineError as exc:
            raise CommandError(f"LINE refused the rich menu: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"rich menu {rich_menu_id} is now the default"))
