"""Query helpers the apps share."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q


def json_list_holds(field: str, value: str) -> Q:
    """Rows whose JSON list ``field`` (a list of codes such as ``["wheelchair"]``) holds
    ``value``: JSON containment where the database has it (PostgreSQL's ``@>``, which a
    GIN index serves), else the quoted code in the list's text (SQLite)."""
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [value]})
    return Q(**{f"{field}__icontains": f'"{value}"'})
