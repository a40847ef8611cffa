"""Shelters — background tasks. Thin: call the service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def arrival_follow_ups_task() -> int:
    """Woken a moment after an arrival commits, and by beat every 30 s as a sweep: end
    the arrivals' out-of-shelter reports and tell their LINE accounts."""
    from shelters.follow_ups import arrival_follow_ups

    return arrival_follow_ups()
