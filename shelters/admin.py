from django.contrib import admin, messages
from django.utils.html import format_html, json_script
from django.utils.translation import gettext_lazy as _

from lib.admin import HistoryInlineMixin, ReadOnlyAdminMixin
from lib.maps import MAP_CONFIG_ID, map_config
from messaging.admin import register_dedupe_key, register_purpose
from shelters.models import PresenceEvent, Shelter, ShelterNotice, ShelterStatusChange
from shelters.services import PeopleStillInside, StatusChangeRefused, shelter_set_status

# What the outbox admin calls the LINE messages shelters send (shelters.notices,
# shelters.follow_ups).
register_purpose(f"shelter_{ShelterNotice.Kind.OPENED}", _("避難所の開設のお知らせ"))
register_purpose(f"shelter_{ShelterNotice.Kind.FULL}", _("避難所の満員のお知らせ"))
register_purpose("shelter_arrival", _("避難所への到着のお知らせ"))
register_dedupe_key("shelter-notice", _("避難所のお知らせ #%(ref)s"))
register_dedupe_key("presence", _("入退所の記録 #%(ref)s"))


class ShelterStatusChangeInline(HistoryInlineMixin, admin.TabularInline):
    model = ShelterStatusChange
    fields = ("changed_at", "status", "changed_by", "note")


class ShelterNoticeInline(HistoryInlineMixin, admin.TabularInline):
    model = ShelterNotice
    fields = ("sent_at", "kind", "recipients", "triggered_by")


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "status", "capacity", "area")
    list_filter = ("status", "kind", "area", "for_tsunami", "accepts_pets", "barrier_free")
    search_fields = ("code", "name", "kana", "address")
    # The status changes only through the service (history, one rule for admin and dashboard).
    readonly_fields = ("status", "location_map")
    filter_horizontal = ("reception",)
    inlines = [ShelterStatusChangeInline, ShelterNoticeInline]
    actions = ["open_shelters", "mark_full", "close_shelters"]

    class Media:
        css = {"all": ("leaflet/leaflet.css",)}
        js = ("leaflet/leaflet.js", "js/point-picker.js")

    def get_fields(self, request, obj=None):
        # The map goes right under the two inputs it fills, not last with the read-only fields.
        fields = [name for name in super().get_fields(request, obj) if name != "location_map"]
        after = fields.index("longitude") + 1
        return [*fields[:after], "location_map", *fields[after:]]

    @admin.display(description=_("地図"))
    def location_map(self, obj: Shelter | None) -> str:
        # Only a helper for the latitude / longitude inputs: they stay ordinary fields and
        # are what is saved, so the form also works without JavaScript.
        return format_html(
            '{}<div data-point-picker data-lat-input="id_latitude" data-lng-input="id_longitude"'
            ' data-marker-label="{}"'
            ' style="width: min(40rem, 100vw - 3rem); height: 22rem"></div>'
            # The read-only cell is already indented; admin's .help would indent it twice.
            '<p class="help" style="margin-left: 0; padding-left: 0">{}</p>',
            json_script(map_config(), MAP_CONFIG_ID),
            _("避難所の位置"),
            _("地図をクリックするか印をドラッグすると、緯度と経度が入ります。"),
        )

    def _set(self, request, queryset, status, message):
        """Through the service, shelter by shelter: one it refuses (people still inside
        a shelter to close, a closed one to mark full) is left as it was and named."""
        changed = 0
        for shelter in queryset:
            try:
                shelter_set_status(shelter=shelter, status=status, user=request.user)
            except PeopleStillInside as refused:
                self.message_user(
                    request,
                    _(
                        "%(refusal)s 管理画面からは閉鎖できません。ダッシュボードの「避難所の状況」"
                        "で「閉鎖にする」を押すと、移動先か退所の理由を選んで閉鎖できます。"
                    )
                    % {"refusal": refused.message},
                    messages.ERROR,
                )
            except StatusChangeRefused as refused:
                self.message_user(request, refused.message, messages.ERROR)
            else:
                changed += 1
        if changed:
            self.message_user(request, message % {"count": changed})

    @admin.action(description=_("選択した避難所を開設する"))
    def open_shelters(self, request, queryset):
        self._set(request, queryset, Shelter.Status.OPEN, _("%(count)s か所を開設しました。"))

    @admin.action(description=_("選択した避難所を満員にする"))
    def mark_full(self, request, queryset):
        self._set(request, queryset, Shelter.Status.FULL, _("%(count)s か所を満員にしました。"))

    @admin.action(description=_("選択した避難所を閉鎖する"))
    def close_shelters(self, request, queryset):
        self._set(request, queryset, Shelter.Status.CLOSED, _("%(count)s か所を閉鎖しました。"))


@admin.register(PresenceEvent)
class PresenceEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "shelter", "method", "by_user", "companions")
    list_filter = ("kind", "method", "shelter")
    list_select_related = ("shelter", "by_user")
    date_hierarchy = "created_at"
