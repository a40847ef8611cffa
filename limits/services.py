"""Budgets: how often one key may do something in a window, decided and recorded in one
atomic step, so a burst of parallel requests gets no more than a sequence would.

A budget is spent before the work it guards (a registry search, a new identity) and
refunded when the work turns out not to count (a search that matched). Spending locks
the key's counter row first — an UPDATE, which takes PostgreSQL's row lock and SQLite's
write lock alike — then reads it, decides and writes, all in one short transaction. Call
it outside a long transaction: the row stays locked until the enclosing one commits.

A budget may slow down before it stops (``soft``): past that many uses in the window,
each further use must wait twice as long as the one before since the last use (up to
``max_delay_seconds``), so a crowded shelter's shared Wi-Fi is slowed, a script stopped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from limits.models import Counter


@dataclass(frozen=True)
class Budget:
    scope: str
    limit: int
    window_seconds: int
    soft: int | None = None
    max_delay_seconds: int = 60


class BudgetExhausted(Exception):
    """A budget is spent; ``retry_after`` seconds until the next use may be allowed."""

    def __init__(self, retry_after: int = 0) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Decision:
    allowed: bool
    used: int
    retry_after: int = 0  # seconds until a refused use could be allowed


def _window_start(budget: Budget, now: datetime.datetime) -> datetime.datetime:
    epoch = int(now.timestamp())
    return datetime.datetime.fromtimestamp(epoch - epoch % budget.window_seconds, tz=datetime.UTC)


def _delay(budget: Budget, used: int) -> int:
    """How long after the last use the next one may come, once past ``soft``."""
    if budget.soft is None or used < budget.soft:
        return 0
    return min(budget.max_delay_seconds, 2 ** min(used - budget.soft, 16))


def _locked_counter(budget: Budget, key: str, start: datetime.datetime) -> Counter:
    rows = Counter.objects.filter(scope=budget.scope, key=key[:128], window_start=start)
    if not rows.update(used=F("used")):  # takes the lock; 0 rows: the first use
        try:
            with transaction.atomic():
                Counter.objects.create(scope=budget.scope, key=key[:128], window_start=start)
        except IntegrityError:
            pass  # created a moment ago by a parallel request
        rows.update(used=F("used"))
    return rows.get()


@transaction.atomic
def budget_spend(budget: Budget, key: str, *, now: datetime.datetime | None = None) -> Decision:
    """Use one of the key's budget if it has one left (and, past ``soft``, has waited)."""
    now = now or timezone.now()
    start = _window_start(budget, now)
    counter = _locked_counter(budget, key, start)
    window_end = start + datetime.timedelta(seconds=budget.window_seconds)
    if counter.used >= budget.limit:
        return Decision(False, counter.used, max(1, int((window_end - now).total_seconds())))
    wait = _delay(budget, counter.used)
    if wait and counter.last_at is not None:
        ready_at = counter.last_at + datetime.timedelta(seconds=wait)
        if ready_at > now:
            return Decision(False, counter.used, max(1, int((ready_at - now).total_seconds())))
    counter.used += 1
    counter.last_at = now
    counter.save(update_fields=["used", "last_at"])
    return Decision(True, counter.used)


def budget_refund(budget: Budget, key: str, *, now: datetime.datetime | None = None) -> None:
    """Give back one use (the work it guarded turned out not to count)."""
    start = _window_start(budget, now or timezone.now())
    Counter.objects.filter(
        scope=budget.scope, key=key[:128], window_start=start, used__gt=0
    ).update(used=F("used") - 1)


def budgets_spend(spends: list[tuple[Budget, str]]) -> None:
    """Spend one use of every (budget, key), or of none: raises BudgetExhausted."""
    done: list[tuple[Budget, str]] = []
    for budget, key in spends:
        decision = budget_spend(budget, key)
        if not decision.allowed:
            budgets_refund(done)
            raise BudgetExhausted(decision.retry_after)
        done.append((budget, key))


def budgets_refund(spends: list[tuple[Budget, str]]) -> None:
    for budget, key in spends:
        budget_refund(budget, key)


def budget_used(budget: Budget, key: str, *, now: datetime.datetime | None = None) -> int:
    """How much of the budget the key has used in the current window."""
    start = _window_start(budget, now or timezone.now())
    used = Counter.objects.filter(scope=budget.scope, key=key[:128], window_start=start)
    return next(iter(used.values_list("used", flat=True)), 0)


def counters_prune(*, older_than: datetime.timedelta = datetime.timedelta(days=2)) -> int:
    """Forget windows that ended long ago (beat, daily); returns how many rows went."""
    deleted, _ = Counter.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
