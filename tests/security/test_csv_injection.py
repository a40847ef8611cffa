"""Every CSV the portal exports opens in a spreadsheet as text: a free-text field that
starts like a formula (=, +, -, @, a tab or a carriage return first) comes out with a
leading apostrophe, so Excel shows it instead of evaluating it.

The exports are found from the URL resolver and the admin's actions, so a new export
without a case here fails ``test_every_csv_export_is_covered``."""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
from collections.abc import Callable, Iterator

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from hakobou.testing import figures
from residents.models import Account
from residents.registration import resident_create_manual
from supplies.models import LedgerEntry
from tests.security.hostile import CSV_PAYLOADS, World, hostile_world

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def csv_routes(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[str]:
    """The names of every route whose path or name ends in "csv"."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from csv_routes(entry, inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if str(entry.pattern).rstrip("$").endswith("csv") or name.endswith("csv"):
                yield f"{namespace}{name}"


def csv_admin_actions() -> Iterator[str]:
    for model, model_admin in admin.site._registry.items():
        for action in model_admin.actions or ():
            name = action if isinstance(action, str) else action.__name__
            if "csv" in name:
                yield f"{model._meta.label}.{name}"


def roster(client, world: World):
    client.force_login(world.staff)
    return client.get(f"/dashboard/shelters/{world.shelter.pk}/roster.csv")


def web_only(client, world: World):
    client.force_login(world.staff)
    return client.post(
        "/dashboard/segments/web-only.csv", {"segment": json.dumps({"if": "everyone"})}
    )


def round_deliveries(client, world: World):
    client.force_login(world.staff)
    return client.get(f"/admin/supplies/distributionround/{world.round.pk}/deliveries.csv")


def ledger(client, world: World):
    client.force_login(world.staff)
    return client.post(
        "/admin/supplies/ledgerentry/",
        {
            "action": "export_csv",
            "_selected_action": list(LedgerEntry.objects.values_list("pk", flat=True)),
        },
    )


EXPORTS: dict[str, Callable] = {
    "dashboard:roster-csv": roster,
    "dashboard:segment-web-only-csv": web_only,
    "admin:supplies_distributionround_deliveries_csv": round_deliveries,
    "supplies.LedgerEntry.export_csv": ledger,
}


def test_every_csv_export_is_covered():
    found = {*csv_routes(), *csv_admin_actions()}
    assert found == set(EXPORTS), "a CSV export without a CSV-injection case here"


@pytest.fixture
def world(db, tmp_path) -> World:
    # Someone without LINE: the web-only export lists only them.
    resident_create_manual(
        account=Account.objects.create(),
        relation="self",
        name="ウェブ",
        name_kana="ウェブ",
        birth_date=datetime.date(1960, 5, 6),
        address="函館市",
        phone="0138-00-0000",
    )
    return hostile_world(CSV_PAYLOADS, data_dir=tmp_path)


def test_no_cell_starts_like_a_formula(client, world):
    reached: set[str] = set()
    for export, download in sorted(EXPORTS.items()):
        response = download(client, world)
        assert response.status_code == 200, (export, response.status_code)
        assert response["Content-Type"].startswith("text/csv")
        cells = [
            cell
            for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
            for cell in row
        ]
        dangerous = [c for c in cells if c.startswith(FORMULA_START) and not NUMBER.fullmatch(c)]
        assert dangerous == [], (export, dangerous)
        # The payloads reached this export, and came out as text.
        neutralised = {c for c in cells if c.startswith("'") and c[1:].startswith(CSV_PAYLOADS)}
        assert neutralised, (export, cells)
        reached |= {p for p in CSV_PAYLOADS if any(c[1:].startswith(p) for c in neutralised)}
        figures.count("hostile input: CSV exports checked")
        figures.count("hostile input: CSV cells neutralised", len(neutralised))
    assert reached == set(CSV_PAYLOADS), "every kind of formula start was tried"
