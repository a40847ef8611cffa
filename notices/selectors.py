"""Reads for notices: the evacuation alert templates staff may use, a notice's resends."""

from __future__ import annotations

from django.db.models import QuerySet

from notices.models import AlertTemplate, Notice, NoticeResend


def alert_templates_active() -> QuerySet[AlertTemplate]:
    """The alert levels the city has switched on (admin), in level order."""
    return AlertTemplate.objects.filter(active=True)


def notice_resends(notice: Notice) -> list[NoticeResend]:
    """Who sent the notice's failed requests again, oldest first."""
    return list(NoticeResend.objects.filter(notice=notice).select_related("by"))
