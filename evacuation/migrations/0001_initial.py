"""Out-of-shelter reports and pickups move here from residents, rows and all.

residents 0007 renamed their tables to evacuation's names; this migration only tells
Django's state that the models live here now (no table is created), and moves their
content types so staff permissions and admin history follow them. residents 0008 then
forgets the old models.
"""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import evacuation.models
import residents.models
from lib.migrations import move_content_types

MOVED = ("offshelterreport", "pickuprequest", "pickupevent")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("residents", "0007_line_friends_and_evacuation_tables"),
        ("shelters", "0002_arrival_follow_up_due"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OffShelterReport",
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
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "入力中"),
                                    ("active", "避難中"),
                                    ("ended", "終了"),
                                ],
                                default="draft",
                                max_length=10,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "place",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("home", "自宅"),
                                    ("car", "車中"),
                                    ("relatives", "親戚・知人宅"),
                                    ("other", "その他"),
                                ],
                                max_length=10,
                                verbose_name="避難場所",
                            ),
                        ),
                        (
                            "place_note",
                            models.CharField(
                                blank=True, max_length=100, verbose_name="避難場所（その他）"
                            ),
                        ),
                        (
                            "latitude",
                            models.FloatField(
                                blank=True,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(-90),
                                    django.core.validators.MaxValueValidator(90),
                                ],
                                verbose_name="緯度",
                            ),
                        ),
                        (
                            "longitude",
                            models.FloatField(
                                blank=True,
                                null=True,
                                validators=[
                                    django.core.validators.MinValueValidator(-180),
                                    django.core.validators.MaxValueValidator(180),
                                ],
                                verbose_name="経度",
                            ),
                        ),
                        (
                            "accuracy_m",
                            models.PositiveIntegerField(
                                blank=True, null=True, verbose_name="位置の精度（m）"
                            ),
                        ),
                        (
                            "location_source",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("gps", "GPS"),
                                    ("map", "地図で指定"),
                                    ("address", "住所のみ"),
                                ],
                                max_length=10,
                                verbose_name="位置の決め方",
                            ),
                        ),
                        (
                            "address_text",
                            models.CharField(blank=True, max_length=200, verbose_name="住所・目印"),
                        ),
                        (
                            "others_count",
                            models.PositiveSmallIntegerField(
                                default=0,
                                validators=[django.core.validators.MaxValueValidator(50)],
                                verbose_name="その他の人数",
                            ),
                        ),
                        (
                            "needs",
                            models.JSONField(
                                blank=True,
                                default=list,
                                validators=[evacuation.models.validate_needs],
                                verbose_name="支援ニーズ",
                            ),
                        ),
                        (
                            "needs_other",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="支援ニーズ（その他）"
                            ),
                        ),
                        (
                            "care",
                            models.JSONField(
                                blank=True,
                                default=list,
                                validators=[residents.models.validate_care],
                                verbose_name="配慮事項",
                            ),
                        ),
                        (
                            "note",
                            models.TextField(blank=True, max_length=1000, verbose_name="メモ"),
                        ),
                        (
                            "urgency",
                            models.PositiveSmallIntegerField(default=0, verbose_name="緊急度"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="登録日時"),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(
                                auto_now=True, db_index=True, verbose_name="更新日時"
                            ),
                        ),
                        (
                            "ended_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="終了日時"),
                        ),
                        (
                            "end_reason",
                            models.CharField(
                                blank=True,
                                choices=[
                                    ("reached_shelter", "避難所に到着"),
                                    ("returned_home", "無事に帰宅"),
                                    ("other", "その他"),
                                ],
                                max_length=20,
                                verbose_name="終了の理由",
                            ),
                        ),
                        (
                            "account",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reports",
                                to="residents.account",
                            ),
                        ),
                        (
                            "area",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to="residents.area",
                                verbose_name="町会",
                            ),
                        ),
                        (
                            "people",
                            models.ManyToManyField(
                                blank=True,
                                related_name="off_shelter_reports",
                                to="residents.resident",
                                verbose_name="いる人",
                            ),
                        ),
                        (
                            "reported_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="代理入力した担当者",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "避難所外避難",
                        "verbose_name_plural": "避難所外避難",
                    },
                ),
                migrations.CreateModel(
                    name="PickupRequest",
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
                            "people_count",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(20),
                                ],
                                verbose_name="人数",
                            ),
                        ),
                        (
                            "mobility",
                            models.CharField(
                                choices=[
                                    ("walks_with_help", "介助があれば歩ける"),
                                    ("wheelchair", "車いす"),
                                    ("stretcher", "担架・寝たまま"),
                                ],
                                max_length=20,
                                verbose_name="移動の状態",
                            ),
                        ),
                        (
                            "urgency",
                            models.CharField(
                                choices=[
                                    ("now", "すぐに"),
                                    ("today", "今日中に"),
                                    ("whenever", "急がない"),
                                ],
                                max_length=10,
                                verbose_name="急ぎ具合",
                            ),
                        ),
                        (
                            "note",
                            models.TextField(blank=True, max_length=1000, verbose_name="メモ"),
                        ),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("requested", "依頼中"),
                                    ("claimed", "対応中"),
                                    ("picked_up", "お迎え済み"),
                                    ("arrived", "避難所に到着"),
                                    ("cancelled", "取り消し"),
                                    ("unable", "対応できず"),
                                ],
                                default="requested",
                                max_length=10,
                                verbose_name="状態",
                            ),
                        ),
                        (
                            "claimed_at",
                            models.DateTimeField(
                                blank=True, null=True, verbose_name="担当した日時"
                            ),
                        ),
                        (
                            "claim_expires_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="担当の期限"),
                        ),
                        (
                            "unable_reason",
                            models.CharField(
                                blank=True, max_length=200, verbose_name="対応できなかった理由"
                            ),
                        ),
                        ("latitude", models.FloatField(blank=True, null=True)),
                        ("longitude", models.FloatField(blank=True, null=True)),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="依頼日時"),
                        ),
                        (
                            "updated_at",
                            models.DateTimeField(
                                auto_now=True, db_index=True, verbose_name="更新日時"
                            ),
                        ),
                        (
                            "area",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to="residents.area",
                                verbose_name="町会",
                            ),
                        ),
                        (
                            "claimed_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="担当者",
                            ),
                        ),
                        (
                            "destination",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="shelters.shelter",
                                verbose_name="行き先",
                            ),
                        ),
                        (
                            "report",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="pickups",
                                to="evacuation.offshelterreport",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "送迎依頼",
                        "verbose_name_plural": "送迎依頼",
                    },
                ),
                migrations.CreateModel(
                    name="PickupEvent",
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
                            "kind",
                            models.CharField(
                                choices=[
                                    ("requested", "依頼"),
                                    ("claimed", "担当"),
                                    ("released", "担当を外れた"),
                                    ("expired", "担当の期限切れ"),
                                    ("handed_over", "引き継ぎ"),
                                    ("picked_up", "お迎え"),
                                    ("arrived", "到着"),
                                    ("cancelled", "取り消し"),
                                    ("unable", "対応できず"),
                                    ("note", "メモ"),
                                ],
                                max_length=20,
                                verbose_name="種類",
                            ),
                        ),
                        ("note", models.CharField(blank=True, max_length=500, verbose_name="メモ")),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="日時"),
                        ),
                        (
                            "by_account",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to="residents.account",
                            ),
                        ),
                        (
                            "by_user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "to_user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "pickup",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="events",
                                to="evacuation.pickuprequest",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "送迎の記録",
                        "verbose_name_plural": "送迎の記録",
                        "ordering": ["created_at", "id"],
                    },
                ),
                migrations.AddIndex(
                    model_name="offshelterreport",
                    index=models.Index(
                        condition=models.Q(("status", "active")),
                        fields=["latitude", "longitude"],
                        name="active_report_location_idx",
                    ),
                ),
                migrations.AddIndex(
                    model_name="offshelterreport",
                    index=models.Index(fields=["area", "status"], name="report_area_status_idx"),
                ),
                migrations.AddConstraint(
                    model_name="offshelterreport",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status__in", ["draft", "active"])),
                        fields=("account",),
                        name="one_open_report_per_account",
                    ),
                ),
                migrations.AddIndex(
                    model_name="pickuprequest",
                    index=models.Index(fields=["area", "status"], name="pickup_area_status_idx"),
                ),
                migrations.AddConstraint(
                    model_name="pickuprequest",
                    constraint=models.UniqueConstraint(
                        condition=models.Q(("status__in", ["requested", "claimed", "picked_up"])),
                        fields=("report",),
                        name="one_open_pickup_per_report",
                    ),
                ),
            ],
        ),
        move_content_types("residents", "evacuation", MOVED),
    ]
