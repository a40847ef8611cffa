"""A notice's state machine, written once: each step is one conditional UPDATE, so a
double press, an approval racing a cancel, or two beat runs sending the same due notice
end in one outcome.

    draft ──submit──▶ awaiting_approval ──approve (another staff member)──▶ scheduled
      │                      │                                            │ due
      └──submit (small)──────┼───────────────────────────────────────────▶│
      cancel ◀───────────────┴─────── cancel ◀────────────────────────────┤
                                                              sending ──▶ sent

Sending freezes the recipients (NoticeRecipient) and hands one outbox message per
language to messaging, keyed by the notice and the language: exactly once.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Sequence
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area
from lib.tasks import publish
from messaging import line
from messaging.models import OutboxMessage
from messaging.segments import InvalidSegment, segment_count, segment_recipients
from messaging.services import OutboxReport, outbox_enqueue, outbox_report, outbox_retry_failed
from notices.models import AlertTemplate, Notice, NoticeRecipient, NoticeResend, Segment
from notices.selectors import alert_templates_active

logger = logging.getLogger(__name__)
Status = Notice.Status
Channel = NoticeRecipient.Channel
# LINE: a text message holds at most 5,000 characters; a buttons template's label 20.
TEXT_MAX = 5000
LINK_LABEL_MAX = 20
TITLE_MAX = Notice._meta.get_field("title").max_length


class NoticeInvalid(ValueError):
    """What is wrong with a notice, politely, for the composer."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(Exception):
    """Four eyes: the author of a notice may not approve it."""


class StepRefused(Exception):
    """The step does not apply now; ``notice`` is the notice as it stands."""

    def __init__(self, notice: Notice) -> None:
        super().__init__(notice.status)
        self.notice = notice


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _checked(*, segment: object, texts: object, link_url: str, link_label: str) -> dict:
    try:
        segment_count(segment)  # reads it; InvalidSegment says why not
    except InvalidSegment as refused:
        raise NoticeInvalid(refused.message) from None
    if not isinstance(texts, dict) or not set(texts) <= set(_languages()):
        raise NoticeInvalid(_("本文の言語が正しくありません。"))
    texts = {code: text.strip() for code, text in texts.items() if isinstance(text, str)}
    if not texts.get(settings.LANGUAGE_CODE):
        raise NoticeInvalid(_("日本語の本文を入力してください。"))
    if any(len(text) > TEXT_MAX for text in texts.values()):
        raise NoticeInvalid(_("本文は 5,000 文字以内にしてください。"))
    # The link becomes a button on pages and in LINE: a web address, never a script.
    if link_url and urlsplit(link_url).scheme.lower() not in ("http", "https"):
        raise NoticeInvalid(_("リンク先は https:// で始まる URL を入力してください。"))
    if bool(link_url) != bool(link_label.strip()):
        raise NoticeInvalid(_("リンクを付けるときは、リンク先とボタン名の両方を入力してください。"))
    if len(link_label.strip()) > LINK_LABEL_MAX:
        raise NoticeInvalid(_("ボタン名は 20 文字以内にしてください。"))
    return {code: text for code, text in texts.items() if text}


def notice_create(
    *,
    title: str,
    segment: object,
    texts: dict,
    by_user: AbstractBaseUser,
    link_url: str = "",
    link_label: str = "",
    saved_segment: Segment | None = None,
    alert_level: str = "",
) -> Notice:
    """A draft: checked (segment readable, Japanese text, LINE's limits), not sent. With
    ``alert_level`` it is an evacuation alert of an active template's level, which
    always waits for approval (notice_submit)."""
    texts = _checked(segment=segment, texts=texts, link_url=link_url, link_label=link_label)
    if alert_level and not alert_templates_active().filter(level=alert_level).exists():
        raise NoticeInvalid(
            _(
                "この避難情報のひな形は使えません（使用中でないか、見つかりません）。"
                "ひな形を選び直してください。"
            )
        )
    return Notice.objects.create(
        title=title.strip()[:TITLE_MAX] or texts[settings.LANGUAGE_CODE][:40],
        segment=segment,
        saved_segment=saved_segment,
        texts=texts,
        link_url=link_url,
        link_label=link_label.strip(),
        alert_level=alert_level,
        created_by=by_user,
    )


def alert_draft(template: AlertTemplate, areas: Sequence[Area]) -> dict:
    """An evacuation alert for these areas, ready for notice_create (and the composer):
    everyone registered as living there or reported sheltering outside a shelter there,
    the template's wording with the areas named, and its level. The one place that
    builds an alert; nothing is saved."""
    if not areas:
        raise NoticeInvalid(_("対象の地区を選んでください。"))
    names = "、".join(area.name for area in areas)
    segment = {
        "any": [
            condition
            for area in areas
            for condition in (
                {"if": "lives_in", "value": str(area.pk)},
                {"if": "off_shelter", "value": str(area.pk)},
            )
        ]
    }
    title = f"{template.get_level_display()}（{names}）"
    if len(title) > TITLE_MAX:  # many areas: the title is for staff, the text names them all
        title = title[: TITLE_MAX - 2] + "…）"
    known = set(_languages())
    return {
        "title": title,
        "segment": segment,
        "texts": {
            code: text.replace("{areas}", names)
            for code, text in template.texts.items()
            if code in known and isinstance(text, str)
        },
        "alert_level": template.level,
    }


def notice_from_alert(
    *, template: AlertTemplate, areas: Sequence[Area], by_user: AbstractBaseUser
) -> Notice:
    """A draft evacuation alert for these areas (alert_draft). It is edited and sent like
    any notice, and always needs approval."""
    return notice_create(**alert_draft(template, areas), by_user=by_user)


class NameTaken(Exception):
    """Another saved segment has this name."""


def segment_save(*, name: str, tree: object, by_user: AbstractBaseUser) -> Segment:
    """Keep a segment under a name for reuse (checked readable first)."""
    try:
        segment_count(tree)
    except InvalidSegment as refused:
        raise NoticeInvalid(refused.message) from None
    try:
        with transaction.atomic():
            return Segment.objects.create(name=name.strip()[:100], tree=tree, created_by=by_user)
    except IntegrityError:
        raise NameTaken from None


def _is_city_wide(segment: object) -> bool:
    """Everyone the audience holds: as wide as an empty "all"."""
    return segment_count(segment).total >= segment_count({"all": []}).total


def _step(notice: Notice, *, allowed: Q, changes: dict) -> Notice:
    updated = Notice.objects.filter(allowed, pk=notice.pk).update(**changes)
    current = Notice.objects.get(pk=notice.pk)
    if not updated:
        raise StepRefused(current)
    return current


def _send_when_due(notice: Notice, now: datetime.datetime) -> None:
    if notice.status == Status.SCHEDULED and notice.send_at <= now:
        transaction.on_commit(lambda: _queue_send(notice.pk))


def _queue_send(notice_id: int) -> None:
    from notices.tasks import notice_send_task

    try:
        publish(notice_send_task, notice_id)
    except Exception:  # the broker is down: the beat's due sweep sends it later
        logger.warning("notices: could not queue notice %s; the beat will", notice_id)


@transaction.atomic
def notice_submit(
    *,
    notice: Notice,
    by_user: AbstractBaseUser,
    send_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Notice:
    """Send now or at ``send_at``. A notice to more than NOTICE_APPROVAL_THRESHOLD people,
    or to the whole city, first waits for a second staff member's approval."""
    now = now or timezone.now()
    count = segment_count(notice.segment)
    needs_approval = (
        bool(notice.alert_level)  # an evacuation alert: always
        or count.total > settings.NOTICE_APPROVAL_THRESHOLD
        or _is_city_wide(notice.segment)
    )
    current = _step(
        notice,
        allowed=Q(status=Status.DRAFT),
        changes={
            "status": Status.AWAITING_APPROVAL if needs_approval else Status.SCHEDULED,
            "needs_approval": needs_approval,
            "send_at": max(send_at or now, now),
            "submitted_at": now,
        },
    )
    _send_when_due(current, now)
    return current


@transaction.atomic
def notice_approve(
    *, notice: Notice, by_user: AbstractBaseUser, now: datetime.datetime | None = None
) -> Notice:
    """The second pair of eyes: another staff member than the author."""
    if by_user.pk == notice.created_by_id:
        raise NotAllowed
    now = now or timezone.now()
    current = _step(
        notice,
        allowed=Q(status=Status.AWAITING_APPROVAL) & ~Q(created_by=by_user),
        changes={"status": Status.SCHEDULED, "approved_by": by_user, "approved_at": now},
    )
    _send_when_due(current, now)
    return current


@transaction.atomic
def notice_cancel(*, notice: Notice, by_user: AbstractBaseUser) -> Notice:
    """Call it off before sending starts; once handed to LINE it cannot be taken back."""
    if notice.status == Status.CANCELLED:
        return notice
    return _step(
        notice,
        allowed=Q(status__in=Notice.CANCELLABLE),
        changes={"status": Status.CANCELLED, "cancelled_by": by_user},
    )


def notice_messages(notice: Notice, language: str) -> list[dict]:
    """The LINE messages of the notice in one language (Japanese when it has none)."""
    text = notice.texts.get(language) or notice.texts[settings.LANGUAGE_CODE]
    messages = [{"type": "text", "text": text}]
    if notice.link_url:
        messages.append(
            {
                "type": "template",
                "altText": f"{notice.link_label} {notice.link_url}"[:400],
                "template": {
                    "type": "buttons",
                    "text": notice.link_label,
                    "actions": [
                        {"type": "uri", "label": notice.link_label, "uri": notice.link_url}
                    ],
                },
            }
        )
    assert len(messages) <= line.MAX_MESSAGES_PER_REQUEST
    return messages


def notice_send(*, notice_id: int, now: datetime.datetime | None = None) -> Notice | None:
    """Send a due notice: freeze its recipients, hand one outbox message per language to
    messaging. One beat run or task wins; the others find it no longer scheduled."""
    now = now or timezone.now()
    with transaction.atomic():
        started = Notice.objects.filter(
            pk=notice_id, status=Status.SCHEDULED, send_at__lte=now
        ).update(status=Status.SENDING, started_at=now)
        if not started:
            return None
        notice = Notice.objects.get(pk=notice_id)
        rows, by_language = [], defaultdict(list)
        for recipient in segment_recipients(notice.segment):
            if not recipient.line_user_id:
                channel = Channel.WEB
            elif recipient.language:
                channel = Channel.LINE
                by_language[recipient.language].append(recipient.line_user_id)
            else:
                channel = Channel.BLOCKED
            rows.append(
                NoticeRecipient(
                    notice=notice,
                    account_id=recipient.pk,
                    channel=channel,
                    language=recipient.language,
                )
            )
        NoticeRecipient.objects.bulk_create(rows, batch_size=5000)
        for language, user_ids in by_language.items():
            outbox_enqueue(
                user_ids=user_ids,
                messages=notice_messages(notice, language),
                purpose=f"notice:{notice.pk}",
                dedupe_key=f"notice:{notice.pk}:{language}",
            )
        counts = {channel: 0 for channel in Channel.values}
        for row in rows:
            counts[row.channel] += 1
        Notice.objects.filter(pk=notice.pk).update(
            status=Status.SENT,
            reachable=counts[Channel.LINE],
            blocked=counts[Channel.BLOCKED],
            web_only=counts[Channel.WEB],
        )
    notice.refresh_from_db()
    return notice


def notices_due(*, now: datetime.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    due = Notice.objects.filter(status=Status.SCHEDULED, send_at__lte=now).order_by("send_at")
    return list(due.values_list("pk", flat=True))


def _outbox_ids(notice: Notice) -> list[int]:
    messages = OutboxMessage.objects.filter(purpose=f"notice:{notice.pk}")
    return list(messages.values_list("pk", flat=True))


def notice_report(notice: Notice) -> OutboxReport:
    """Where the notice's LINE recipients stand: queued, sent, failed, blocked."""
    return outbox_report(message_ids=_outbox_ids(notice))


def notice_resend_failed(
    *, notice: Notice, by_user: AbstractBaseUser, now: datetime.datetime | None = None
) -> int:
    """Send again to those whose request failed, with the same retry keys: nobody who
    got it gets it twice. Who did it, when and how many is kept (NoticeResend) when
    anything was sent again. Returns how many requests were sent again."""
    with transaction.atomic():
        resent = outbox_retry_failed(message_ids=_outbox_ids(notice))
        if resent:
            NoticeResend.objects.create(
                notice=notice, by=by_user, at=now or timezone.now(), requests=resent
            )
    return resent
