"""Reads and writes that run on every request, with their SQL built once, not every time.

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

``PreparedInsert`` does the same for append-only rows written on every request (the
detail-view log): the INSERT is compiled once, and each row's values are prepared by
its fields as ``save()`` prepares them (``auto_now_add`` included).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections, router, transaction
from django.db.models import Model, QuerySet
from django.db.models.sql import InsertQuery

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


class PreparedInsert:
    """``insert(*objs)``: what ``save()`` does for new rows of ``model``, with the INSERT
    compiled once per thread and database. Unlike save(), it sends no signals and leaves
    ``pk`` unset (nothing is read back): for append-only logs. One row is one statement;
    several are sent together in one transaction, so all or none are written."""

    def __init__(self, model: type[Model]) -> None:
        self._model = model
        self._local = threading.local()

    def __call__(self, *objs: Model) -> None:
        for obj in objs:
            if type(obj) is not self._model:
                raise TypeError(f"expected a {self._model.__name__}, not {type(obj).__name__}")
        if not objs:
            return
        alias = router.db_for_write(self._model, instance=objs[0])
        connection = connections[alias]
        sql, fields = self._prepared(connection)
        rows = [
            [field.get_db_prep_save(field.pre_save(obj, add=True), connection) for field in fields]
            for obj in objs
        ]
        with connection.cursor() as cursor:
            if len(rows) == 1:
                cursor.execute(sql, rows[0])
            else:
                with transaction.atomic(using=alias, savepoint=False):
                    cursor.executemany(sql, rows)

    def _prepared(self, connection) -> tuple[str, list]:
        prepared = getattr(self._local, "prepared", None)
        if prepared is None or prepared[0] is not connection:
            # The columns save() inserts: every concrete one but the generated id.
            fields = [f for f in self._model._meta.local_concrete_fields if not f.generated]
            fields = [f for f in fields if f is not self._model._meta.auto_field]
            if any(f.has_db_default() for f in fields):
                raise ValueError("fields with a database default need save()")
            query = InsertQuery(self._model)
            query.insert_values(fields, [self._model()])
            ((sql, _params),) = query.get_compiler(connection=connection).as_sql()
            prepared = self._local.prepared = (connection, sql, fields)
        return prepared[1], prepared[2]
