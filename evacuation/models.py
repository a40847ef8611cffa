"""People sheltering outside a shelter (避難所外避難) and pickup requests (送迎依頼).

The Hakodate drill's point: nobody is left out because they stayed at home, in a car
or with relatives. They say where they are and what they need; volunteers nearby see
it on the map and act on it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from residents.models import Account, Resident, validate_care


class Need(models.TextChoices):
    """支援ニーズ. The order is the urgency order on the map (most urgent first)."""

    MEDICAL = "medical", _("医療・看護")
    TRANSPORT = "transport", _("移動支援（迎え）")
    NURSING = "nursing", _("介護")
    MEDICINE = "medicine", _("医薬品")
    WATER = "water", _("飲料水")
    FOOD = "food", _("食料")
    INFORMATION = "information", _("情報")
    OTHER = "other", _("その他")


# Urgency on the map: 3 = red (life and health), 2 = orange (cannot manage alone),
# 1 = yellow (supplies), 0 = blue (nothing pressing / information).
NEED_URGENCY = {
    Need.MEDICAL: 3,
    Need.TRANSPORT: 2,
    Need.NURSING: 2,
    Need.MEDICINE: 2,
    Need.WATER: 1,
    Need.FOOD: 1,
    Need.INFORMATION: 0,
    Need.OTHER: 0,
}
# These care considerations raise a report one step (to at most 3).
VULNERABLE_CARE = {"elderly", "disability", "infant", "pregnant", "nursing_care"}


def validate_needs(value: object) -> None:
    if not isinstance(value, list) or not set(value) <= set(Need.values):
        raise ValidationError(_("支援ニーズの選択が正しくありません。"), code="invalid_need")


def urgency_of(needs: list[str], care: list[str]) -> int:
    level = max((NEED_URGENCY.get(code, 0) for code in needs), default=0)
    if VULNERABLE_CARE & set(care):
        level = min(3, level + 1)
    return level


class OffShelterReport(models.Model):
    """避難所外避難: where people are sheltering outside a shelter and what they need.

    Filled in one question at a time (a draft until sent), updated as things change,
    ended by the resident or, person by person, by checking in at a shelter."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("入力中")
        ACTIVE = "active", _("避難中")
        ENDED = "ended", _("終了")

    class Place(models.TextChoices):
        HOME = "home", _("自宅")
        CAR = "car", _("車中")
        RELATIVES = "relatives", _("親戚・知人宅")
        OTHER = "other", _("その他")

    class LocationSource(models.TextChoices):
        GPS = "gps", _("GPS")
        MAP = "map", _("地図で指定")
        ADDRESS = "address", _("住所のみ")

    class EndReason(models.TextChoices):
        REACHED_SHELTER = "reached_shelter", _("避難所に到着")
        RETURNED_HOME = "returned_home", _("無事に帰宅")
        OTHER = "other", _("その他")
        DISMISSED = "dismissed", _("いたずら・重複")
        WITHDRAWN = "withdrawn", _("退会")

    class Urgency(models.IntegerChoices):
        """緊急度, as urgency_of derives it and the map colours it (NEED_URGENCY); the
        words are the dashboard's (低・中・高・緊急)."""

        INFORMATION = 0, _("0 低（情報・その他）")
        SUPPLIES = 1, _("1 中（物資）")
        HELP = 2, _("2 高（自力では難しい）")
        LIFE = 3, _("3 緊急（命・健康）")

    # PROTECT: a withdrawn account is anonymised, never deleted (residents.withdrawal).
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name=_("住民のアカウント"),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("代理入力した担当者"),
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.DRAFT)
    place = models.CharField(_("避難場所"), max_length=10, choices=Place, blank=True)
    place_note = models.CharField(_("避難場所（その他）"), max_length=100, blank=True)
    latitude = models.FloatField(
        _("緯度"), null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.FloatField(
        _("経度"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    accuracy_m = models.PositiveIntegerField(_("位置の精度（m）"), null=True, blank=True)
    location_source = models.CharField(
        _("位置の決め方"), max_length=10, choices=LocationSource, blank=True
    )
    address_text = models.CharField(_("住所・目印"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("町会")
    )
    people = models.ManyToManyField(
        Resident, blank=True, related_name="off_shelter_reports", verbose_name=_("いる人")
    )
    others_count = models.PositiveSmallIntegerField(
        _("その他の人数"), default=0, validators=[MaxValueValidator(50)]
    )
    needs = models.JSONField(_("支援ニーズ"), default=list, blank=True, validators=[validate_needs])
    needs_other = models.CharField(_("支援ニーズ（その他）"), max_length=200, blank=True)
    care = models.JSONField(_("配慮事項"), default=list, blank=True, validators=[validate_care])
    note = models.TextField(_("メモ"), max_length=1000, blank=True)
    # Derived from needs and care by the service, for the map's colours and sorting.
    urgency = models.PositiveSmallIntegerField(_("緊急度"), choices=Urgency, default=0)
    # Someone in it is matched to the resident registry; kept by the services when the
    # people change, so the map and the list can mark the others 未確認 without a join.
    verified = models.BooleanField(_("住基照合済み"), default=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)
    ended_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    end_reason = models.CharField(_("終了の理由"), max_length=20, choices=EndReason, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("終了した担当者"),
    )

    class Meta:
        verbose_name = _("避難所外避難")
        verbose_name_plural = _("避難所外避難")
        constraints = [
            # One report in progress per account: a double submit edits it, never forks it.
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(status__in=["draft", "active"]),
                name="one_open_report_per_account",
            )
        ]
        indexes = [
            # The map: active reports in a viewport.
            models.Index(
                fields=["latitude", "longitude"],
                condition=models.Q(status="active"),
                name="active_report_location_idx",
            ),
            models.Index(fields=["area", "status"], name="report_area_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_place_display() or '-'} #{self.pk}"

    @property
    def people_count(self) -> int:
        return self.people.count() + self.others_count


class Mobility(models.TextChoices):
    """How someone asking for a pickup can move."""

    WALKS_WITH_HELP = "walks_with_help", _("介助があれば歩ける")
    WHEELCHAIR = "wheelchair", _("車いす")
    STRETCHER = "stretcher", _("担架・寝たまま")


class PickupRequest(models.Model):
    """送迎依頼: someone who cannot move asks to be taken to a shelter."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("依頼中")
        CLAIMED = "claimed", _("対応中")
        PICKED_UP = "picked_up", _("お迎え済み")
        ARRIVED = "arrived", _("避難所に到着")
        CANCELLED = "cancelled", _("取り消し")
        UNABLE = "unable", _("対応できず")

    OPEN = (Status.REQUESTED, Status.CLAIMED, Status.PICKED_UP)

    class Urgency(models.TextChoices):
        NOW = "now", _("すぐに")
        TODAY = "today", _("今日中に")
        WHENEVER = "whenever", _("急がない")

    report = models.ForeignKey(
        OffShelterReport,
        on_delete=models.CASCADE,
        related_name="pickups",
        verbose_name=_("避難所外避難"),
    )
    people_count = models.PositiveSmallIntegerField(
        _("人数"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    mobility = models.CharField(_("移動の状態"), max_length=20, choices=Mobility)
    urgency = models.CharField(_("急ぎ具合"), max_length=10, choices=Urgency)
    destination = models.ForeignKey(
        "shelters.Shelter", on_delete=models.PROTECT, related_name="+", verbose_name=_("行き先")
    )
    note = models.TextField(_("メモ"), max_length=1000, blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.REQUESTED)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("担当者"),
    )
    claimed_at = models.DateTimeField(_("担当した日時"), null=True, blank=True)
    claim_expires_at = models.DateTimeField(_("担当の期限"), null=True, blank=True)
    unable_reason = models.CharField(_("対応できなかった理由"), max_length=200, blank=True)
    # Copied from the report, so the map reads one table.
    latitude = models.FloatField(_("緯度"), null=True, blank=True)
    longitude = models.FloatField(_("経度"), null=True, blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("町会")
    )
    created_at = models.DateTimeField(_("依頼日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("送迎依頼")
        verbose_name_plural = _("送迎依頼")
        constraints = [
            # One pickup in progress per report: a second tap on "send" finds the first.
            models.UniqueConstraint(
                fields=["report"],
                condition=models.Q(status__in=["requested", "claimed", "picked_up"]),
                name="one_open_pickup_per_report",
            )
        ]
        indexes = [models.Index(fields=["area", "status"], name="pickup_area_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} #{self.pk}"


class PickupEvent(models.Model):
    """Append-only history of a pickup: every transition, handover and note."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("依頼")
        CLAIMED = "claimed", _("担当")
        RELEASED = "released", _("担当を外れた")
        EXPIRED = "expired", _("担当の期限切れ")
        HANDED_OVER = "handed_over", _("引き継ぎ")
        PICKED_UP = "picked_up", _("お迎え")
        ARRIVED = "arrived", _("到着")
        CANCELLED = "cancelled", _("取り消し")
        UNABLE = "unable", _("対応できず")
        DISMISSED = "dismissed", _("いたずら・重複")
        NOTE = "note", _("メモ")

    pickup = models.ForeignKey(
        PickupRequest, on_delete=models.CASCADE, related_name="events", verbose_name=_("送迎依頼")
    )
    kind = models.CharField(_("種類"), max_length=20, choices=Kind)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("担当者"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("引き継いだ相手"),
    )
    by_account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("住民のアカウント"),
    )
    note = models.CharField(_("メモ"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("送迎の記録")
        verbose_name_plural = _("送迎の記録")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pickup_id}"
