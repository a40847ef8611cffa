"""Evacuation's section on the resident's page (/my/, residents.hub)."""

from __future__ import annotations

from evacuation.services import report_open
from residents.hub import Section
from residents.models import Account


def section(account: Account) -> Section:
    """Tell the city where I am when not at a shelter, or see what I told it."""
    return Section("evacuation/home_section.html", {"report": report_open(account=account)})
