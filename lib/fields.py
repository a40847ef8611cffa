"""Model field helpers shared by the apps (this module defines no model)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def user_link(verbose_name) -> models.ForeignKey:
    """Who did something (a staff member, a volunteer), kept as history: the row stays,
    without the link, when the user is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
    )
