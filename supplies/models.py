"""Relief supplies (救援物資): the item catalogue, stock kept as a ledger per depot, and
distribution rounds that bring supplies to households sheltering outside shelters,
each delivery confirmed by the household on LINE or on the web.

Stock is a running balance (``Stock``) written only with its ledger entry
(``LedgerEntry``) in one transaction under a row lock; the database refuses a
negative balance or a reservation larger than what is on hand. A delivery's items are
kept on its own row (``planned`` / ``delivered``, by item id), so opening a round for
50,000 households is 50,000 rows, not one per household and item.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from evacuation.models import OffShelterReport
from lib.fields import user_link
from residents.models import Account
from shelters.models import Shelter


class Category(models.TextChoices):
    WATER = "water", _("飲料水")
    FOOD = "food", _("食料")
    ALLERGY_SAFE = "allergy_safe", _("アレルギー対応食")
    INFANT = "infant", _("乳幼児用品")
    HYGIENE = "hygiene", _("衛生用品")
    MEDICAL = "medical", _("医療用品")
    BEDDING = "bedding", _("寝具")
    OTHER = "other", _("その他")


class Item(models.Model):
    """品目: one thing the city hands out, counted in one unit."""

    name = models.CharField(_("品名"), max_length=100, unique=True)
    unit = models.CharField(_("単位"), max_length=20, help_text=_("例：本、食、枚、個"))
    category = models.CharField(_("分類"), max_length=20, choices=Category)
    active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("品目")
        verbose_name_plural = _("品目")

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）"


class Depot(models.Model):
    """保管場所: a city depot, or a shelter's own store (``shelter`` set)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    shelter = models.OneToOneField(
        Shelter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="depot",
        verbose_name=_("避難所"),
        help_text=_("避難所の備蓄のときに指定します。"),
    )
    address = models.CharField(_("住所"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("緯度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("経度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    active = models.BooleanField(_("使用中"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("保管場所")
        verbose_name_plural = _("保管場所")

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """在庫: what a depot holds of an item, and how much of it rounds have reserved.
    Changed only by supplies.ledger, with a ledger entry, under a row lock."""

    depot = models.ForeignKey(
        Depot, on_delete=models.PROTECT, related_name="stock", verbose_name=_("保管場所")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="stock", verbose_name=_("品目")
    )
    on_hand = models.PositiveIntegerField(_("在庫数"), default=0)
    reserved = models.PositiveIntegerField(_("引当済み"), default=0)

    class Meta:
        verbose_name = _("在庫")
        verbose_name_plural = _("在庫")
        constraints = [
            models.UniqueConstraint(fields=["depot", "item"], name="one_stock_row_per_item"),
            # PositiveIntegerField is only a check on PostgreSQL; say it for every database.
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=0, reserved__gte=0), name="stock_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("on_hand")),
                name="stock_reserved_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.depot} / {self.item}"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved


class LedgerEntry(models.Model):
    """入出庫記録: every change of a depot's stock, with who and why. Append-only."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("受入")
        ISSUED = "issued", _("払出（配布）")
        TRANSFER_OUT = "transfer_out", _("移動（出庫）")
        TRANSFER_IN = "transfer_in", _("移動（入庫）")
        ADJUSTED = "adjusted", _("調整")

    depot = models.ForeignKey(
        Depot, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("保管場所")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="ledger", verbose_name=_("品目")
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind)
    quantity = models.IntegerField(_("数量（増減）"))
    balance_after = models.PositiveIntegerField(_("処理後の在庫数"))
    reason = models.CharField(_("理由・備考"), max_length=200, blank=True)
    # The other side of a transfer.
    counterpart = models.ForeignKey(
        Depot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("移動先・移動元"),
    )
    delivery = models.ForeignKey(
        "Delivery",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("配達"),
    )
    supply_request = models.ForeignKey(
        "SupplyRequest",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("避難所からの要請"),
    )
    by_user = user_link(_("処理した人"))
    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("入出庫記録")
        verbose_name_plural = _("入出庫記録")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item} {self.quantity:+d}"


class TargetNeed(models.TextChoices):
    """Which households a round is for, when not for everyone (対象の条件)."""

    INFANT = "infant", _("乳幼児がいる世帯")
    ALLERGY = "allergy", _("アレルギーのある人がいる世帯")
    MEDICAL = "medical", _("医療・医薬品が必要な世帯")
    ELDERLY = "elderly", _("高齢・要介護の人がいる世帯")
    WATER = "water", _("飲料水が必要な世帯")
    FOOD = "food", _("食料が必要な世帯")


class DistributionRound(models.Model):
    """配布ラウンド: items for out-of-shelter households in chosen areas, from one depot."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("準備中")
        OPEN = "open", _("配布中")
        CLOSED = "closed", _("終了")

    name = models.CharField(_("名称"), max_length=100)
    depot = models.ForeignKey(Depot, on_delete=models.PROTECT, verbose_name=_("出庫元"))
    areas = models.ManyToManyField(
        Area,
        blank=True,
        verbose_name=_("対象の町会"),
        help_text=_("指定しないときは市内全域です。"),
    )
    target_needs = models.JSONField(
        _("対象の条件"),
        default=list,
        blank=True,
        help_text=_("どれかに当てはまる世帯だけに配ります。空欄のときは全世帯です。"),
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.DRAFT)
    note = models.TextField(_("メモ"), max_length=1000, blank=True)
    created_by = user_link(_("作成した人"))
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    opened_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    closed_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("配布ラウンド")
        verbose_name_plural = _("配布ラウンド")

    def __str__(self) -> str:
        return self.name


class RoundItem(models.Model):
    """What each household of a round gets: so many per household plus so many per person."""

    round = models.ForeignKey(
        DistributionRound,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("ラウンド"),
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, verbose_name=_("品目"))
    per_household = models.PositiveSmallIntegerField(
        _("1世帯あたり"), default=0, validators=[MaxValueValidator(1000)]
    )
    per_person = models.PositiveSmallIntegerField(
        _("1人あたり"), default=0, validators=[MaxValueValidator(1000)]
    )

    class Meta:
        verbose_name = _("配布する品目")
        verbose_name_plural = _("配布する品目")
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="one_line_per_round_item")
        ]

    def __str__(self) -> str:
        return f"{self.item}"

    def quantity_for(self, household_size: int) -> int:
        return self.per_household + self.per_person * household_size


class DeliveryBatch(models.Model):
    """配達の束: deliveries one volunteer took together (one walk, one printed sheet)."""

    round = models.ForeignKey(
        DistributionRound,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("ラウンド"),
    )
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("担当者"),
    )
    start_latitude = models.FloatField(_("出発地の緯度"), null=True, blank=True)
    start_longitude = models.FloatField(_("出発地の経度"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("配達の束")
        verbose_name_plural = _("配達の束")

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"


class Delivery(models.Model):
    """配達: one household's share of a round, from the depot to its door and the
    household's own confirmation. Its state machine is supplies.deliveries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未配達")
        OUT = "out", _("配達中")
        NOT_HOME = "not_home", _("不在（再訪問）")
        DELIVERED = "delivered", _("配達済み（受取確認待ち）")
        UNCONFIRMED = "unconfirmed", _("受取未確認")
        CONFIRMED = "confirmed", _("受取確認済み")
        DISPUTED = "disputed", _("届いていない（確認中）")
        RESOLVED = "resolved", _("確認済み（対応済み）")
        REFUSED = "refused", _("受取辞退")
        CANCELLED = "cancelled", _("配布終了（未配達）")

    # Still to be brought: these hold a reservation of the depot's stock.
    TO_DELIVER = (Status.PENDING, Status.OUT, Status.NOT_HOME)
    # Brought; the household has not answered (yet).
    AWAITING_ANSWER = (Status.DELIVERED, Status.UNCONFIRMED)

    round = models.ForeignKey(
        DistributionRound,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("ラウンド"),
    )
    # PROTECT: a withdrawn account's report is anonymised, never deleted.
    report = models.ForeignKey(
        OffShelterReport, on_delete=models.PROTECT, related_name="+", verbose_name=_("世帯")
    )
    status = models.CharField(_("状態"), max_length=12, choices=Status, default=Status.PENDING)
    household_size = models.PositiveSmallIntegerField(_("世帯の人数"), default=1)
    # {item id: quantity}, as strings in JSON.
    planned = models.JSONField(_("予定の数量"), default=dict)
    delivered = models.JSONField(_("届けた数量"), default=dict, blank=True)
    # Copied from the report, so the map and the route read one table.
    latitude = models.FloatField(_("緯度"), null=True, blank=True)
    longitude = models.FloatField(_("経度"), null=True, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("町会")
    )
    batch = models.ForeignKey(
        DeliveryBatch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
        verbose_name=_("配達の束"),
    )
    claimed_by = user_link(_("担当者"))
    claimed_at = models.DateTimeField(_("担当した日時"), null=True, blank=True)
    claim_expires_at = models.DateTimeField(_("担当の期限"), null=True, blank=True)
    delivered_by = user_link(_("届けた人"))
    delivered_at = models.DateTimeField(_("配達日時"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("再確認の日時"), null=True, blank=True)
    answered_at = models.DateTimeField(_("世帯の回答日時"), null=True, blank=True)
    dispute_note = models.CharField(_("届いていない件のメモ"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("配達")
        verbose_name_plural = _("配達")
        constraints = [
            # Opening a round twice never gives a household two deliveries.
            models.UniqueConstraint(fields=["round", "report"], name="one_delivery_per_household")
        ]
        indexes = [
            models.Index(fields=["round", "area", "status"], name="delivery_round_area_idx"),
            models.Index(
                fields=["round", "latitude", "longitude"], name="delivery_round_point_idx"
            ),
            models.Index(
                fields=["delivered_at"],
                condition=models.Q(status="delivered"),
                name="delivery_awaiting_answer_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"


class DeliveryEvent(models.Model):
    """Append-only history of a delivery, and the audit of refused attempts on it."""

    class Kind(models.TextChoices):
        CLAIMED = "claimed", _("担当")
        RELEASED = "released", _("担当を外れた")
        EXPIRED = "expired", _("担当の期限切れ")
        HANDED_OVER = "handed_over", _("引き継ぎ")
        DELIVERED = "delivered", _("配達")
        NOT_HOME = "not_home", _("不在")
        REFUSED = "refused", _("受取辞退")
        REMINDED = "reminded", _("受取の再確認")
        CONFIRMED = "confirmed", _("受取確認")
        DISPUTED = "disputed", _("届いていない")
        RESOLVED = "resolved", _("対応済み")
        CANCELLED = "cancelled", _("配布終了")
        DENIED = "denied", _("権限のない操作（拒否）")

    # Null only for a denied attempt on a delivery that does not exist.
    delivery = models.ForeignKey(
        Delivery,
        null=True,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("配達"),
    )
    delivery_ref = models.PositiveBigIntegerField(_("配達（内部番号）"), null=True)
    kind = models.CharField(_("種類"), max_length=20, choices=Kind)
    by_user = user_link(_("担当者"))
    to_user = user_link(_("引き継いだ相手"))
    by_account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("住民のアカウント"),
    )
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    # Where the step came from (dashboard, scan, postback, web …): never what people wrote.
    via = models.CharField(_("経路"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("配達の記録")
        verbose_name_plural = _("配達の記録")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.delivery_ref}"


class SupplyRequest(models.Model):
    """避難所からの物資要請: a shelter asks HQ for items; HQ fulfils it with a transfer."""

    class Status(models.TextChoices):
        OPEN = "open", _("要請中")
        FULFILLED = "fulfilled", _("対応済み")
        CANCELLED = "cancelled", _("取り消し")

    shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, related_name="supply_requests", verbose_name=_("避難所")
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.OPEN)
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    requested_by = user_link(_("要請した人"))
    fulfilled_by = user_link(_("対応した人"))
    from_depot = models.ForeignKey(
        Depot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("出庫元"),
    )
    created_at = models.DateTimeField(_("要請日時"), auto_now_add=True)
    closed_at = models.DateTimeField(_("対応日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("避難所からの物資要請")
        verbose_name_plural = _("避難所からの物資要請")

    def __str__(self) -> str:
        return f"{self.shelter} #{self.pk}"


class SupplyRequestLine(models.Model):
    request = models.ForeignKey(
        SupplyRequest,
        on_delete=models.CASCADE,
        related_name="lines",
        verbose_name=_("避難所からの物資要請"),
    )
    item = models.ForeignKey(Item, on_delete=models.PROTECT, verbose_name=_("品目"))
    quantity = models.PositiveIntegerField(
        _("数量"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )

    class Meta:
        verbose_name = _("要請の品目")
        verbose_name_plural = _("要請の品目")
        constraints = [
            models.UniqueConstraint(fields=["request", "item"], name="one_line_per_request_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} × {self.quantity}"
