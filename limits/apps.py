from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LimitsConfig(AppConfig):
    """Budgets per identity, per address and per staff user, each spent and recorded in
    one atomic step (registry guesses, recovery codes, new browser identities, reports,
    pickup requests)."""

    name = "limits"
    verbose_name = _("利用制限")
