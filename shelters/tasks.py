"""Shelters — background tasks. Thin: call the service."""

from __future__ import annotations

from celery import shared_task


@shared_task
def arrival_notices_task() -> int:
    """Woken a moment after an arrival commits, and by beat every 30 s as a sweep: write
    the LINE notices of arrivals that are due one."""
    from shelters.services import arrival_notices_send

    return arrival_notices_send()
