"""The city's name as the reader's language writes it."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import get_language


def city_name() -> str:
    """函館市, or "Hakodate City" on an English page or in an English message."""
    if (get_language() or "").startswith("en") and settings.CITY_NAME_EN:
        return settings.CITY_NAME_EN
    return settings.CITY_NAME
