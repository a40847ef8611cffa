"""CSV exports (UTF-8 with BOM, formula-safe): a round's deliveries and the ledger."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.timezone import localtime

from lib.csvexport import excel_csv
from supplies.models import Delivery, DistributionRound, LedgerEntry
from supplies.selectors import describe_items, items_by_id


def _when(value) -> str:
    return localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _user(user) -> str:
    return user.get_username() if user else ""


def deliveries_csv(round: DistributionRound) -> bytes:
    """One row per household: where it stands, what was planned and handed over. No
    names or addresses: the sheet goes around HQ; the detail is in the dashboard."""
    items = items_by_id(round.items.values_list("item_id", flat=True))
    deliveries = (
        Delivery.objects.filter(round=round)
        .select_related("area", "claimed_by", "delivered_by")
        .order_by("area__name", "pk")
    )

    def rows() -> Iterator[list]:
        for d in deliveries.iterator(chunk_size=2000):
            yield [
                d.pk,
                d.area.name if d.area else "",
                d.get_status_display(),
                d.household_size,
                describe_items(d.planned, items),
                describe_items(d.delivered, items),
                _user(d.claimed_by),
                _user(d.delivered_by),
                _when(d.delivered_at),
                _when(d.answered_at),
                d.dispute_note,
            ]

    header = [
        "配達番号",
        "町会",
        "状態",
        "世帯の人数",
        "予定の品目",
        "届けた品目",
        "担当者",
        "届けた人",
        "配達日時",
        "世帯の回答日時",
        "届いていない件のメモ",
    ]
    return excel_csv(header, rows())


def ledger_csv(entries: QuerySet[LedgerEntry]) -> bytes:
    entries = entries.select_related("depot", "item", "counterpart", "by_user").order_by(
        "created_at", "pk"
    )
    rows = (
        [
            _when(e.created_at),
            e.depot.name,
            e.item.name,
            e.item.unit,
            e.get_kind_display(),
            e.quantity,
            e.balance_after,
            e.counterpart.name if e.counterpart else "",
            e.delivery_id or "",
            e.supply_request_id or "",
            e.reason,
            _user(e.by_user),
        ]
        for e in entries.iterator(chunk_size=2000)
    )
    header = [
        "日時",
        "保管場所",
        "品目",
        "単位",
        "種類",
        "数量（増減）",
        "処理後の在庫数",
        "移動先・移動元",
        "配達番号",
        "要請番号",
        "理由・備考",
        "処理した人",
    ]
    return excel_csv(header, rows)
