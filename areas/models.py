"""Areas of town associations (町会・自主防災組織) and what each volunteer or reception
user is responsible for."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.geo import InvalidGeoJSON, validate_area_geometry
from lib.kana import katakana_validator


def validate_boundary(value: object) -> None:
    if value is None:
        return
    try:
        validate_area_geometry(value)
    except InvalidGeoJSON as exc:
        raise ValidationError(
            _("境界は GeoJSON の Polygon または MultiPolygon で入力してください（%(reason)s）。"),
            params={"reason": str(exc)},
        ) from None


class Area(models.Model):
    """The area of one town association / disaster-prevention group (町会・自主防災組織)."""

    code = models.CharField(
        _("町会コード"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(r"^[0-9A-Za-z-]+$", _("半角英数字とハイフンで入力してください。"))
        ],
        help_text=_("住民基本台帳の抽出データの町会コードと同じ値"),
    )
    name = models.CharField(_("名称"), max_length=100)
    kana = models.CharField(_("フリガナ"), max_length=200, validators=[katakana_validator])
    center_lat = models.FloatField(
        _("中心の緯度"), validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    center_lng = models.FloatField(
        _("中心の経度"), validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    boundary = models.JSONField(
        _("境界 (GeoJSON)"), null=True, blank=True, validators=[validate_boundary]
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("地区")
        verbose_name_plural = _("地区")

    def __str__(self) -> str:
        return self.name


class ResponderProfile(models.Model):
    """What a volunteer (町会・自主防災組織) or shelter reception user is responsible for.

    The role itself is the user's group; this row says where they may act.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="responder_profile",
        verbose_name=_("ユーザー"),
    )
    areas = models.ManyToManyField(
        Area, related_name="responders", blank=True, verbose_name=_("担当地区")
    )
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("担当者プロフィール")
        verbose_name_plural = _("担当者プロフィール")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()
