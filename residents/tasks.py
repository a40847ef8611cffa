"""Residents — background tasks. Thin: load, call the service."""

from __future__ import annotations

from celery import shared_task

from residents.importer import registry_import_stored
from residents.models import ImportRun


@shared_task
def registry_import_task(run_id: int) -> None:
    """Import an extract uploaded in admin (queued on commit by registry_import_enqueue)."""
    run = ImportRun.objects.get(pk=run_id)
    registry_import_stored(run=run)
