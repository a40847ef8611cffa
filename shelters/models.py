from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from lib.kana import katakana_validator
from residents.models import Account, Resident


class Shelter(models.Model):
    """A shelter or evacuation site (避難所・避難場所)."""

    class Kind(models.TextChoices):
        DESIGNATED = "designated", _("指定避難所")
        EMERGENCY_SITE = "emergency_site", _("指定緊急避難場所")
        WELFARE = "welfare", _("福祉避難所")
        WATER = "water", _("給水所")
        OTHER = "other", _("その他")

    class Status(models.TextChoices):
        CLOSED = "closed", _("閉鎖")
        OPEN = "open", _("開設")
        FULL = "full", _("満員")

    code = models.CharField(_("避難所コード"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kana = models.CharField(_("フリガナ"), max_length=200, validators=[katakana_validator])
    kind = models.CharField(_("種別"), max_length=20, choices=Kind, default=Kind.DESIGNATED)
    address = models.CharField(_("住所"), max_length=200)
    latitude = models.FloatField(
        _("緯度"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("経度"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("地区")
    )
    capacity = models.PositiveIntegerField(_("収容人数"))
    # Hazards the shelter is designated for (災害種別): searched as "津波のとき" etc.
    for_flood = models.BooleanField(_("洪水"), default=False)
    for_tsunami = models.BooleanField(_("津波"), default=False)
    for_landslide = models.BooleanField(_("土砂災害"), default=False)
    for_earthquake = models.BooleanField(_("地震"), default=False)
    for_fire = models.BooleanField(_("大規模火災"), default=False)
    barrier_free = models.BooleanField(_("バリアフリー"), default=False)
    accepts_pets = models.BooleanField(_("ペット同行可"), default=False)
    rules = models.TextField(_("利用のきまり"), blank=True)
    contact = models.CharField(_("連絡先"), max_length=100, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.CLOSED)
    reception = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reception_shelters",
        verbose_name=_("受付担当者"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    HAZARDS = ("flood", "tsunami", "landslide", "earthquake", "fire")

    class Meta:
        ordering = ["code"]
        verbose_name = _("避難所")
        verbose_name_plural = _("避難所")

    def __str__(self) -> str:
        return self.name


class ShelterStatusChange(models.Model):
    """The open / full / closed history of a shelter."""

    shelter = models.ForeignKey(
        Shelter, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("避難所")
    )
    status = models.CharField(_("状態"), max_length=10, choices=Shelter.Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("変更した人"),
    )
    note = models.CharField(_("メモ"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("開設・閉鎖の記録")
        verbose_name_plural = _("開設・閉鎖の記録")

    def __str__(self) -> str:
        return f"{self.shelter_id} {self.status}"


class ShelterNotice(models.Model):
    """開設・満員のお知らせ: what the residents of a shelter's area were told on LINE when
    it opened or became full. Kept for audit, and so that a status flapping within
    SHELTER_NOTICE_DEBOUNCE_MINUTES does not send the same notice twice."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("開設のお知らせ")
        FULL = "full", _("満員のお知らせ")

    shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, related_name="notices", verbose_name=_("避難所")
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind)
    recipients = models.PositiveIntegerField(_("LINE で届けた人数"), default=0)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("状態を変えた人"),
    )
    sent_at = models.DateTimeField(_("送信日時"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("避難所のお知らせ")
        verbose_name_plural = _("避難所のお知らせ")

    def __str__(self) -> str:
        return f"{self.shelter} {self.get_kind_display()}"


class Method(models.TextChoices):
    """How a presence event was recorded."""

    POSTER_QR = "poster_qr", _("避難所のQR")
    PERSONAL_QR = "personal_qr", _("個人のQR")
    NAME_SEARCH = "name_search", _("名前で検索")
    PICKUP_ARRIVAL = "pickup_arrival", _("送迎の到着")
    STAFF = "staff", _("職員の操作")


class Stay(models.Model):
    """A person's current or past stay at a shelter; at most one open per person."""

    # PROTECT: a shelter's history outlives a withdrawal (the person is anonymised).
    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="stays", verbose_name=_("住民")
    )
    shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, related_name="stays", verbose_name=_("避難所")
    )
    checked_in_at = models.DateTimeField(_("入所日時"), auto_now_add=True)
    checked_out_at = models.DateTimeField(_("退所日時"), null=True, blank=True)
    method = models.CharField(_("方法"), max_length=20, choices=Method)
    # Family or friends without a registration who came along (counted in occupancy).
    companions = models.PositiveSmallIntegerField(_("同行者（未登録）"), default=0)

    class Meta:
        verbose_name = _("滞在")
        verbose_name_plural = _("滞在")
        constraints = [
            # Two devices scanning the same person at once: the database lets one through.
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(checked_out_at__isnull=True),
                name="one_open_stay_per_resident",
            )
        ]
        indexes = [
            models.Index(
                fields=["shelter"],
                condition=models.Q(checked_out_at__isnull=True),
                name="open_stays_by_shelter_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident_id} @ {self.shelter_id}"


class PresenceEvent(models.Model):
    """Append-only log of check-ins, check-outs and transfers (who did it, how)."""

    class Kind(models.TextChoices):
        CHECK_IN = "in", _("入所")
        CHECK_OUT = "out", _("退所")
        TRANSFER = "transfer", _("移動")

    resident = models.ForeignKey(
        Resident, on_delete=models.PROTECT, related_name="+", verbose_name=_("住民")
    )
    shelter = models.ForeignKey(
        Shelter, on_delete=models.PROTECT, related_name="+", verbose_name=_("避難所")
    )
    from_shelter = models.ForeignKey(
        Shelter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("移動元の避難所"),
    )
    kind = models.CharField(_("種類"), max_length=10, choices=Kind)
    method = models.CharField(_("方法"), max_length=20, choices=Method)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("記録した担当者"),
    )
    by_account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("住民のアカウント"),
    )
    companions = models.PositiveSmallIntegerField(_("同行者（未登録）"), default=0)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    # An arrival not yet followed up (shelters.follow_ups.arrival_follow_ups: its
    # out-of-shelter report, its LINE notice); cleared once that is done.
    follow_up_due = models.BooleanField(_("到着後の処理待ち"), default=False, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(follow_up_due=True), name="presence_follow_up_due"
            )
        ]
        verbose_name = _("入退所の記録")
        verbose_name_plural = _("入退所の記録")

    def __str__(self) -> str:
        return f"{self.kind} {self.resident_id} @ {self.shelter_id}"
