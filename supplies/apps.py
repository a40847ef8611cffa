from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliesConfig(AppConfig):
    """Relief supplies: catalogue, stock ledger, distribution rounds and deliveries."""

    name = "supplies"
    verbose_name = _("物資")

    def ready(self) -> None:
        # What supplies adds to the layers below it: they know nothing of it.
        from evacuation import endings
        from messaging import postbacks as line_postbacks
        from messaging import segments
        from residents import hub, withdrawal
        from supplies import deliveries, home, postbacks, privacy, receipts
        from supplies import segments as supply_segments

        line_postbacks.register(receipts.POSTBACK_ACTION)(postbacks.receipt)
        hub.register(home.section)
        withdrawal.register(privacy.deliveries_of_withdrawn)
        endings.register(deliveries.deliveries_of_ended_report)
        for condition in supply_segments.CONDITIONS:
            segments.register(condition)
