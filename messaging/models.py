from django.db import models
from django.utils.translation import gettext_lazy as _

from lib.fields import EncryptedJSONField


class LineFriend(models.Model):
    """A LINE user of the city's official account (友だち), as LINE's webhook reports it:
    following or blocked, with their profile's name and language. Messages go only to
    friends who follow; a block (LINE's ``unfollow``) stops every message to them."""

    user_id = models.CharField(_("LINE ユーザーID"), max_length=64, unique=True)
    display_name = models.CharField(_("表示名"), max_length=100, blank=True)
    language = models.CharField(_("言語"), max_length=10, blank=True)
    is_following = models.BooleanField(_("友だち追加済み"), default=False)
    blocked_at = models.DateTimeField(_("ブロック日時"), null=True, blank=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("LINE の友だち")
        verbose_name_plural = _("LINE の友だち")

    def __str__(self) -> str:
        return self.display_name or self.user_id


class SimulatedUser(models.Model):
    """A LINE user of the built-in LINE simulator (drill mode); never a real account."""

    user_id = models.CharField(_("LINE ユーザーID"), max_length=33, unique=True)
    display_name = models.CharField(_("表示名"), max_length=50)
    language = models.CharField(_("言語"), max_length=10, default="ja")
    # False once the user blocked the account (unfollow): LINE then delivers nothing.
    is_friend = models.BooleanField(_("友だち"), default=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("シミュレーターの LINE ユーザー")
        verbose_name_plural = _("シミュレーターの LINE ユーザー")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.user_id})"


class SimulatedMessage(models.Model):
    """What a simulated user received (or sent), as the simulator stored it."""

    class Direction(models.TextChoices):
        TO_USER = "to_user", _("受信")
        FROM_USER = "from_user", _("送信")

    user = models.ForeignKey(
        SimulatedUser,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("シミュレーターの LINE ユーザー"),
    )
    direction = models.CharField(
        _("受信・送信"), max_length=10, choices=Direction, default=Direction.TO_USER
    )
    message = models.JSONField(_("メッセージ"))
    endpoint = models.CharField(_("エンドポイント"), max_length=20, blank=True)
    retry_key = models.CharField(_("再試行キー"), max_length=36, blank=True, db_index=True)
    created_at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("シミュレーターのメッセージ")
        verbose_name_plural = _("シミュレーターのメッセージ")

    def __str__(self) -> str:
        return f"{self.user_id} {self.direction} {self.created_at:%H:%M:%S}"


class SimulatedRequest(models.Model):
    """An accepted request carrying X-Line-Retry-Key: a repeat within 24 h answers 409."""

    retry_key = models.CharField(_("再試行キー"), max_length=36, unique=True)
    endpoint = models.CharField(_("エンドポイント"), max_length=20)
    request_id = models.CharField(_("リクエスト ID"), max_length=36)
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("シミュレーターが受け付けたリクエスト")
        verbose_name_plural = _("シミュレーターが受け付けたリクエスト")

    def __str__(self) -> str:
        return f"{self.endpoint} {self.retry_key}"


class SimulatorConfig(models.Model):
    """Latency, fault injection and rate limits for tests and drills (one row)."""

    latency_ms = models.PositiveIntegerField(_("応答の遅延 (ms)"), default=0)
    share_429 = models.FloatField(_("429 の割合"), default=0.0)
    share_500 = models.FloatField(_("500 の割合"), default=0.0)
    share_timeout = models.FloatField(
        _("タイムアウトの割合"),
        default=0.0,
        help_text=_("受け付けたうえで応答を遅らせます（送信側には届いたか分からない状態）。"),
    )
    timeout_delay_ms = models.PositiveIntegerField(_("タイムアウト時の遅延 (ms)"), default=10_000)
    webhook_url = models.CharField(
        _("Webhook の送信先"),
        max_length=300,
        blank=True,
        help_text=_("空欄なら設定 LINE_WEBHOOK_URL"),
    )
    # LINE's rate limits per channel, answered with 429 above them as LINE does; tests
    # and drills may set them lower. 0: no limit.
    limit_push_per_second = models.PositiveIntegerField(
        _("push の上限（1 秒あたり）"), default=2000, help_text=_("0 なら制限しません。")
    )
    limit_multicast_per_second = models.PositiveIntegerField(
        _("multicast の上限（1 秒あたり）"), default=200, help_text=_("0 なら制限しません。")
    )
    limit_broadcast_per_hour = models.PositiveIntegerField(
        _("broadcast の上限（1 時間あたり）"), default=60, help_text=_("0 なら制限しません。")
    )

    class Meta:
        verbose_name = _("シミュレーターの設定")
        verbose_name_plural = _("シミュレーターの設定")

    def __str__(self) -> str:
        return str(_("LINE シミュレーターの設定"))


class OutboxMessage(models.Model):
    """A message a domain service wants sent: written in the service's own transaction,
    delivered after commit by Celery, so a broker or worker outage loses nothing."""

    class Kind(models.TextChoices):
        PUSH = "push", _("個別")
        MULTICAST = "multicast", _("複数")
        BROADCAST = "broadcast", _("全員")

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENT = "sent", _("送信済み")
        PARTIAL = "partial", _("一部失敗")
        FAILED = "failed", _("失敗")

    kind = models.CharField(_("種別"), max_length=10, choices=Kind)
    # Encrypted: a message may name a person (「〇〇さんが…に到着しました」).
    messages = EncryptedJSONField(_("メッセージ"))
    purpose = models.CharField(_("用途"), max_length=50, blank=True)
    # One message per domain event (e.g. "pickup:12:claimed"): enqueueing twice is harmless.
    dedupe_key = models.CharField(
        _("重複防止キー"), max_length=120, unique=True, null=True, blank=True
    )
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.PENDING)
    recipients = models.PositiveIntegerField(_("宛先数"), default=0)
    delivered = models.PositiveIntegerField(_("送信数"), default=0)
    skipped_blocked = models.PositiveIntegerField(_("ブロックで除外"), default=0)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("完了日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("送信メッセージ")
        verbose_name_plural = _("送信メッセージ")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.purpose} ({self.get_status_display()})"


class OutboxChunk(models.Model):
    """One LINE request: a push, a multicast of ≤ 500 user ids, or a broadcast. Its
    retry key is made once, stored, and sent on every attempt, so a retried or re-run
    task can never deliver twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("送信待ち")
        SENDING = "sending", _("送信中")
        SENT = "sent", _("送信済み")
        FAILED = "failed", _("失敗")

    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        related_name="chunks",
        verbose_name=_("送信メッセージ"),
    )
    user_ids = models.JSONField(_("宛先の LINE ユーザーID"), default=list)
    retry_key = models.UUIDField(_("再試行キー"), unique=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("試行回数"), default=0)
    next_attempt_at = models.DateTimeField(_("次の試行"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("送信処理の開始日時"), null=True, blank=True)
    delivered = models.PositiveIntegerField(_("送信数"), default=0)
    skipped_blocked = models.PositiveIntegerField(_("ブロックで除外"), default=0)
    last_status = models.PositiveIntegerField(_("最後の応答"), null=True, blank=True)
    last_error = models.TextField(_("エラー"), blank=True)
    sent_at = models.DateTimeField(_("送信日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("送信単位")
        verbose_name_plural = _("送信単位")
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="outbox_chunk_due_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id}/{self.pk} {self.get_status_display()}"


class WebhookEvent(models.Model):
    """A LINE webhook event, stored on receipt and processed once in a task."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("受信")
        DONE = "done", _("処理済み")
        FAILED = "failed", _("失敗")

    event_id = models.CharField(_("イベント ID (webhookEventId)"), max_length=64, unique=True)
    event_type = models.CharField(_("種類"), max_length=30)
    payload = models.JSONField(_("内容"))
    is_redelivery = models.BooleanField(_("再送"), default=False)
    status = models.CharField(_("状態"), max_length=10, choices=Status, default=Status.RECEIVED)
    error = models.TextField(_("エラー"), blank=True)
    received_at = models.DateTimeField(_("受信日時"), auto_now_add=True, db_index=True)
    processed_at = models.DateTimeField(_("処理日時"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("Webhook イベント")
        verbose_name_plural = _("Webhook イベント")

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
