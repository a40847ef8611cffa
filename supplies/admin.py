"""Supplies in Django admin: the catalogue and depots are edited here; stock changes
only through the ledger's services (an entry form that calls them); rounds are set up
here and opened or closed by actions that call supplies.rounds; deliveries change only
through their state machine, so they are read-only here."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.admin import HistoryInlineMixin, ReadOnlyAdminMixin, number
from messaging.admin import register_dedupe_key, register_purpose
from supplies import ledger
from supplies.exports import deliveries_csv, ledger_csv
from supplies.models import (
    Delivery,
    DeliveryBatch,
    DeliveryEvent,
    Depot,
    DistributionRound,
    Item,
    LedgerEntry,
    RoundItem,
    Stock,
    SupplyRequest,
    SupplyRequestLine,
    TargetNeed,
)
from supplies.rounds import RoundClosed, RoundHasNoItems, round_close, round_open

# What the outbox admin calls the LINE messages supplies sends (supplies.receipts).
register_purpose("supply_delivered", gettext_lazy("物資の受取確認"))
register_purpose("supply_reminder", gettext_lazy("物資の受取確認（再確認）"))
register_dedupe_key("supply-delivered", gettext_lazy("配達 #%(ref)s"))
register_dedupe_key("supply-reminder", gettext_lazy("配達 #%(ref)s（再確認）"))


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "category", "active")
    list_filter = ("category", "active")
    search_fields = ("name",)


class StockInline(admin.TabularInline):
    model = Stock
    extra = 0
    can_delete = False
    fields = ("item", "on_hand", "reserved", "available")
    readonly_fields = fields

    @admin.display(description=gettext_lazy("使える在庫"))
    def available(self, stock: Stock) -> int:
        return stock.available

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Depot)
class DepotAdmin(admin.ModelAdmin):
    list_display = ("name", "shelter", "address", "active")
    list_filter = ("active",)
    search_fields = ("name", "address")
    inlines = [StockInline]


@admin.register(Stock)
class StockAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Balances: read here, changed by ledger entries (入出庫記録 → 追加)."""

    list_display = ("depot", "item", "on_hand", "reserved", "available")
    list_filter = ("depot", "item__category")
    list_select_related = ("depot", "item")
    search_fields = ("item__name", "depot__name")

    @admin.display(description=gettext_lazy("使える在庫"))
    def available(self, stock: Stock) -> int:
        return stock.available


class LedgerEntryForm(forms.ModelForm):
    """受入・調整・移動, each done by its ledger service when the form is saved."""

    MOVE = "transfer"
    action = forms.ChoiceField(
        label=gettext_lazy("処理"),
        choices=[
            (LedgerEntry.Kind.RECEIVED, gettext_lazy("受入（入庫）")),
            (LedgerEntry.Kind.ADJUSTED, gettext_lazy("調整（棚卸の差など）")),
            (MOVE, gettext_lazy("移動（別の保管場所へ）")),
        ],
    )
    quantity = forms.IntegerField(
        label=gettext_lazy("数量"),
        min_value=-1_000_000,
        max_value=1_000_000,
        help_text=gettext_lazy("調整は減らすときにマイナスで入力します。"),
    )
    to_depot = forms.ModelChoiceField(
        Depot.objects.filter(active=True),
        required=False,
        label=gettext_lazy("移動先"),
    )

    class Meta:
        model = LedgerEntry
        fields = ("action", "depot", "item", "quantity", "to_depot", "reason")

    def clean(self) -> dict:
        data = super().clean()
        action, quantity = data.get("action"), data.get("quantity")
        if quantity is None or action is None:
            return data
        if action != LedgerEntry.Kind.ADJUSTED and quantity <= 0:
            self.add_error("quantity", _("1 以上の数量を入力してください。"))
        if action == LedgerEntry.Kind.ADJUSTED:
            if quantity == 0:
                self.add_error("quantity", _("0 以外の数量を入力してください。"))
            if not (data.get("reason") or "").strip():
                self.add_error("reason", _("調整の理由を入力してください。"))
        if action == self.MOVE:
            if data.get("to_depot") is None:
                self.add_error("to_depot", _("移動先を選んでください。"))
            elif data.get("depot") == data.get("to_depot"):
                self.add_error("to_depot", _("移動元と別の保管場所を選んでください。"))
        return data


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    """The ledger is append-only: entries are added through the services, never edited."""

    form = LedgerEntryForm
    list_display = (
        "created_at",
        "depot",
        "item",
        "kind",
        "quantity",
        "balance_after",
        "counterpart",
        "reason",
        "by_user",
    )
    list_filter = ("kind", "depot", "item__category")
    list_select_related = ("depot", "item", "counterpart", "by_user")
    search_fields = ("item__name", "reason")
    date_hierarchy = "created_at"
    actions = ["export_csv"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)
        # A recorded entry shows what happened, not the inputs of the form that adds one.
        return (
            "created_at",
            "kind",
            "depot",
            "item",
            "quantity",
            "balance_after",
            "counterpart",
            "delivery",
            "supply_request",
            "reason",
            "by_user",
        )

    def save_model(self, request, obj: LedgerEntry, form, change) -> None:
        data = form.cleaned_data
        common = {"by_user": request.user, "reason": data.get("reason") or ""}
        try:
            if data["action"] == LedgerEntry.Kind.RECEIVED:
                entry = ledger.stock_receive(
                    depot=data["depot"], item=data["item"], quantity=data["quantity"], **common
                )
            elif data["action"] == LedgerEntry.Kind.ADJUSTED:
                entry = ledger.stock_adjust(
                    depot=data["depot"], item=data["item"], quantity=data["quantity"], **common
                )
            else:
                entry = ledger.stock_transfer(
                    from_depot=data["depot"],
                    to_depot=data["to_depot"],
                    quantities={data["item"]: data["quantity"]},
                    **common,
                )[0]
        except ledger.NotEnoughStock as short:
            request.ledger_refused = short.message()
            return
        obj.pk = entry.pk
        obj._state.adding = False

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            super().log_addition(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None) -> HttpResponse:
        # The admin object serves every request: the refusal travels on the request.
        refused = getattr(request, "ledger_refused", None)
        if refused:
            messages.error(request, refused)
            return HttpResponseRedirect(request.get_full_path())
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=gettext_lazy("選んだ記録を CSV で出力"))
    def export_csv(self, request, queryset: QuerySet[LedgerEntry]) -> HttpResponse:
        return _csv_response(ledger_csv(queryset), "ledger.csv")


def _csv_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class RoundItemInline(admin.TabularInline):
    model = RoundItem
    extra = 1
    autocomplete_fields = ("item",)

    def _editable(self, obj) -> bool:
        # Quantities are fixed once deliveries exist: they reserved stock by them.
        return obj is None or obj.status == DistributionRound.Status.DRAFT

    def has_add_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DistributionRoundForm(forms.ModelForm):
    target_needs = forms.MultipleChoiceField(
        label=gettext_lazy("対象の条件"),
        choices=TargetNeed.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("どれかに当てはまる世帯だけに配ります。選ばないときは全世帯です。"),
    )

    class Meta:
        model = DistributionRound
        fields = ("name", "depot", "areas", "target_needs", "note")


@admin.register(DistributionRound)
class DistributionRoundAdmin(admin.ModelAdmin):
    form = DistributionRoundForm
    list_display = ("name", "status", "depot", "deliveries", "opened_at", "closed_at")
    list_filter = ("status", "depot")
    filter_horizontal = ("areas",)
    readonly_fields = ("status", "created_by", "created_at", "opened_at", "closed_at", "export")
    inlines = [RoundItemInline]
    actions = ["open_rounds", "close_rounds"]

    @admin.display(description=gettext_lazy("配達の一覧"))
    def export(self, round: DistributionRound) -> str:
        if round.pk is None or round.status == DistributionRound.Status.DRAFT:
            return "-"
        url = reverse("admin:supplies_distributionround_deliveries_csv", args=[round.pk])
        return format_html('<a href="{}">{}</a>', url, _("CSV で出力"))

    @admin.display(description=gettext_lazy("配達数"))
    def deliveries(self, round: DistributionRound) -> int:
        return round.deliveries.count()

    def get_fields(self, request, obj=None):
        fields = ["name", "depot", "areas", "target_needs", "note", *self.readonly_fields]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != DistributionRound.Status.DRAFT:
            # Who gets what is fixed once deliveries exist; the note stays editable.
            return (*self.readonly_fields, "depot", "areas", "target_needs")
        return self.readonly_fields

    def save_model(self, request, obj: DistributionRound, form, change) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description=gettext_lazy("配布を開始・更新（新しい世帯を追加）"))
    def open_rounds(self, request, queryset) -> None:
        for round in queryset:
            try:
                outcome = round_open(round=round, by_user=request.user)
            except ledger.NotEnoughStock as short:
                messages.error(request, f"{round.name}: {short.message()}")
            except RoundHasNoItems:
                messages.error(
                    request,
                    _("%(round)s: 配布する品目と数量を入力してください。") % {"round": round},
                )
            except RoundClosed:
                messages.error(request, _("%(round)s: 終了した配布です。") % {"round": round})
            else:
                messages.success(
                    request,
                    _("%(round)s: %(added)s 世帯を追加しました（全 %(total)s 世帯）。")
                    % {"round": round, "added": outcome.added, "total": outcome.total},
                )

    @admin.action(description=gettext_lazy("配布を終了（未配達の引当を戻す）"))
    def close_rounds(self, request, queryset) -> None:
        for round in queryset:
            round_close(round=round, by_user=request.user)
        messages.success(request, _("選んだ配布を終了しました。"))

    def get_urls(self):
        return [
            path(
                "<int:pk>/deliveries.csv",
                self.admin_site.admin_view(self.deliveries_csv_view),
                name="supplies_distributionround_deliveries_csv",
            ),
            *super().get_urls(),
        ]

    def deliveries_csv_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        round = get_object_or_404(DistributionRound, pk=pk)
        return _csv_response(deliveries_csv(round), f"round-{round.pk}-deliveries.csv")


class DeliveryEventInline(HistoryInlineMixin, admin.TabularInline):
    model = DeliveryEvent
    fields = ("created_at", "kind", "via", "by_user", "to_user", "by_account", "note")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Deliveries change only through their state machine (the dashboard, LINE, /my/)."""

    list_display = (
        number,
        "round",
        "status",
        "area",
        "household_size",
        "claimed_by",
        "delivered_at",
        "answered_at",
    )
    list_filter = ("status", "round", "area")
    list_select_related = ("round", "area", "claimed_by")
    inlines = [DeliveryEventInline]
    show_full_result_count = False


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The history of every delivery, and refused attempts on them (権限のない操作)."""

    list_display = ("created_at", "kind", "via", "delivery_ref", "by_user", "by_account", "note")
    list_filter = ("kind", "via")
    list_select_related = ("by_user", "by_account")
    date_hierarchy = "created_at"
    show_full_result_count = False


@admin.register(DeliveryBatch)
class DeliveryBatchAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (number, "round", "volunteer", "created_at")
    list_filter = ("round",)


class SupplyRequestLineInline(admin.TabularInline):
    model = SupplyRequestLine
    extra = 0
    autocomplete_fields = ("item",)


@admin.register(SupplyRequest)
class SupplyRequestAdmin(admin.ModelAdmin):
    """Requests are posted and fulfilled on the dashboard's shelter page; fulfilling
    moves stock, so it is not a field to edit here."""

    list_display = (number, "shelter", "status", "created_at", "requested_by", "closed_at")
    list_filter = ("status", "shelter")
    list_select_related = ("shelter", "requested_by")
    readonly_fields = ("status", "from_depot", "requested_by", "fulfilled_by", "closed_at")
    inlines = [SupplyRequestLineInline]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != SupplyRequest.Status.OPEN:
            return False
        return super().has_change_permission(request, obj)
