from importlib import import_module

from django.apps import AppConfig, apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule


class HakobouConfig(AppConfig):
    """The project package is an app only for its templates and the seed_drill command."""

    name = "hakobou"
    verbose_name = "Hakobou"


class HakobouAdminConfig(SimpleAdminConfig):
    """Django admin, discovering every app's admin module except django-leaflet's.

    leaflet.admin imports GeoDjango, which needs the GDAL C library; Hakobou keeps
    locations in latitude/longitude columns and uses only Leaflet's templates and
    static files, so the GIS admin is never needed.
    """

    skip_admin_of = frozenset({"leaflet"})

    def ready(self) -> None:
        super().ready()
        for config in apps.get_app_configs():
            if config.name not in self.skip_admin_of and module_has_submodule(
                config.module, "admin"
            ):
                import_module(f"{config.name}.admin")
