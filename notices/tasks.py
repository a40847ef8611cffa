"""Notices — background tasks. Thin: call the service."""

from __future__ import annotations

from celery import shared_task

from notices.services import notice_send, notices_due


@shared_task(ignore_result=True, acks_late=True)
def notice_send_task(notice_id: int) -> None:
    notice_send(notice_id=notice_id)


@shared_task(ignore_result=True)
def notices_due_task() -> int:
    """Beat, every 30 seconds: scheduled notices whose time has come (and any a broker
    outage left behind)."""
    due = notices_due()
    for notice_id in due:
        notice_send(notice_id=notice_id)
    return len(due)
