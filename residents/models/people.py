from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from areas.models import Area
from residents.fields import EncryptedDateField, EncryptedTextField


class ImportRun(models.Model):
    """One load of a municipal registry extract (CLI or admin upload)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("取込中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    # Errors kept per run: enough to fix a file, bounded so a broken file cannot bloat a row.
    MAX_ERRORS_KEPT = 1000

    file_name = models.CharField(_("ファイル名"), max_length=255)
    stored_path = models.CharField(_("保存先"), max_length=500, blank=True, editable=False)
    encoding = models.CharField(_("文字コード"), max_length=20, default="auto")
    full_extract = models.BooleanField(
        _("全件データ"),
        default=True,
        help_text=_(
            "全件データでは、ファイルにない人を「転出等（無効）」にします。削除はしません。"
        ),
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.QUEUED)
    rows_read = models.PositiveIntegerField(_("読込行数"), default=0)
    rows_imported = models.PositiveIntegerField(_("取込件数"), default=0)
    rows_failed = models.PositiveIntegerField(_("エラー件数"), default=0)
    rows_deactivated = models.PositiveIntegerField(_("無効化件数"), default=0)
    errors = models.JSONField(_("エラー"), default=list, blank=True)
    message = models.TextField(_("メッセージ"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("取り込んだ人"),
    )
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("住民基本台帳の取込")
        verbose_name_plural = _("住民基本台帳の取込")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class RegistryPerson(models.Model):
    """A person in the municipal resident registry extract (住民基本台帳).

    Personal fields are encrypted; ``match_index`` is the keyed blind index of
    normalised kana + birth date used to find the person at registration.
    """

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")
        OTHER = "", _("記載なし")

    resident_number = models.CharField(_("宛名番号"), max_length=20, unique=True)
    name = EncryptedTextField(_("氏名"))
    name_kana = EncryptedTextField(_("氏名カナ"))
    birth_date = EncryptedDateField(_("生年月日"))
    sex = models.CharField(_("性別"), max_length=1, choices=Sex, blank=True)
    postcode = EncryptedTextField(_("郵便番号"), blank=True)
    address = EncryptedTextField(_("住所"))
    household_number = models.CharField(_("世帯番号"), max_length=20, db_index=True)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, verbose_name=_("町会"))
    needs_support = models.BooleanField(_("避難行動要支援者"), default=False)
    match_index = models.CharField(_("照合用インデックス"), max_length=64, editable=False)
    is_active = models.BooleanField(_("有効"), default=True)
    last_import = models.ForeignKey(
        ImportRun,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        verbose_name=_("最後の取込"),
    )
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("住民基本台帳の記録")
        verbose_name_plural = _("住民基本台帳の記録")
        indexes = [
            models.Index(
                fields=["match_index"],
                condition=models.Q(is_active=True),
                name="registry_active_match_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resident_number}"


class CareConsideration(models.TextChoices):
    """配慮事項: what helpers at a shelter or a door need to know about a person."""

    ELDERLY = "elderly", _("高齢")
    DISABILITY = "disability", _("障がい")
    INFANT = "infant", _("乳幼児")
    PREGNANT = "pregnant", _("妊娠中")
    NURSING_CARE = "nursing_care", _("要介護")
    CHRONIC_ILLNESS = "chronic_illness", _("持病")
    ALLERGY = "allergy", _("アレルギー")
    PET = "pet", _("ペット")


def validate_care(value: object) -> None:
    if not isinstance(value, list) or not set(value) <= set(CareConsideration.values):
        raise ValidationError(_("配慮事項の選択が正しくありません。"), code="invalid_care")


# How someone who withdrew appears on a roster, at reception and in history.
WITHDRAWN_NAME = _("退会された方")


class Resident(models.Model):
    """Someone the portal helps. Verified: linked to a registry record. Unverified:
    entered by hand (visitors, tourists, people not found), marked for staff."""

    registry_person = models.OneToOneField(
        RegistryPerson,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resident",
        verbose_name=_("住民基本台帳の記録"),
    )
    # Self-entered (unverified) details; a verified resident's come from the registry.
    name = EncryptedTextField(_("氏名"), blank=True)
    name_kana = EncryptedTextField(_("氏名カナ"), blank=True)
    birth_date = EncryptedDateField(_("生年月日"), null=True, blank=True)
    address = EncryptedTextField(_("住所"), blank=True)
    phone = EncryptedTextField(_("電話番号"), blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("町会")
    )
    # Codes of CareConsideration; the person (or whoever registered them) keeps it up to date.
    care = models.JSONField(_("配慮事項"), default=list, blank=True, validators=[validate_care])
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("代理登録した担当者"),
    )
    # The keyed blind index of the self-entered kana + birth date (as RegistryPerson's),
    # so reception can find someone entered by hand who arrives without a phone; empty
    # for a verified resident, who is found through the registry record.
    # residents.blind_index.resident_match_index keeps it in step with the two fields.
    match_index = models.CharField(
        _("照合用インデックス"), max_length=64, blank=True, editable=False
    )
    # 退会: the person's own data is gone (residents.withdrawal); the row stays for the
    # stays, presence events and reports it carries.
    withdrawn_at = models.DateTimeField(_("退会日時"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("住民")
        verbose_name_plural = _("住民")
        indexes = [
            models.Index(
                fields=["match_index"],
                condition=models.Q(registry_person__isnull=True) & ~models.Q(match_index=""),
                name="resident_manual_match_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_verified(self) -> bool:
        return self.registry_person_id is not None

    @property
    def display_name(self) -> str:
        if self.withdrawn_at is not None:
            return str(WITHDRAWN_NAME)
        return self.registry_person.name if self.registry_person else self.name

    @property
    def display_kana(self) -> str:
        return self.registry_person.name_kana if self.registry_person else self.name_kana

    @property
    def display_birth_date(self):
        return self.registry_person.birth_date if self.registry_person else self.birth_date

    @property
    def display_address(self) -> str:
        return self.registry_person.address if self.registry_person else self.address

    @property
    def needs_support(self) -> bool:
        """避難行動要支援者 in the city's registry."""
        return bool(self.registry_person and self.registry_person.needs_support)

    def get_care_display(self) -> list[str]:
        labels = dict(CareConsideration.choices)
        return [str(labels[code]) for code in self.care if code in labels]


class Account(models.Model):
    """A resident-side identity: a LINE account (LIFF, identity from a verified ID
    token) or, for people without LINE, a browser identity with a recovery code."""

    line_user_id = models.CharField(
        _("LINE ユーザーID"), max_length=64, unique=True, null=True, blank=True
    )
    # The name in the LINE ID token at sign-in; whether the user follows the city's
    # account (and may be messaged) is messaging's LineFriend.
    display_name = models.CharField(_("表示名"), max_length=100, blank=True)
    consented_at = models.DateTimeField(_("利用目的への同意日時"), null=True, blank=True)
    # 退会: anonymised (residents.withdrawal); kept for the reports that point to it.
    withdrawn_at = models.DateTimeField(_("退会日時"), null=True, blank=True, editable=False)
    # Staff stopped this identity from making new reports and pickup requests (pranks).
    suspended_at = models.DateTimeField(_("利用停止日時"), null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("利用停止した職員"),
    )
    # SHA-256 of a high-entropy code shown once; lets a browser user get back in.
    recovery_code_hash = models.CharField(
        _("復旧コード（ハッシュ）"), max_length=64, unique=True, null=True, blank=True
    )
    residents = models.ManyToManyField(
        Resident, through="ResidentLink", related_name="accounts", verbose_name=_("住民")
    )
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    # The LINE friend row of this account's LINE user, joined on the user id (no column,
    # no constraint: a friend may follow before registering, an account outlive a block).
    # The composer's live count reads "following or not" through one LEFT JOIN instead of
    # a lookup per account (bench/segments.py).
    line_friend = models.ForeignObject(
        "messaging.LineFriend",
        on_delete=models.DO_NOTHING,
        from_fields=["line_user_id"],
        to_fields=["user_id"],
        null=True,
        related_name="+",
        verbose_name=_("LINE の友だち"),
    )

    class Meta:
        verbose_name = _("利用者アカウント")
        verbose_name_plural = _("利用者アカウント")

    def __str__(self) -> str:
        if self.withdrawn_at is not None:
            return f"{WITHDRAWN_NAME} ({self.pk})"
        return self.display_name or self.line_user_id or f"web-{self.pk}"

    @property
    def is_line(self) -> bool:
        return self.line_user_id is not None


class ResidentLink(models.Model):
    """Who an account is (self) and whom it may act for (family / proxy)."""

    class Relation(models.TextChoices):
        SELF = "self", _("本人")
        FAMILY = "family", _("家族・代理")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="links", verbose_name=_("利用者アカウント")
    )
    # Its own index covers the account too: "the accounts of these people" (segments)
    # is read from the index alone.
    resident = models.ForeignKey(
        Resident,
        on_delete=models.CASCADE,
        related_name="links",
        db_index=False,
        verbose_name=_("住民"),
    )
    relation = models.CharField(_("関係"), max_length=10, choices=Relation)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("本人・家族の紐付け")
        verbose_name_plural = _("本人・家族の紐付け")
        indexes = [
            models.Index(fields=["resident"], include=["account"], name="link_resident_account_idx")
        ]
        constraints = [
            models.UniqueConstraint(fields=["account", "resident"], name="link_once"),
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(relation="self"), name="one_self_per_account"
            ),
            # A resident is "self" for one account only: no silent takeover.
            models.UniqueConstraint(
                fields=["resident"],
                condition=models.Q(relation="self"),
                name="one_owner_per_resident",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} → {self.resident_id} ({self.get_relation_display()})"


class TakeoverRequest(models.Model):
    """A resident already linked to another account asks to be linked here; staff decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("承認待ち")
        APPROVED = "approved", _("承認")
        REJECTED = "rejected", _("却下")

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="+", verbose_name=_("申請したアカウント")
    )
    resident = models.ForeignKey(
        Resident, on_delete=models.CASCADE, related_name="+", verbose_name=_("住民")
    )
    relation = models.CharField(_("関係"), max_length=10, choices=ResidentLink.Relation)
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("承認・却下した人"),
    )
    decided_at = models.DateTimeField(_("承認・却下の日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("申請日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("紐付けの承認申請")
        verbose_name_plural = _("紐付けの承認申請")
        constraints = [
            models.UniqueConstraint(
                fields=["account", "resident"],
                condition=models.Q(status="pending"),
                name="one_pending_takeover",
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} → {self.resident_id} ({self.get_status_display()})"


class MatchAttempt(models.Model):
    """Audit of every registry match attempt: who, when, result — never what was typed."""

    class Result(models.TextChoices):
        MATCHED = "matched", _("一致")
        SEVERAL = "several", _("複数一致")
        NONE = "none", _("不一致")
        LOCKED = "locked", _("制限中")

    FAILURES = (Result.NONE,)

    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("利用者アカウント"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("照合した担当者"),
    )
    ip_address = models.GenericIPAddressField(_("IP アドレス"), null=True, blank=True)
    result = models.CharField(_("結果"), max_length=10, choices=Result)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("照合の記録")
        verbose_name_plural = _("照合の記録")
        indexes = [
            models.Index(fields=["account", "created_at"], name="attempt_account_idx"),
            models.Index(fields=["ip_address", "created_at"], name="attempt_ip_idx"),
            models.Index(fields=["user", "created_at"], name="attempt_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_result_display()}"


class DetailView(models.Model):
    """閲覧記録: a staff member or volunteer saw a person's details (who, whom, when, where).

    Kept when the resident is deleted (withdrawal), without the personal data."""

    class Context(models.TextChoices):
        ROSTER = "roster", _("避難者名簿")
        ROSTER_CSV = "roster_csv", _("避難者名簿 CSV")
        RECEPTION = "reception", _("受付")
        DASHBOARD = "dashboard", _("ダッシュボード詳細")
        ADMIN = "admin", _("管理画面")
        SEGMENT_CSV = "segment_csv", _("配信対象のうち LINE のない人の CSV")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("閲覧した人"),
    )
    resident = models.ForeignKey(
        Resident, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("住民")
    )
    resident_ref = models.PositiveBigIntegerField(_("住民（内部番号）"), null=True)
    # Someone found in the registry at reception who has no resident record yet.
    registry_ref = models.PositiveBigIntegerField(_("住基記録（内部番号）"), null=True)
    context = models.CharField(_("画面"), max_length=20, choices=Context)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("閲覧記録")
        verbose_name_plural = _("閲覧記録")
        indexes = [
            models.Index(fields=["resident_ref", "created_at"], name="detailview_resident_idx")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_context_display()}"
