from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    """City messages (市からのお知らせ): saved segments, the message and its language
    variants, approval by a second staff member, scheduling, sending through the
    outbox, and the delivery report."""

    name = "notices"
    verbose_name = _("市からのお知らせ")

    def ready(self) -> None:
        from notices import home
        from residents import hub

        hub.register(home.section)
