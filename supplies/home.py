"""Supplies' section on the resident's page (/my/, residents.hub)."""

from __future__ import annotations

from residents.hub import Section
from residents.models import Account
from supplies.selectors import deliveries_awaiting_answer, describe_items, items_by_id


def section(account: Account) -> Section | None:
    """「届きましたか？」 for each delivery the household has not answered yet."""
    deliveries = list(deliveries_awaiting_answer(account))
    if not deliveries:
        return None
    items = items_by_id({pk for d in deliveries for pk in d.delivered})
    rows = [(d, describe_items(d.delivered, items)) for d in deliveries]
    return Section("supplies/home_section.html", {"rows": rows})
