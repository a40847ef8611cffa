"""Reads that run on every request, with their SQL built once instead of every time.

Django turns a queryset into SQL on every evaluation. For the few reads a reception
scan makes (the signed-in user, the shelter with the permission, the person with
their registry record and open stay) that work costs more CPU than the database
spends answering: about 1.5 million instructions per query, against 0.1 million to
send it and read the row back. A ``PreparedGet`` builds its queryset once per thread
and database with placeholder ids, lets Django compile it, and from then on runs that
SQL with the caller's ids. Django still makes the objects (``select_related``,
``only()``, annotations and field converters such as decryption work as usual).

Only integer parameters (ids) can vary; everything else in the queryset is fixed at
first use, so it must not depend on the time or the request. Each parameter must reach
the SQL exactly once, unchanged (checked when the SQL is built).

The objects it works with are Django's (5.2) compiler and query, used the way
``QuerySet.get()`` uses them; the tests compare its answers with ``get()``'s.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet

# Placeholders no row has, within every backend's integer range (a value outside it
# would make Django skip the query altogether).
_PLACEHOLDER_BASE = -2_000_000_000


@dataclass
class _Prepared:
    queryset: QuerySet
    connection: object  # the thread's connection wrapper it was compiled for
    template: list
    positions: dict[str, int]
    params: list


class PreparedGet:
    """``build(**ids)`` → a queryset of at most one row; ``read(**ids)`` → that row or
    None. ``build`` is called with placeholders, once per thread and database."""

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        self._build = build
        self._local = threading.local()

    def __call__(self, **ids: int) -> Model | None:
        for name, value in ids.items():
            if type(value) is not int:
                raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        prepared = self._prepared(sorted(ids))
        if prepared.positions.keys() != ids.keys():
            raise TypeError(f"expected the ids {sorted(prepared.positions)}, got {sorted(ids)}")
        params = prepared.template.copy()
        for name, position in prepared.positions.items():
            params[position] = ids[name]
        prepared.params = params
        queryset = prepared.queryset
        rows = list(queryset._iterable_class(queryset))
        if len(rows) > 1:
            raise queryset.model.MultipleObjectsReturned
        return rows[0] if rows else None

    def _prepared(self, names: list[str]) -> _Prepared:
        prepared = getattr(self._local, "prepared", None)
        if prepared is None or prepared.connection is not connections[prepared.queryset.db]:
            prepared = self._local.prepared = self._prepare(names)
        return prepared

    def _prepare(self, names: list[str]) -> _Prepared:
        placeholders = {name: _PLACEHOLDER_BASE - 7 * i for i, name in enumerate(names)}
        # Ordered by nothing and limited to two rows, as QuerySet.get() does.
        queryset = self._build(**placeholders).order_by()[:2]
        query = queryset.query
        compiler = query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()  # also sets up what turns rows into objects
        template = list(params)
        positions = {}
        for name, placeholder in placeholders.items():
            found = [i for i, param in enumerate(template) if param == placeholder]
            if len(found) != 1:
                raise ValueError(f"{name} must reach the SQL exactly once, unchanged")
            positions[name] = found[0]
        prepared = _Prepared(queryset, compiler.connection, template, positions, template)
        # QuerySet evaluation asks the query for a compiler and the compiler for its
        # SQL: both answer with what was built above, and the current call's ids.
        compiler.as_sql = lambda *args, **kwargs: (sql, prepared.params)
        query.get_compiler = lambda *args, **kwargs: compiler
        return prepared
