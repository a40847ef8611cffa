"""Notices in admin: read here; written, approved, sent and cancelled through the
composer's services (the state machine), never edited in place."""

from django.contrib import admin

from lib.admin import ReadOnlyAdminMixin
from notices.models import AlertTemplate, Notice, Segment


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "created_by", "updated_at")
    readonly_fields = ("created_by",)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "status",
        "send_at",
        "reachable",
        "blocked",
        "web_only",
        "created_by",
        "approved_by",
    )
    list_filter = ("status", "needs_approval")
    list_select_related = ("created_by", "approved_by")
    date_hierarchy = "created_at"


@admin.register(AlertTemplate)
class AlertTemplateAdmin(admin.ModelAdmin):
    """The wording of each evacuation alert level, for the city to adapt."""

    list_display = ("level", "active", "updated_at")
    fields = ("level", "texts", "active")
