"""Notices in admin: read here; written, approved, sent and cancelled through the
composer's services (the state machine), never edited in place."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.admin import HistoryInlineMixin, ReadOnlyAdminMixin
from messaging.admin import register_dedupe_key, register_purpose
from notices.models import AlertTemplate, Notice, NoticeResend, Segment

# What the outbox admin calls a notice's messages ("notice:12", one per language).
register_purpose("notice:", _("お知らせ #%(ref)s"))
register_dedupe_key("notice", _("お知らせ #%(ref)s"))


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "updated_at")
    readonly_fields = ("created_by",)


class NoticeResendInline(HistoryInlineMixin, admin.TabularInline):
    """Who sent the failed requests again (audit)."""

    model = NoticeResend
    fields = ("at", "by", "requests")


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    inlines = (NoticeResendInline,)
    # Links are https (notices.services); also what Django 6 will assume.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "title",
        "alert_level",
        "status",
        "send_at",
        "reachable",
        "blocked",
        "web_only",
        "created_by",
        "approved_by",
    )
    list_filter = ("status", "needs_approval", "alert_level")
    list_select_related = ("created_by", "approved_by")
    date_hierarchy = "created_at"


@admin.register(NoticeResend)
class NoticeResendAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every resend, for the audit: who, when, how many requests."""

    list_display = ("notice", "at", "by", "requests")
    list_select_related = ("notice", "by")
    date_hierarchy = "at"


@admin.register(AlertTemplate)
class AlertTemplateAdmin(admin.ModelAdmin):
    """The wording of each evacuation alert level, for the city to adapt."""

    list_display = ("level", "active", "updated_at")
    fields = ("level", "texts", "active")
