"""Figures the security and reliability suites count as they run (routes × roles
called, payloads tried, server errors found, messages lost or sent twice), printed
together at the end of the run by the root conftest."""

from __future__ import annotations

from collections import Counter

_figures: Counter[str] = Counter()


def count(name: str, amount: int = 1) -> None:
    """Add ``amount`` to the figure called ``name`` (e.g. "xss payloads rendered")."""
    _figures[name] += amount


def record(name: str, value: int) -> None:
    """Set the figure called ``name`` (e.g. a total measured once)."""
    _figures[name] = value


def report() -> list[tuple[str, int]]:
    return sorted(_figures.items())
