"""A shelter's supply requests: its reception asks HQ for items; city staff fulfil a
request with a transfer from a depot (supplies.requests does both)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lib.roles import is_city_staff, responder_required
from shelters.selectors import shelter_for_its_staff
from supplies.ledger import NotEnoughStock
from supplies.models import Depot, Item, SupplyRequest
from supplies.requests import (
    MAX_LINES,
    RequestClosed,
    supply_request_cancel,
    supply_request_create,
    supply_request_fulfil,
)


class SupplyRequestForm(forms.Form):
    """One number per active item of the catalogue; 0 or empty: not needed."""

    note = forms.CharField(
        label=gettext_lazy("メモ（足りない理由・急ぎ具合など）"),
        max_length=500,
        required=False,
        error_messages={"max_length": gettext_lazy("メモは500文字以内で入力してください。")},
    )

    def __init__(self, *args, items: list[Item], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.pk}"] = forms.IntegerField(
                label=f"{item.name}（{item.unit}）",
                min_value=0,
                max_value=100000,
                required=False,
                error_messages={
                    "invalid": _("数量は半角の数字で入力してください。"),
                    "min_value": _("数量は 0 以上で入力してください。"),
                    "max_value": _("数量は 100,000 以下で入力してください。"),
                },
            )

    def quantities(self) -> dict[Item, int]:
        return {
            item: self.cleaned_data.get(f"item_{item.pk}") or 0
            for item in self.items
            if self.cleaned_data.get(f"item_{item.pk}")
        }

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors:
            wanted = self.quantities()
            if not wanted:
                raise forms.ValidationError(_("必要な品目の数量を 1 つ以上入力してください。"))
            if len(wanted) > MAX_LINES:
                raise forms.ValidationError(_("一度に頼める品目は 20 までです。"))
        return data


@require_http_methods(["GET", "POST"])
@responder_required
def shelter_supplies(request: HttpRequest, pk: int) -> HttpResponse:
    """The shelter's requests, and a form for a new one (reception and staff)."""
    shelter = shelter_for_its_staff(request.user, pk)
    items = list(Item.objects.filter(active=True))
    form = SupplyRequestForm(request.POST or None, items=items)
    if request.method == "POST" and form.is_valid():
        supply_request_create(
            shelter=shelter,
            quantities=form.quantities(),
            by_user=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("物資を要請しました。本部が対応します。"))
        return redirect("dashboard:shelter-supplies", pk=shelter.pk)
    requests = (
        SupplyRequest.objects.filter(shelter=shelter)
        .prefetch_related("lines__item")
        .select_related("requested_by", "fulfilled_by", "from_depot")[:50]
    )
    return render(
        request,
        "dashboard/shelter_supplies.html",
        {
            "shelter": shelter,
            "form": form,
            "requests": requests,
            "depots": Depot.objects.filter(active=True, shelter=None),
            "is_staff": is_city_staff(request.user),
        },
    )


@require_POST
@responder_required
def shelter_supply_request_close(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    """Staff fulfil a request from a depot, or cancel it. A second press is harmless."""
    if not is_city_staff(request.user):
        raise PermissionDenied
    supply_request = get_object_or_404(SupplyRequest, pk=request_pk, shelter_id=pk)
    try:
        if request.POST.get("action") == "cancel":
            supply_request_cancel(request=supply_request, by_user=request.user)
            messages.success(request, _("要請を取り消しました。"))
        else:
            depot = Depot.objects.filter(pk=request.POST.get("depot") or 0, active=True).first()
            if depot is None:
                messages.error(request, _("出庫元の保管場所を選んでください。"))
            else:
                supply_request_fulfil(
                    request=supply_request, from_depot=depot, by_user=request.user
                )
                messages.success(request, _("要請に対応しました（在庫を移動しました）。"))
    except RequestClosed:
        messages.info(request, _("この要請はすでに対応済みか、取り消されています。"))
    except NotEnoughStock as short:
        messages.error(request, short.message())
    return redirect("dashboard:shelter-supplies", pk=pk)
