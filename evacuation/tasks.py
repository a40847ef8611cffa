"""Evacuation — background tasks. Thin: load, call the service."""

from __future__ import annotations

from celery import shared_task

from evacuation.services import pickup_expire_claims


@shared_task
def pickup_expire_claims_task() -> int:
    """Beat, every minute: claims nobody acted on in time go back to the pool."""
    return pickup_expire_claims()
