"""Areas and responder profiles move here from residents, rows and all.

residents 0010 renamed their tables to this app's names; this migration only tells
Django's state that the models live here now, and moves their content types (so staff
permissions follow). Shelters 0004 and evacuation 0003 point their foreign keys here,
and residents 0011 forgets the old models.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import areas.models
from lib.migrations import move_content_types

MOVED = ("area", "responderprofile")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("residents", "0010_areas_tables"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Area",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "code",
                            models.CharField(
                                help_text="住民基本台帳の抽出データの町会コードと同じ値",
                                max_length=20,
                                unique=True,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[0-9A-Za-z-]+$",
                                        "半角英数字とハイフンで入力してください。",
                                    )
                                ],
                                verbose_name="町会コード",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="名称")),
                        (
                            "kana",
                            models.CharField(
                                max_length=200,
                                validators=[
                                    django.core.validators.RegexValidator(
                                        "^[\\u30a0-\\u30ff\\u3000 ]+$",
                                        "全角カタカナで入力してください。",
                                    )
                                ],
                                verbose_name="フリガナ",
                            ),
                        ),
                        (
                            "center_lat",
                            models.FloatField(
                                validators=[
                                    django.core.validators.MinValueValidator(-90),
                                    django.core.validators.MaxValueValidator(90),
                                ],
                                verbose_name="中心の緯度",
                            ),
                        ),
                        (
                            "center_lng",
                            models.FloatField(
                                validators=[
                                    django.core.validators.MinValueValidator(-180),
                                    django.core.validators.MaxValueValidator(180),
                                ],
                                verbose_name="中心の経度",
                            ),
                        ),
                        (
                            "boundary",
                            models.JSONField(
                                blank=True,
                                null=True,
                                validators=[areas.models.validate_boundary],
                                verbose_name="境界 (GeoJSON)",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "地区",
                        "verbose_name_plural": "地区",
                        "ordering": ["code"],
                    },
                ),
                migrations.CreateModel(
                    name="ResponderProfile",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "phone",
                            models.CharField(blank=True, max_length=20, verbose_name="電話番号"),
                        ),
                        (
                            "areas",
                            models.ManyToManyField(
                                blank=True,
                                related_name="responders",
                                to="areas.area",
                                verbose_name="担当地区",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="responder_profile",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "担当者プロフィール",
                        "verbose_name_plural": "担当者プロフィール",
                    },
                ),
            ],
        ),
        move_content_types("residents", "areas", MOVED),
    ]
