"""Supplies — background tasks. Thin: call the service (beat runs them)."""

from __future__ import annotations

from celery import shared_task

from supplies.deliveries import deliveries_expire_claims, deliveries_remind


@shared_task
def delivery_expire_claims_task() -> int:
    """Beat, every minute: holds nobody acted on in time go back to the pool."""
    return deliveries_expire_claims()


@shared_task
def delivery_remind_task() -> int:
    """Beat, every five minutes: ask once more the households that have not answered."""
    return deliveries_remind()
