from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    """Town associations' areas (町会), and the volunteers and reception users who act in
    them: the floor every domain app stands on for "whose area is this"."""

    name = "areas"
    verbose_name = _("地区・担当者")
