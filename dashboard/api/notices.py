"""A notice's delivery report for its page's progress bar, polled while LINE requests
are still queued. City staff only; the numbers are notices.services.notice_report's."""

from __future__ import annotations

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.api.base import Problem, with_etag
from dashboard.api.segments import SegmentApi
from messaging.services import OutboxReport
from notices.models import Notice
from notices.services import notice_report

Status = Notice.Status

ReportOut = inline_serializer(
    "NoticeReport",
    {
        "status": serializers.CharField(),
        "status_label": serializers.CharField(),
        "queued": serializers.IntegerField(help_text="LINE recipients still to be sent to."),
        "sent": serializers.IntegerField(help_text="LINE accepted."),
        "failed": serializers.IntegerField(help_text="Failed for good: may be resent."),
        "blocked": serializers.IntegerField(help_text="Blocked the account: never sent."),
        "web_only": serializers.IntegerField(help_text="No LINE: the web page on /my/."),
        "percent": serializers.IntegerField(),
        "polling": serializers.BooleanField(help_text="Ask again in a few seconds."),
    },
)


def report_facts(notice: Notice, report: OutboxReport, now: datetime.datetime) -> dict:
    """The report's numbers for the notice's page and its poll. Blocked: those left out
    when the recipients were frozen, and those who blocked the account since."""
    done = report.sent + report.failed + report.blocked
    on_line = report.queued + done
    due = notice.status == Status.SCHEDULED and notice.send_at and notice.send_at <= now
    return {
        "status": notice.status,
        "status_label": str(notice.get_status_display()),
        "queued": report.queued,
        "sent": report.sent,
        "failed": report.failed,
        "blocked": notice.blocked + report.blocked,
        "web_only": notice.web_only,
        "percent": round(100 * done / on_line) if on_line else 100,
        # Sending is about to start (a task or the beat's sweep), or still under way.
        "polling": bool(due or notice.status == Status.SENDING or report.queued),
    }


class NoticeReportApi(SegmentApi):
    @extend_schema(
        summary="Staff: where a notice's recipients stand (queued, sent, failed, blocked)",
        responses={200: ReportOut, 304: None, 403: Problem, 404: Problem},
    )
    def get(self, request: Request, pk: int) -> Response:
        notice = get_object_or_404(Notice, pk=pk)
        return with_etag(request, report_facts(notice, notice_report(notice), timezone.now()))
