"""Messaging in the admin: what left (outbox, chunk by chunk), what came in (webhook
events), and the LINE simulator. Outbox and webhook rows are written only by the
delivery and webhook services; staff look, nobody edits."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdminMixin
from messaging.forms import SimulatorConfigForm
from messaging.models import (
    LineFriend,
    OutboxChunk,
    OutboxMessage,
    SimulatedUser,
    SimulatorConfig,
    WebhookEvent,
)


class OutboxChunkInline(admin.TabularInline):
    model = OutboxChunk
    extra = 0
    can_delete = False
    fields = (
        "status",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "sent_at",
        "recipient_count",
        "retry_key",
    )
    readonly_fields = fields

    @admin.display(description=_("宛先数"))
    def recipient_count(self, obj: OutboxChunk) -> int:
        return len(obj.user_ids or [])

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "kind",
        "purpose",
        "status",
        "recipients",
        "delivered",
        "skipped_blocked",
    )
    list_filter = ("status", "kind")
    search_fields = ("purpose", "dedupe_key")
    date_hierarchy = "created_at"
    inlines = [OutboxChunkInline]
    fields = (
        "kind",
        "purpose",
        "status",
        "recipients",
        "delivered",
        "skipped_blocked",
        "created_at",
        "finished_at",
        "dedupe_key",
        "messages",
    )
    readonly_fields = fields


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "event_type", "event_id", "status", "short_error")
    list_filter = ("status", "event_type", "is_redelivery")
    search_fields = ("event_id",)
    date_hierarchy = "received_at"
    fields = (
        "received_at",
        "processed_at",
        "event_type",
        "event_id",
        "is_redelivery",
        "status",
        "error",
        "payload",
    )
    readonly_fields = fields

    @admin.display(description=_("エラー"))
    def short_error(self, obj: WebhookEvent) -> str:
        return obj.error[:120]


@admin.register(SimulatorConfig)
class SimulatorConfigAdmin(admin.ModelAdmin):
    form = SimulatorConfigForm
    list_display = ("__str__", "latency_ms", "share_429", "share_500", "share_timeout")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # One row: the simulator reads the first.
        return super().has_add_permission(request) and not SimulatorConfig.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SimulatedUser)
class SimulatedUserAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user_id", "is_friend", "created_at", "inbox_link")
    list_filter = ("is_friend",)
    search_fields = ("display_name", "user_id")
    # Users are made in the inbox page; friendship changes go through follow / unfollow
    # there, which also tell the portal (a checkbox here would not).
    fields = ("display_name", "language", "user_id", "is_friend", "created_at")
    readonly_fields = ("user_id", "is_friend", "created_at")

    @admin.display(description=_("トーク"))
    def inbox_link(self, obj: SimulatedUser) -> str:
        if settings.LINE_MODE != "simulator":
            return ""
        try:
            url = reverse("line_simulator:inbox-chat", args=[obj.user_id])
        except NoReverseMatch:
            return ""
        return format_html('<a href="{}">{}</a>', url, _("開く"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(LineFriend)
class LineFriendAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Follows and blocks come from LINE's webhook only."""

    list_display = ("__str__", "user_id", "language", "is_following", "blocked_at", "created_at")
    list_filter = ("is_following", "language")
    search_fields = ("=user_id",)
    show_full_result_count = False
