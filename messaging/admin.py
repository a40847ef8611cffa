"""Messaging in the admin: what left (outbox, chunk by chunk), what came in (webhook
events), and the LINE simulator. Outbox and webhook rows are written only by the
delivery and webhook services; staff look, nobody edits."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lib.admin import ReadOnlyAdminMixin, stored_values_filter
from messaging.forms import SimulatorConfigForm
from messaging.models import (
    LineFriend,
    OutboxChunk,
    OutboxMessage,
    SimulatedUser,
    SimulatorConfig,
    WebhookEvent,
)

# How staff read an outbox message's purpose and dedupe key: each app that sends names
# its own (in its admin module, messaging knowing none of them); anything not named is
# shown as it is stored.
_PURPOSES: dict[str, str | Promise] = {}
_DEDUPE_KEYS: dict[str, str | Promise] = {}


def register_purpose(purpose: str, label: str | Promise) -> None:
    """Name an outbox ``purpose`` for staff: the exact value ("welcome"), or a prefix
    ending in ":" for one purpose per record ("notice:" for "notice:12"), whose label
    then takes %(ref)s, what follows the prefix."""
    _PURPOSES[purpose] = label


def register_dedupe_key(prefix: str, label: str | Promise) -> None:
    """Name the event a dedupe key "prefix:ref" (or "prefix:ref:language", one message
    per language) stands for: ``label`` takes %(ref)s."""
    _DEDUPE_KEYS[prefix] = label


def purpose_label(purpose: str) -> str:
    """「お知らせ #12」 for "notice:12"; the stored value when no app named it."""
    if purpose in _PURPOSES:
        return str(_PURPOSES[purpose])
    prefix, colon, ref = purpose.partition(":")
    label = _PURPOSES.get(prefix + colon) if colon else None
    return str(label) % {"ref": ref} if label is not None else purpose


def dedupe_key_label(key: str | None) -> str:
    """「送迎の記録 #31（English）」 for "pickup-event:31:en"; the stored key when no app
    named its prefix."""
    if not key:
        return ""
    prefix, _colon, rest = key.partition(":")
    label = _DEDUPE_KEYS.get(prefix)
    if label is None or not rest:
        return key
    ref, _colon, language = rest.rpartition(":")
    if not ref:
        return str(label) % {"ref": rest}
    language = dict(settings.LANGUAGES).get(language, language)
    return f"{str(label) % {'ref': ref}}（{language}）"


def _with_stored(label: str, stored: str | None) -> str:
    """The label, with the stored value after it (quiet) when they differ: what
    staff search by and what the logs name."""
    if not stored or label == stored:
        return stored or "-"
    return format_html('{} <span class="quiet">{}</span>', label, stored)


register_purpose("welcome", _("友だち追加のあいさつ"))
register_dedupe_key("welcome", _("友だち追加のイベント %(ref)s"))

# LINE's webhook event types (those the portal handles, and a few it may receive).
EVENT_TYPES = {
    "follow": _("友だち追加"),
    "unfollow": _("ブロック"),
    "message": _("メッセージ"),
    "postback": _("ボタンの操作"),
    "unsend": _("送信の取り消し"),
    "join": _("グループへの参加"),
    "leave": _("グループからの退出"),
}


def event_type_label(event_type: str) -> str:
    label = EVENT_TYPES.get(event_type)
    return str(label) if label is not None else event_type


EventTypeFilter = stored_values_filter("event_type", _("種類"), event_type_label)


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
        "purpose_text",
        "status",
        "recipients",
        "delivered",
        "skipped_blocked",
    )
    list_filter = ("status", "kind")
    search_fields = ("purpose", "dedupe_key")
    search_help_text = _("用途のキー（例：notice:12）か重複防止キーで検索できます。")
    date_hierarchy = "created_at"
    inlines = [OutboxChunkInline]
    fields = (
        "kind",
        "purpose_detail",
        "status",
        "recipients",
        "delivered",
        "skipped_blocked",
        "created_at",
        "finished_at",
        "dedupe_key_detail",
        "messages",
    )
    readonly_fields = fields

    @admin.display(description=_("用途"), ordering="purpose")
    def purpose_text(self, obj: OutboxMessage) -> str:
        return purpose_label(obj.purpose) or "-"

    @admin.display(description=_("用途"))
    def purpose_detail(self, obj: OutboxMessage) -> str:
        return _with_stored(purpose_label(obj.purpose), obj.purpose)

    @admin.display(description=_("重複防止キー"))
    def dedupe_key_detail(self, obj: OutboxMessage) -> str:
        return _with_stored(dedupe_key_label(obj.dedupe_key), obj.dedupe_key)


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "event_type_text", "event_id", "status", "short_error")
    list_filter = ("status", EventTypeFilter, "is_redelivery")
    search_fields = ("event_id",)
    date_hierarchy = "received_at"
    fields = (
        "received_at",
        "processed_at",
        "event_type_text",
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

    @admin.display(description=_("種類"), ordering="event_type")
    def event_type_text(self, obj: WebhookEvent) -> str:
        return _with_stored(event_type_label(obj.event_type), obj.event_type)


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
