from django.contrib import admin

from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from lib.admin import HistoryInlineMixin, ReadOnlyAdminMixin
from residents.admin import DetailViewLogMixin


class PickupEventInline(HistoryInlineMixin, admin.TabularInline):
    model = PickupEvent
    fields = ("created_at", "kind", "by_user", "to_user", "by_account", "note")


@admin.register(PickupRequest)
class PickupRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Pickups change only through the dashboard's actions (the state machine)."""

    list_display = (
        "pk",
        "status",
        "urgency",
        "mobility",
        "people_count",
        "area",
        "claimed_by",
        "destination",
        "updated_at",
    )
    list_filter = ("status", "urgency", "mobility", "area", "destination")
    list_select_related = ("area", "claimed_by", "destination")
    inlines = [PickupEventInline]
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(OffShelterReport)
class OffShelterReportAdmin(DetailViewLogMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reports come from residents (and helpers on their behalf); read-only here."""

    list_display = ("pk", "status", "place", "area", "urgency", "others_count", "updated_at")
    list_filter = ("status", "place", "area", "urgency")
    list_select_related = ("area",)
    date_hierarchy = "updated_at"
    show_full_result_count = False
    log_list = False  # the list shows no names; opening a report is logged

    def viewed(self, objects) -> dict:
        return {"residents": [person for report in objects for person in report.people.all()]}
