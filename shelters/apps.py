from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SheltersConfig(AppConfig):
    name = "shelters"
    verbose_name = _("避難所")

    def ready(self) -> None:
        from messaging import segments
        from residents import hub
        from shelters import home
        from shelters import segments as shelter_segments

        for condition in shelter_segments.CONDITIONS:
            segments.register(condition)
        # /my/: who of the household is at which shelter; わたしのQR and the search.
        hub.register_whereabouts(home.whereabouts)
        hub.register_links(home.links)
