"""The notices pages for city staff: the composer sends to exactly the segment, a big or
city-wide notice waits for another staff member, cancel before sending, invalid input is
refused politely with nothing saved, the report and its poll; volunteers get 403."""

import datetime
import json

import pytest
from django.utils import timezone

from areas.services import staff_upsert
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.cast import PASSWORD
from messaging import simulator
from messaging.friends import line_friend_followed
from messaging.models import SimulatedMessage
from notices.models import Notice, Segment
from notices.services import notice_create, notice_submit
from shelters.tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db(transaction=True)
NEW = "/dashboard/notices/new"
TEXT = "【お知らせ】車いすでの送迎は、いまご自宅に向かっています。"


def as_user(client, username: str):
    client.login(username=username, password=PASSWORD)
    return client


def resident(area, name: str, *, mobility: str | None = None, shelter=None):
    """An out-of-shelter household on LINE (a simulated user), with a pickup if asked."""
    user = simulator.simulated_user_create(display_name=name)
    report = family_report(area, line_user_id=user.user_id, needs=("transport",))
    line_friend_followed(user_id=user.user_id, language="ja")
    if mobility:
        request_pickup(report, shelter, mobility=mobility)
    return user


def received(user) -> list[str]:
    """The city's notices in the user's chat (not the replies to their report)."""
    messages = SimulatedMessage.objects.filter(
        user=user, direction=SimulatedMessage.Direction.TO_USER
    ).order_by("pk")
    texts = [m.message.get("text", "") for m in messages]
    return [text for text in texts if text.startswith("【お知らせ】")]


def wheelchair_segment(area) -> dict:
    return {
        "all": [
            {"if": "off_shelter", "value": str(area.pk)},
            {"if": "mobility", "value": "wheelchair"},
        ]
    }


def compose(client, segment, **fields) -> object:
    data = {
        "title": "送迎のお知らせ",
        "segment": json.dumps(segment) if not isinstance(segment, str) else segment,
        "text_ja": TEXT,
        "text_en": "",
        "link_url": "",
        "link_label": "",
        "when": "now",
        "send_at": "",
    }
    data.update(fields)
    return client.post(NEW, data)


@pytest.fixture
def town(cast):
    """Area A: one wheelchair user, one who walks, one without a pickup; area B: one
    wheelchair user. The wheelchair user of area A is the segment."""
    shelter = ShelterFactory()
    return {
        "target": resident(cast.area_a, "車いす 一子", mobility="wheelchair", shelter=shelter),
        "walks": resident(cast.area_a, "歩く 二郎", mobility="walks_with_help", shelter=shelter),
        "home": resident(cast.area_a, "在宅 三子"),
        "other_area": resident(cast.area_b, "乙 四郎", mobility="wheelchair", shelter=shelter),
    }


def test_staff_compose_and_the_notice_reaches_exactly_the_segment(client, cast, town):
    staff = as_user(client, "staff")
    assert staff.get(NEW).status_code == 200
    response = compose(staff, wheelchair_segment(cast.area_a))
    notice = Notice.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/dashboard/notices/{notice.pk}/"
    )
    assert (notice.status, notice.reachable, notice.created_by) == ("sent", 1, cast.staff)
    assert received(town["target"]) == [TEXT]
    for name in ("walks", "home", "other_area"):
        assert received(town[name]) == [], name
    page = staff.get(response["Location"]).content.decode()
    assert "送信を始めました。" in page
    assert "送迎を頼んだ人の移動の状態（車いすなど）：車いす" in page
    assert f"：{cast.area_a.name}" in page and " かつ " in page
    assert 'data-count="sent">送信済み <strong>1</strong>' in page
    listing = staff.get("/dashboard/notices/").content.decode()
    assert "送迎のお知らせ" in listing and "市 職員" in listing


def test_a_city_wide_notice_waits_for_a_second_staff_member(client, cast, town):
    staff = as_user(client, "staff")
    compose(staff, {"if": "everyone"})
    notice = Notice.objects.get()
    assert notice.status == "awaiting_approval"
    page = staff.get(f"/dashboard/notices/{notice.pk}/").content.decode()
    assert "作成した人は承認できません" in page and ">承認する</button>" not in page
    refused = staff.post(f"/dashboard/notices/{notice.pk}/approve", follow=True)
    assert "ご自身が作成したお知らせは承認できません。" in refused.content.decode()
    notice.refresh_from_db()
    assert notice.status == "awaiting_approval" and received(town["target"]) == []

    staff_upsert(username="staff-2", password=PASSWORD, full_name="市 二郎")
    colleague = as_user(client, "staff-2")
    listing = colleague.get("/dashboard/notices/").content.decode()
    assert "ntc-awaiting" in listing and ">承認する</button>" in listing
    approved = colleague.post(f"/dashboard/notices/{notice.pk}/approve", follow=True)
    assert "承認しました。" in approved.content.decode()
    notice.refresh_from_db()
    assert (notice.status, notice.approved_by.username) == ("sent", "staff-2")
    assert all(received(town[name]) == [TEXT] for name in town)
    # A second press (another tab, a double click) changes nothing and says so.
    again = colleague.post(f"/dashboard/notices/{notice.pk}/approve", follow=True)
    assert "すでに送信を始めているため" in again.content.decode()
    assert all(len(received(town[name])) == 1 for name in town)


def test_over_the_threshold_waits_for_approval_too(client, cast, town, settings):
    settings.NOTICE_APPROVAL_THRESHOLD = 0
    compose(as_user(client, "staff"), wheelchair_segment(cast.area_a))
    assert Notice.objects.get().status == "awaiting_approval"


def test_cancel_before_sending_and_a_second_cancel_is_harmless(client, cast, town):
    staff = as_user(client, "staff")
    later = timezone.localtime() + datetime.timedelta(hours=2)
    response = compose(
        staff,
        wheelchair_segment(cast.area_a),
        when="later",
        send_at=later.strftime("%Y-%m-%dT%H:%M"),
    )
    notice = Notice.objects.get()
    assert notice.status == "scheduled"
    assert notice.send_at == later.replace(second=0, microsecond=0)
    assert "に送信します。" in staff.get(response["Location"]).content.decode()
    cancelled = staff.post(f"/dashboard/notices/{notice.pk}/cancel", follow=True)
    assert "取り消しました。" in cancelled.content.decode()
    again = staff.post(f"/dashboard/notices/{notice.pk}/cancel", follow=True)
    assert "すでに取り消されています。" in again.content.decode()
    notice.refresh_from_db()
    assert (notice.status, notice.cancelled_by) == ("cancelled", cast.staff)
    assert received(town["target"]) == []


def test_a_sent_notice_cannot_be_cancelled(client, cast, town):
    staff = as_user(client, "staff")
    compose(staff, wheelchair_segment(cast.area_a))
    notice = Notice.objects.get()
    assert "取り消す" not in staff.get(f"/dashboard/notices/{notice.pk}/").content.decode()
    refused = staff.post(f"/dashboard/notices/{notice.pk}/cancel", follow=True)
    assert "すでに送信を始めているため" in refused.content.decode()
    assert Notice.objects.get().status == "sent"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text_ja": "  "}, "日本語の本文を入力してください。"),
        ({"text_ja": "あ" * 5001}, "本文は 5,000 文字以内にしてください。"),
        ({"segment": json.dumps({"if": "nope"})}, "使えない条件が含まれています。"),
        ({"segment": json.dumps({"if": "mobility"})}, "の値を選んでください。"),
        ({"segment": "{not json"}, "配信の対象を読み取れませんでした。"),
        ({"segment": ""}, "配信の対象を選んでください"),
        (
            {"link_url": "https://example.jp/"},
            "リンク先とボタン名の両方を入力してください。",
        ),
        ({"link_url": "https://example.jp/", "link_label": "あ" * 21}, "20 文字以内"),
        ({"link_url": "not a url", "link_label": "開く"}, "https:// で始まる URL"),
        ({"when": "later", "send_at": ""}, "送信する日時を入力してください。"),
        ({"when": "later", "send_at": "2020-01-01T10:00"}, "今より後にしてください。"),
    ],
)
def test_invalid_input_is_refused_politely_and_nothing_is_saved(client, cast, fields, message):
    segment = fields.pop("segment", json.dumps({"if": "off_shelter", "value": str(cast.area_a.pk)}))
    response = compose(as_user(client, "staff"), segment, save_as="保存しない", **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Notice.objects.exists() and not Segment.objects.exists()
    # What was typed stays in the form.
    assert "送迎のお知らせ" in response.content.decode()


def test_a_built_segment_is_saved_by_name_and_picked_again(client, cast, town):
    staff = as_user(client, "staff")
    compose(staff, wheelchair_segment(cast.area_a), save_as="甲町会の車いす")
    saved = Segment.objects.get()
    assert (saved.tree, saved.created_by) == (wheelchair_segment(cast.area_a), cast.staff)
    assert Notice.objects.get().saved_segment == saved
    assert "甲町会の車いす" in staff.get(NEW).content.decode()
    compose(staff, "", saved_segment=str(saved.pk), text_ja="【お知らせ】二通目")
    second = Notice.objects.order_by("-pk").first()
    assert (second.segment, second.saved_segment) == (saved.tree, saved)
    assert received(town["target"]) == [TEXT, "【お知らせ】二通目"]
    taken = compose(staff, wheelchair_segment(cast.area_a), save_as="甲町会の車いす")
    assert "その名前はすでに使われています。" in taken.content.decode()
    assert Notice.objects.count() == 2 and Segment.objects.count() == 1


def test_the_report_poll_and_resend_of_what_failed(client, cast, town, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0
    staff = as_user(client, "staff")
    simulator.config_update(share_500=1.0)
    compose(staff, wheelchair_segment(cast.area_a))
    simulator.config_update(share_500=0)
    notice = Notice.objects.get()
    report = staff.get(f"/api/notices/{notice.pk}/report")
    assert report.json() | {"status_label": ""} == {
        "status": "sent",
        "status_label": "",
        "queued": 0,
        "sent": 0,
        "failed": 1,
        "blocked": 0,
        "web_only": 0,
        "percent": 100,
        "polling": False,
    }
    unchanged = staff.get(f"/api/notices/{notice.pk}/report", HTTP_IF_NONE_MATCH=report["ETag"])
    assert unchanged.status_code == 304
    page = staff.get(f"/dashboard/notices/{notice.pk}/").content.decode()
    assert "失敗した分を再送" in page and 'id="ntc-resend" hidden' not in page
    resent = staff.post(f"/dashboard/notices/{notice.pk}/resend", follow=True)
    assert "もう一度送ります" in resent.content.decode()
    assert received(town["target"]) == [TEXT]
    assert staff.get(f"/api/notices/{notice.pk}/report").json()["sent"] == 1
    again = staff.post(f"/dashboard/notices/{notice.pk}/resend", follow=True)
    assert "再送するものはありません" in again.content.decode()
    assert received(town["target"]) == [TEXT]
    # Who resent, when and how many: once, as only the first press sent anything.
    (resend,) = notice.resends.all()
    when = timezone.localtime(resend.at).strftime("%Y/%-m/%-d %H:%M")
    page = again.content.decode()
    assert '<dt>再送</dt><dd id="ntc-resends">' in page and page.count('"ntc-resent"') == 1
    assert f'<span class="ntc-resent">市 職員（{when}、1 件）</span>' in page


def test_volunteers_get_403_and_anonymous_the_login_page(client, cast):
    notice = notice_create(
        title="t", segment={"if": "everyone"}, texts={"ja": "本文"}, by_user=cast.staff
    )
    notice_submit(notice=notice, by_user=cast.staff)
    urls = [
        ("get", "/dashboard/notices/"),
        ("get", NEW),
        ("post", NEW),
        ("get", f"/dashboard/notices/{notice.pk}/"),
        ("post", f"/dashboard/notices/{notice.pk}/approve"),
        ("post", f"/dashboard/notices/{notice.pk}/cancel"),
        ("post", f"/dashboard/notices/{notice.pk}/resend"),
    ]
    for method, url in urls:
        assert getattr(client, method)(url).status_code == 302, url
    volunteer = as_user(client, "volunteer-a")
    for method, url in urls:
        assert getattr(volunteer, method)(url).status_code == 403, url
    assert volunteer.get(f"/api/notices/{notice.pk}/report").status_code == 403
    assert "市からのお知らせ" not in volunteer.get("/dashboard/").content.decode()
    assert Notice.objects.get().status == "awaiting_approval"
    client.logout()
    staff = as_user(client, "staff")
    assert "/dashboard/notices/" in staff.get("/dashboard/").content.decode()


def test_the_report_endpoint_is_in_the_api_schema(client, cast):
    schema = as_user(client, "staff").get("/api/schema/").content.decode()
    assert "/api/notices/{id}/report:" in schema


def test_a_double_click_on_send_sends_once(client, cast, town):
    staff = as_user(client, "staff")
    page = staff.get(NEW).content.decode()
    once = page.split('name="once" value="')[1].split('"')[0]
    first = compose(staff, wheelchair_segment(cast.area_a), once=once)
    second = compose(staff, wheelchair_segment(cast.area_a), once=once)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/dashboard/notices/"
    assert Notice.objects.count() == 1 and received(town["target"]) == [TEXT]
    # A refused form can be corrected and sent with the same key.
    fresh = staff.get(NEW).content.decode().split('name="once" value="')[1].split('"')[0]
    assert (
        compose(staff, wheelchair_segment(cast.area_a), once=fresh, text_ja="").status_code == 400
    )
    compose(staff, wheelchair_segment(cast.area_a), once=fresh, text_ja="【お知らせ】直した")
    assert Notice.objects.count() == 2
