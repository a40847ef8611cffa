"""Supplies' section on the resident's page (/my/, residents.hub)."""

from __future__ import annotations

from residents.hub import Section
from residents.models import Account
from supplies.selectors import (
    deliveries_awaiting_answer,
    deliveries_to_come,
    describe_items,
    items_by_id,
)


def section(account: Account) -> Section | None:
    """What is on its way to the household's door, and 「届きましたか？」 for each
    delivery it has not answered yet."""
    coming = list(deliveries_to_come(account))
    deliveries = list(deliveries_awaiting_answer(account))
    if not deliveries and not coming:
        return None
    items = items_by_id(
        {pk for d in deliveries for pk in d.delivered} | {pk for d in coming for pk in d.planned}
    )
    rows = [(d, describe_items(d.delivered, items)) for d in deliveries]
    to_come = [(d, describe_items(d.planned, items)) for d in coming]
    return Section("supplies/home_section.html", {"rows": rows, "to_come": to_come})
