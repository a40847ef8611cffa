from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheltersConfig(AppConfig):
    name = "shelters"
    verbose_name = _("避難所")

    def ready(self) -> None:
        from messaging import segments
        from shelters import segments as shelter_segments

        for condition in shelter_segments.CONDITIONS:
            segments.register(condition)
