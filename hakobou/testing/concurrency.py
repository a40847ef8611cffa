"""Races on purpose: the same work started at the same moment in several threads."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.db import connections

T = TypeVar("T")
R = TypeVar("R")


def at_once(work: Callable[[T], R], items: Iterable[T], *, timeout: float = 30) -> list[R]:
    """``work(item)`` for every item, each in its own thread with its own database
    connection, all released together; the results in the order they finished. An
    exception in a thread is raised here."""
    items = list(items)
    barrier = threading.Barrier(len(items))
    results: list[R] = []
    errors: list[BaseException] = []

    def run(item: T) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(item))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if errors:
        raise errors[0]
    return results
