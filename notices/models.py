"""City messages (市からのお知らせ) to a segment of residents, and saved segments.

A notice is written, approved by a second staff member when it reaches many people or
the whole city, sent now or at a set time, and its recipients are frozen when sending
starts (``NoticeRecipient``), so the audit says who was sent what, when and by whom,
whatever the segment's data did afterwards. Its state machine is notices.services.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lib.fields import user_link
from residents.models import Account


class Segment(models.Model):
    """保存した配信対象: a segment (messaging.segments' JSON) kept for reuse."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    tree = models.JSONField(_("条件"))
    created_by = user_link(_("作成した人"))
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("保存した配信対象")
        verbose_name_plural = _("保存した配信対象")

    def __str__(self) -> str:
        return self.name


class AlertTemplate(models.Model):
    """避難情報のひな形: the evacuation alert levels' wording, edited by the city in admin
    and sent to chosen areas through the composer (always with approval). ``{areas}``
    in a text is replaced by the chosen areas' names."""

    class Level(models.TextChoices):
        LEVEL_3 = "3", _("警戒レベル3 高齢者等避難")
        LEVEL_4 = "4", _("警戒レベル4 避難指示")
        LEVEL_5 = "5", _("警戒レベル5 緊急安全確保")
        LIFTED = "lifted", _("解除")

    level = models.CharField(_("警戒レベル"), max_length=10, choices=Level, unique=True)
    texts = models.JSONField(
        _("本文"), help_text=_("言語ごとの本文。{areas} は地区名に置き換わります。")
    )
    active = models.BooleanField(_("使用中"), default=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        ordering = ["level"]
        verbose_name = _("避難情報のひな形")
        verbose_name_plural = _("避難情報のひな形")

    def __str__(self) -> str:
        return self.get_level_display()


class Notice(models.Model):
    """市からのお知らせ: one message to one segment, in each resident's language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("下書き")
        AWAITING_APPROVAL = "awaiting_approval", _("承認待ち")
        SCHEDULED = "scheduled", _("送信予定")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        CANCELLED = "cancelled", _("取り消し")

    # Not yet handed to the outbox: may still be cancelled.
    CANCELLABLE = (Status.DRAFT, Status.AWAITING_APPROVAL, Status.SCHEDULED)

    title = models.CharField(_("件名（職員用）"), max_length=100)
    segment = models.JSONField(_("配信対象の条件"))
    saved_segment = models.ForeignKey(
        Segment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("保存した配信対象"),
    )
    # {"ja": "…", "en": "…", "ja-easy": "…"}: ja is required, the others fall back to it.
    texts = models.JSONField(_("本文"))
    link_url = models.URLField(_("リンク先"), blank=True)
    link_label = models.CharField(_("リンクのボタン名"), max_length=20, blank=True)
    status = models.CharField(_("状態"), max_length=20, choices=Status, default=Status.DRAFT)
    needs_approval = models.BooleanField(_("承認が必要"), default=False)
    # An evacuation alert (from an AlertTemplate) always needs a second pair of eyes.
    alert_level = models.CharField(
        _("警戒レベル"), max_length=10, choices=AlertTemplate.Level, blank=True
    )
    send_at = models.DateTimeField(_("送信日時（予定）"), null=True, blank=True)
    created_by = user_link(_("作成した人"))
    approved_by = user_link(_("承認した人"))
    cancelled_by = user_link(_("取り消した人"))
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("送信の指示日時"), null=True, blank=True)
    approved_at = models.DateTimeField(_("承認日時"), null=True, blank=True)
    started_at = models.DateTimeField(_("送信開始日時"), null=True, blank=True)
    # Counted when sending starts (the frozen recipients).
    reachable = models.PositiveIntegerField(_("LINE で送る人数"), default=0)
    blocked = models.PositiveIntegerField(_("ブロック中（送らない）"), default=0)
    web_only = models.PositiveIntegerField(_("LINE のない人"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("市からのお知らせ")
        verbose_name_plural = _("市からのお知らせ")
        indexes = [
            models.Index(
                fields=["send_at"], condition=models.Q(status="scheduled"), name="notice_due_idx"
            )
        ]

    def __str__(self) -> str:
        return self.title


class NoticeRecipient(models.Model):
    """Who a notice went to, frozen when sending started (audit, and the web notices
    list on /my/ for people without LINE)."""

    class Channel(models.TextChoices):
        LINE = "line", _("LINE")
        BLOCKED = "blocked", _("ブロック中（送らない）")
        WEB = "web", _("LINE なし（マイページ）")

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("お知らせ")
    )
    # SET_NULL never happens (a withdrawn account is anonymised, not deleted), but the
    # record of a message sent must not stop an account's removal either.
    account = models.ForeignKey(
        Account, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("宛先")
    )
    channel = models.CharField(_("経路"), max_length=10, choices=Channel)
    language = models.CharField(_("言語"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("お知らせの宛先")
        verbose_name_plural = _("お知らせの宛先")
        constraints = [
            models.UniqueConstraint(fields=["notice", "account"], name="one_row_per_recipient")
        ]
        indexes = [models.Index(fields=["account", "notice"], name="recipient_account_idx")]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.account_id} ({self.channel})"


class NoticeResend(models.Model):
    """Who sent a notice's failed requests again, when, and how many (audit). Written
    only when something was actually sent again; a notice may be resent more than once."""

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="resends", verbose_name=_("お知らせ")
    )
    by = user_link(_("再送した人"))
    at = models.DateTimeField(_("再送日時"), default=timezone.now)
    requests = models.PositiveIntegerField(_("再送した送信の数"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("お知らせの再送")
        verbose_name_plural = _("お知らせの再送")

    def __str__(self) -> str:
        return f"{self.notice_id} ({timezone.localtime(self.at):%Y-%m-%d %H:%M}, {self.requests})"
