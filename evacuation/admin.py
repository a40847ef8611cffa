from django.contrib import admin
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from evacuation.models import Need, OffShelterReport, PickupEvent, PickupRequest
from lib.admin import HistoryInlineMixin, ReadOnlyAdminMixin, number
from limits.admin import register_scope
from messaging.admin import register_dedupe_key, register_purpose
from residents.admin import DetailViewLogMixin
from residents.models import CareConsideration

# What the outbox admin calls the LINE messages evacuation sends (evacuation.services,
# evacuation.notices: one per pickup step).
register_purpose("report_received", _("避難状況の受付のお知らせ"))
for pickup_step in PickupEvent.Kind:
    register_purpose(
        f"pickup_{pickup_step}", format_lazy(_("送迎のお知らせ（{}）"), pickup_step.label)
    )
register_dedupe_key("report-received", _("避難所外避難 #%(ref)s"))
register_dedupe_key("pickup-event", _("送迎の記録 #%(ref)s"))

# What the limits admin calls the budgets evacuation spends (evacuation.budgets).
register_scope("reports-identity", _("避難状況の登録（利用者ごと）"))
register_scope("reports-address", _("避難状況の登録（IP アドレスごと）"))
register_scope("pickups-identity", _("送迎依頼（利用者ごと）"))
register_scope("pickups-address", _("送迎依頼（IP アドレスごと）"))


def _words(choices, codes: list[str]) -> str:
    labels = dict(choices.choices)
    return "、".join(str(labels.get(code, code)) for code in codes) or "-"


class PickupEventInline(HistoryInlineMixin, admin.TabularInline):
    model = PickupEvent
    fields = ("created_at", "kind", "by_user", "to_user", "by_account", "note")


@admin.register(PickupRequest)
class PickupRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Pickups change only through the dashboard's actions (the state machine)."""

    list_display = (
        number,
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

    list_display = (number, "status", "place", "area", "urgency", "others_count", "updated_at")
    list_filter = ("status", "place", "area", "urgency")
    list_select_related = ("area",)
    date_hierarchy = "updated_at"
    show_full_result_count = False
    log_list = False  # the list shows no names; opening a report is logged
    # The codes of needs and care, shown in their words where the fields would be.
    readonly_fields = ("needs_text", "care_text")
    _in_words = {"needs": "needs_text", "care": "care_text"}

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [
            self._in_words.get(name, name) for name in fields if name not in self.readonly_fields
        ]

    @admin.display(description=_("支援ニーズ"))
    def needs_text(self, report: OffShelterReport) -> str:
        return _words(Need, report.needs)

    @admin.display(description=_("配慮事項"))
    def care_text(self, report: OffShelterReport) -> str:
        return _words(CareConsideration, report.care)

    def viewed(self, objects) -> dict:
        return {"residents": [person for report in objects for person in report.people.all()]}
