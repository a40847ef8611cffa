from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvacuationConfig(AppConfig):
    """People sheltering outside shelters (避難所外避難) and their pickup requests."""

    name = "evacuation"
    verbose_name = _("避難所外避難・送迎")

    def ready(self) -> None:
        # What evacuation adds to the layers below it: they know nothing of it.
        from evacuation import arrivals as evacuation_arrivals
        from evacuation import home, postbacks, privacy, selectors
        from evacuation import segments as evacuation_segments
        from messaging import postbacks as line_postbacks
        from messaging import segments
        from residents import hub, withdrawal
        from shelters import arrivals, care_notes

        line_postbacks.register("status")(postbacks.status)
        arrivals.register(evacuation_arrivals.reports_left_on_arrival)
        hub.register(home.section)
        hub.register_whereabouts(home.whereabouts)
        # Reception, the roster and the board hear what a household told on the way in.
        care_notes.register(
            care_notes.Provider(read=selectors.care_told, labels=selectors.care_note_labels)
        )
        withdrawal.register(privacy.reports_of_withdrawn)
        for condition in evacuation_segments.CONDITIONS:
            segments.register(condition)
