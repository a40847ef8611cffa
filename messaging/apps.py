from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("メッセージ配信")

    def ready(self) -> None:
        from messaging import segments

        segments.register(segments.LANGUAGE)
