from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from hakobou.admin import ReadOnlyAdminMixin
from shelters.models import PresenceEvent, Shelter, ShelterStatusChange
from shelters.services import shelter_set_status


class ShelterStatusChangeInline(admin.TabularInline):
    model = ShelterStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "status", "changed_by", "note")
    readonly_fields = fields


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "status", "capacity", "area")
    list_filter = ("status", "kind", "area", "for_tsunami", "accepts_pets", "barrier_free")
    search_fields = ("code", "name", "kana", "address")
    # The status changes only through the service (history, one rule for admin and dashboard).
    readonly_fields = ("status",)
    filter_horizontal = ("reception",)
    inlines = [ShelterStatusChangeInline]
    actions = ["open_shelters", "mark_full", "close_shelters"]

    def _set(self, request, queryset, status, message):
        for shelter in queryset:
            shelter_set_status(shelter=shelter, status=status, user=request.user)
        self.message_user(request, message)

    @admin.action(description=_("選択した避難所を開設する"))
    def open_shelters(self, request, queryset):
        self._set(request, queryset, Shelter.Status.OPEN, _("開設しました。"))

    @admin.action(description=_("選択した避難所を満員にする"))
    def mark_full(self, request, queryset):
        self._set(request, queryset, Shelter.Status.FULL, _("満員にしました。"))

    @admin.action(description=_("選択した避難所を閉鎖する"))
    def close_shelters(self, request, queryset):
        self._set(request, queryset, Shelter.Status.CLOSED, _("閉鎖しました。"))


@admin.register(PresenceEvent)
class PresenceEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "kind", "shelter", "method", "by_user", "companions")
    list_filter = ("kind", "method", "shelter")
    list_select_related = ("shelter", "by_user")
    date_hierarchy = "created_at"
