"""Segments (配信対象): who a city message goes to, written as conditions over the apps'
own data and combined with all / any / not.

messaging knows no domain model. Two things are registered from above, in each app's
AppConfig.ready():

- the audience (residents): the people a message can be for, as a queryset, the field
  holding their LINE user id (empty for someone who uses the portal in a browser) and
  the relation to their ``LineFriend`` row (joined on that id);
- conditions (each app for its own data): a key, a label, the values it takes, and a
  function from a value to a ``Q`` over the audience. A condition filters the
  audience's own columns or ``pk__in`` a subquery, never a join that repeats rows.

A segment is JSON, so it can be saved and sent later::

    {"all": [{"if": "off_shelter", "value": "12"}, {"if": "care", "value": "wheelchair"},
             {"not": {"if": "at_shelter"}}]}

``{"all": [...]}`` and ``{"any": [...]}`` combine, ``{"not": node}`` negates, and
``{"if": key, "value": "…"}`` is one condition (``value`` only for conditions that take
one). An empty ``all`` is everyone; an empty ``any`` is no one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# A segment has at most this many nodes, nested at most this deep (a form builds it).
MAX_NODES = 50
MAX_DEPTH = 6


@dataclass(frozen=True)
class Condition:
    key: str
    label: str
    build: Callable[[str | None], Q]
    # The values it takes, as (value, label); None: it takes no value.
    choices: Callable[[], list[tuple[str, str]]] | None = None
    # With choices: whether no value is allowed too ("at any shelter").
    any_value: bool = False


@dataclass(frozen=True)
class Audience:
    queryset: Callable[[], QuerySet]
    line_user_id: str
    # A relation from the audience to LineFriend on the user id: one LEFT JOIN tells
    # who follows, where a lookup per person made a city-wide count twice as slow.
    line_friend: str


_conditions: dict[str, Condition] = {}
_audience: list[Audience] = []


def register(condition: Condition) -> Condition:
    existing = _conditions.get(condition.key)
    if existing is not None and existing.build is not condition.build:
        raise ValueError(f"a segment condition {condition.key!r} is already registered")
    _conditions[condition.key] = condition
    return condition


def set_audience(audience: Audience) -> None:
    _audience[:] = [audience]


def audience() -> Audience:
    if not _audience:
        raise RuntimeError("no segment audience is registered (residents does it)")
    return _audience[0]


def conditions() -> list[Condition]:
    return list(_conditions.values())


def line_field() -> str:
    """The audience's LINE user id field, for conditions over LINE's own data."""
    return audience().line_user_id


class InvalidSegment(ValueError):
    """A segment that cannot be read; ``message`` says why, politely, for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _language(value: str | None) -> Q:
    friend = audience().line_friend
    if value == settings.LANGUAGE_CODE:  # a profile without a language reads the city's
        return Q(**{f"{friend}__language": value}) | Q(**{f"{friend}__language": ""})
    return Q(**{f"{friend}__language": value})


# messaging's own condition: the language LINE tells us a user reads.
LANGUAGE = Condition(
    "language",
    gettext_lazy("LINE の言語"),
    build=_language,
    choices=lambda: [(code, str(name)) for code, name in settings.LANGUAGES],
)


def segment_q(tree: object) -> Q:
    """The segment as one Q over the audience (InvalidSegment when it cannot be read)."""
    nodes = [0]
    return _node_q(tree, depth=0, nodes=nodes)


def _node_q(node: object, *, depth: int, nodes: list[int]) -> Q:
    nodes[0] += 1
    if nodes[0] > MAX_NODES or depth > MAX_DEPTH:
        raise InvalidSegment(_("条件が多すぎます。条件を減らしてください。"))
    if not isinstance(node, dict) or len(node) not in (1, 2):
        raise InvalidSegment(_("条件の形が正しくありません。"))
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        children = node[key]
        if len(node) != 1 or not isinstance(children, list):
            raise InvalidSegment(_("条件の形が正しくありません。"))
        parts = [_node_q(child, depth=depth + 1, nodes=nodes) for child in children]
        if key == "all":
            combined = Q()
            for part in parts:
                combined &= part
            return combined
        if not parts:
            return Q(pk__in=[])
        combined = parts[0]
        for part in parts[1:]:
            combined |= part
        return combined
    if "not" in node:
        if len(node) != 1:
            raise InvalidSegment(_("条件の形が正しくありません。"))
        return ~_node_q(node["not"], depth=depth + 1, nodes=nodes)
    return _condition_q(node)


def _condition_q(node: dict) -> Q:
    condition = _conditions.get(node.get("if")) if isinstance(node.get("if"), str) else None
    if condition is None or set(node) - {"if", "value"}:
        raise InvalidSegment(_("使えない条件が含まれています。"))
    value = node.get("value")
    if value is not None and not isinstance(value, str):
        raise InvalidSegment(_("条件の値が正しくありません。"))
    if condition.choices is None:
        if value not in (None, ""):
            raise InvalidSegment(_("条件の値が正しくありません。"))
        return condition.build(None)
    if value in (None, ""):
        if not condition.any_value:
            raise InvalidSegment(
                _("「%(condition)s」の値を選んでください。") % {"condition": condition.label}
            )
        return condition.build(None)
    if value not in {choice for choice, _label in condition.choices()}:
        raise InvalidSegment(
            _("「%(condition)s」の値が正しくありません。") % {"condition": condition.label}
        )
    return condition.build(value)


# PostgreSQL tests "id IN (subquery)" under OR or NOT with a hash of the subquery's
# rows only when the hash fits in work_mem (4 MB by default); otherwise it scans the
# subquery again for every account, and "not registered" over 300,000 accounts runs
# for hours. Segment queries get room for a few million ids.
SEGMENT_WORK_MEM = "64MB"


@contextmanager
def segment_queries() -> Iterator[None]:
    """Run segment queries inside this (a transaction with room to hash on PostgreSQL)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL work_mem = '{SEGMENT_WORK_MEM}'")
        yield


def segment_members(tree: object) -> QuerySet:
    """Everyone in the audience the segment selects."""
    return audience().queryset().filter(segment_q(tree))


@dataclass(frozen=True)
class SegmentCount:
    reachable: int  # on LINE and following the city's account: they get the message
    blocked: int  # on LINE, but blocked or never followed: never messaged
    web_only: int  # no LINE: listed for a phone call or a visit

    @property
    def total(self) -> int:
        return self.reachable + self.blocked + self.web_only


def _following() -> Q:
    friend = audience().line_friend
    return Q(**{f"{friend}__is_following": True, f"{friend}__blocked_at__isnull": True})


def segment_count(tree: object) -> SegmentCount:
    """The composer's live count, in one query."""
    field = line_field()
    with segment_queries():
        counts = segment_members(tree).aggregate(
            total=Count("pk"),
            web_only=Count("pk", filter=Q(**{f"{field}__isnull": True}) | Q(**{field: ""})),
            reachable=Count("pk", filter=_following()),
        )
    return SegmentCount(
        reachable=counts["reachable"],
        blocked=counts["total"] - counts["reachable"] - counts["web_only"],
        web_only=counts["web_only"],
    )


@dataclass(frozen=True)
class Recipient:
    pk: int  # the audience's row (an account)
    line_user_id: str  # empty: a browser user, reached on the portal only
    language: str  # the language to write in on LINE; empty when LINE may not be used


def segment_recipients(tree: object) -> list[Recipient]:
    """Everyone in the segment once, in one query (the friend row LEFT JOINed): who is
    reachable on LINE now and in which language, who is not."""
    field, friend = line_field(), audience().line_friend
    with segment_queries():
        rows = list(
            segment_members(tree).values_list(
                "pk",
                field,
                f"{friend}__is_following",
                f"{friend}__blocked_at",
                f"{friend}__language",
            )
        )
    return [
        Recipient(
            pk=pk,
            line_user_id=user_id or "",
            language=(language or settings.LANGUAGE_CODE)
            if user_id and following and blocked_at is None
            else "",
        )
        for pk, user_id, following, blocked_at, language in rows
    ]
