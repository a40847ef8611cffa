"""A city notice from draft to the residents' LINE chats: approval by a second staff
member when it is big or city-wide, sending now or later, cancelling before it starts,
recipients frozen at sending, the report, and resending only what failed."""

import datetime

import pytest
from django.utils import timezone

from areas.services import staff_upsert
from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.cast import PASSWORD
from messaging import simulator
from messaging.friends import line_friend_followed
from messaging.models import SimulatedMessage
from notices.models import Notice, NoticeRecipient
from notices.services import (
    NotAllowed,
    NoticeInvalid,
    StepRefused,
    notice_approve,
    notice_cancel,
    notice_create,
    notice_report,
    notice_resend_failed,
    notice_send,
    notice_submit,
    notices_due,
)

pytestmark = pytest.mark.django_db(transaction=True)
Status = Notice.Status


def household(area, *, language="ja", line=True):
    """An out-of-shelter household in ``area``: a simulated LINE user, or browser only."""
    user = simulator.simulated_user_create(display_name="在宅", language=language) if line else None
    report = family_report(area, line_user_id=user.user_id if user else None)
    if user:
        line_friend_followed(user_id=user.user_id, language=language)
    return user, report


def chat(user) -> list[dict]:
    return [
        m.message
        for m in SimulatedMessage.objects.filter(user=user).order_by("pk")
        if m.message.get("text", "").startswith(("【お知らせ】", "[Notice]"))
        or m.message.get("type") == "template"
    ]


@pytest.fixture
def bystander(cast):
    """Someone in the other area, so that a segment of area A is not the whole city (a
    city-wide notice always waits for approval)."""
    return household(cast.area_b)


def area_segment(area) -> dict:
    return {"if": "off_shelter", "value": str(area.pk)}


def draft(cast, segment, **fields) -> Notice:
    return notice_create(
        title="給水のお知らせ",
        segment=segment,
        texts={
            "ja": "【お知らせ】谷地頭町会館で給水をしています。",
            "en": "[Notice] Water at the hall.",
        },
        by_user=cast.staff,
        **fields,
    )


def test_a_small_notice_is_sent_at_once_to_exactly_its_segment_in_each_language(cast):
    japanese, _ = household(cast.area_a)
    english, _ = household(cast.area_a, language="en")
    _browser, browser_report = household(cast.area_a, line=False)
    other_area, _ = household(cast.area_b)
    notice = notice_submit(notice=draft(cast, area_segment(cast.area_a)), by_user=cast.staff)
    notice.refresh_from_db()
    assert (notice.status, notice.reachable, notice.blocked, notice.web_only) == ("sent", 2, 0, 1)
    assert [m["text"] for m in chat(japanese)] == ["【お知らせ】谷地頭町会館で給水をしています。"]
    assert [m["text"] for m in chat(english)] == ["[Notice] Water at the hall."]
    assert chat(other_area) == []
    web = NoticeRecipient.objects.get(notice=notice, channel="web")
    assert web.account_id == browser_report.account_id
    report = notice_report(notice)
    assert (report.sent, report.failed, report.queued) == (2, 0, 0)


def test_a_link_button_goes_with_the_text(cast, bystander):
    user, _ = household(cast.area_a)
    notice = draft(
        cast,
        area_segment(cast.area_a),
        link_url="https://example.jp/shelters/",
        link_label="避難所を探す",
    )
    notice_submit(notice=notice, by_user=cast.staff)
    (_text, button) = [m for m in SimulatedMessage.objects.filter(user=user).order_by("pk")][-2:]
    action = button.message["template"]["actions"][0]
    assert (action["type"], action["uri"], action["label"]) == (
        "uri",
        "https://example.jp/shelters/",
        "避難所を探す",
    )


def test_a_big_or_city_wide_notice_waits_for_another_staff_members_approval(cast, settings):
    user, _ = household(cast.area_a)
    notice = notice_submit(notice=draft(cast, {"if": "everyone"}), by_user=cast.staff)
    assert (notice.status, notice.needs_approval) == ("awaiting_approval", True)
    assert chat(user) == []
    with pytest.raises(NotAllowed):
        notice_approve(notice=notice, by_user=cast.staff)
    colleague = staff_upsert(username="staff-2", password=PASSWORD, full_name="市 二郎")
    approved = notice_approve(notice=notice, by_user=colleague)
    assert approved.approved_by == colleague
    assert Notice.objects.get(pk=notice.pk).status == "sent"
    assert len(chat(user)) == 1
    # Over the threshold without being city-wide.
    settings.NOTICE_APPROVAL_THRESHOLD = 0
    small = notice_submit(notice=draft(cast, area_segment(cast.area_a)), by_user=cast.staff)
    assert small.status == "awaiting_approval"


def test_a_scheduled_notice_waits_for_its_time_and_freezes_recipients_then(cast, bystander):
    early, _ = household(cast.area_a)
    later = timezone.now() + datetime.timedelta(hours=1)
    notice = notice_submit(
        notice=draft(cast, area_segment(cast.area_a)), by_user=cast.staff, send_at=later
    )
    assert notice.status == "scheduled" and notices_due() == []
    late, _ = household(cast.area_a)  # reported after the notice was written
    due = later + datetime.timedelta(seconds=1)
    assert notices_due(now=due) == [notice.pk]
    notice_send(notice_id=notice.pk, now=due)
    assert notice_send(notice_id=notice.pk, now=due) is None  # a second run sends nothing
    assert len(chat(early)) == 1 and len(chat(late)) == 1
    assert NoticeRecipient.objects.filter(notice=notice).count() == 2
    household(cast.area_a)  # after sending: not a recipient
    assert NoticeRecipient.objects.filter(notice=notice).count() == 2


def test_cancel_before_sending_and_not_after(cast, bystander):
    user, _ = household(cast.area_a)
    later = timezone.now() + datetime.timedelta(hours=1)
    notice = notice_submit(
        notice=draft(cast, area_segment(cast.area_a)), by_user=cast.staff, send_at=later
    )
    cancelled = notice_cancel(notice=notice, by_user=cast.staff)
    assert cancelled.status == "cancelled"
    assert notice_send(notice_id=notice.pk, now=later + datetime.timedelta(minutes=1)) is None
    assert chat(user) == []
    sent = notice_submit(notice=draft(cast, area_segment(cast.area_a)), by_user=cast.staff)
    with pytest.raises(StepRefused) as refused:
        notice_cancel(notice=sent, by_user=cast.staff)
    assert refused.value.notice.status == "sent"


def test_resend_to_failed_reaches_only_those_who_did_not_get_it(cast, bystander, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0
    first, _ = household(cast.area_a)
    simulator.config_update(share_500=1.0)
    notice = notice_submit(notice=draft(cast, area_segment(cast.area_a)), by_user=cast.staff)
    simulator.config_update(share_500=0)
    assert notice_report(notice).failed == 1 and chat(first) == []
    assert notice_resend_failed(notice=notice, by_user=cast.staff) == 1
    assert len(chat(first)) == 1
    assert notice_resend_failed(notice=notice, by_user=cast.staff) == 0
    assert len(chat(first)) == 1
    assert notice_report(notice).sent == 1


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"texts": {"en": "only English"}}, "日本語の本文を入力してください。"),
        ({"texts": {"ja": "あ" * 5001}}, "本文は 5,000 文字以内にしてください。"),
        ({"texts": {"fr": "bonjour", "ja": "こんにちは"}}, "本文の言語が正しくありません。"),
        ({"segment": {"if": "nope"}}, "使えない条件が含まれています。"),
        (
            {"link_url": "https://example.jp/"},
            "リンクを付けるときは、リンク先とボタン名の両方を入力してください。",
        ),
    ],
)
def test_a_notice_that_cannot_be_sent_is_refused_politely(cast, fields, message):
    from django.utils import translation

    values = {"title": "t", "segment": {"if": "everyone"}, "texts": {"ja": "本文"}}
    values.update(fields)
    with translation.override("ja"), pytest.raises(NoticeInvalid) as refused:
        notice_create(by_user=cast.staff, **values)
    assert refused.value.message == message


def test_people_without_line_read_the_notice_on_their_page(client, cast, bystander):
    user, _report = household(cast.area_a)
    notice_submit(notice=draft(cast, area_segment(cast.area_a)), by_user=cast.staff)
    client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
    page = client.get("/my/").content.decode()
    assert "市からのお知らせ" in page and "谷地頭町会館で給水をしています。" in page


def test_an_evacuation_alert_names_its_areas_reaches_them_and_always_waits_for_approval(
    cast, settings
):
    from notices.services import notice_from_alert

    settings.NOTICE_APPROVAL_THRESHOLD = 1000
    at_home, _ = household(cast.area_a)
    elsewhere, _ = household(cast.area_b)
    template = shipped_alert_templates()["4"]
    notice = notice_from_alert(template=template, areas=[cast.area_a], by_user=cast.staff)
    assert notice.texts["ja"].startswith(f"【警戒レベル4 避難指示】{cast.area_a.name}に避難指示")
    submitted = notice_submit(notice=notice, by_user=cast.staff)
    assert submitted.status == "awaiting_approval"
    colleague = staff_upsert(username="staff-2", password=PASSWORD, full_name="市 二郎")
    notice_approve(notice=notice, by_user=colleague)

    def texts_of(user) -> list[str]:
        messages = SimulatedMessage.objects.filter(user=user).values_list("message", flat=True)
        return [message.get("text", "") for message in messages]

    assert any(text.startswith("【警戒レベル4 避難指示】") for text in texts_of(at_home))
    assert not any("警戒レベル" in text for text in texts_of(elsewhere))


def shipped_alert_templates() -> dict:
    """The templates the migration ships (a transactional test starts with empty tables)."""
    import importlib

    from django.apps import apps

    from notices.models import AlertTemplate

    wording = importlib.import_module("notices.migrations.0003_alert_template_wording")
    wording.add(apps, None)
    return {template.level: template for template in AlertTemplate.objects.all()}


def test_the_four_alert_levels_ship_in_japanese_and_english(cast):
    templates = shipped_alert_templates()
    assert sorted(templates) == ["3", "4", "5", "lifted"]
    for template in templates.values():
        assert set(template.texts) == {"ja", "en"} and "{areas}" in template.texts["ja"]
