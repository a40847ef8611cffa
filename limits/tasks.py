"""Limits — background tasks. Thin: call the service."""

from __future__ import annotations

from celery import shared_task

from limits.services import counters_prune


@shared_task
def counters_prune_task() -> int:
    """Beat, daily: counters of windows that ended long ago are not needed any more."""
    return counters_prune()
