"""Resending a notice's failed requests is recorded for the audit: who, when and how
many, each time something was actually sent again, and nothing when nothing failed."""

import datetime

import pytest
from django.utils import timezone

from areas.services import staff_upsert
from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.cast import PASSWORD
from messaging import simulator
from messaging.friends import line_friend_followed
from notices.models import NoticeResend
from notices.services import notice_create, notice_report, notice_resend_failed, notice_submit

pytestmark = pytest.mark.django_db(transaction=True)


def on_line(area):
    user = simulator.simulated_user_create(display_name="在宅")
    family_report(area, line_user_id=user.user_id)
    line_friend_followed(user_id=user.user_id, language="ja")
    return user


def sent_notice(cast):
    notice = notice_create(
        title="給水",
        segment={"if": "off_shelter", "value": str(cast.area_a.pk)},
        texts={"ja": "【お知らせ】給水をしています。"},
        by_user=cast.staff,
    )
    return notice_submit(notice=notice, by_user=cast.staff)


def test_it_records_who_resent_when_and_how_many_requests(cast, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0
    on_line(cast.area_a)
    on_line(cast.area_a)
    on_line(cast.area_b)  # not city-wide: sent at once
    simulator.config_update(share_500=1.0)
    notice = sent_notice(cast)
    assert notice_report(notice).failed == 2
    at = timezone.now() - datetime.timedelta(minutes=5)
    assert notice_resend_failed(notice=notice, by_user=cast.staff, now=at) == 1  # one multicast
    colleague = staff_upsert(username="staff-2", password=PASSWORD, full_name="市 二郎")
    assert notice_resend_failed(notice=notice, by_user=colleague) == 1  # failed again
    simulator.config_update(share_500=0)
    assert notice_resend_failed(notice=notice, by_user=colleague) == 1
    assert notice_report(notice).sent == 2
    assert notice_resend_failed(notice=notice, by_user=colleague) == 0  # nothing left
    rows = list(NoticeResend.objects.filter(notice=notice).values_list("by", "requests", "at"))
    assert [(by, requests) for by, requests, _at in rows] == [
        (cast.staff.pk, 1),
        (colleague.pk, 1),
        (colleague.pk, 1),
    ]
    assert rows[0][2] == at


def test_nothing_is_recorded_when_nothing_failed(cast):
    on_line(cast.area_a)
    on_line(cast.area_b)
    notice = sent_notice(cast)
    assert notice_report(notice).sent == 1
    assert notice_resend_failed(notice=notice, by_user=cast.staff) == 0
    assert not NoticeResend.objects.exists()


def test_admin_shows_the_resends_read_only(client, cast, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0
    on_line(cast.area_a)
    on_line(cast.area_b)
    simulator.config_update(share_500=1.0)
    notice = sent_notice(cast)
    simulator.config_update(share_500=0)
    notice_resend_failed(notice=notice, by_user=cast.staff)
    resend = NoticeResend.objects.get()
    client.login(username="staff", password=PASSWORD)
    page = client.get(f"/admin/notices/notice/{notice.pk}/change/").content.decode()
    inline = page[page.index('id="resends-group"') :]
    assert "お知らせの再送" in inline and "staff" in inline
    assert 'name="resends-0-requests"' not in inline  # shown, not editable
    listing = client.get("/admin/notices/noticeresend/")
    assert listing.status_code == 200 and "給水" in listing.content.decode()
    assert client.get(f"/admin/notices/noticeresend/{resend.pk}/change/").status_code == 200
    assert client.get("/admin/notices/noticeresend/add/").status_code == 403
    client.post(f"/admin/notices/noticeresend/{resend.pk}/change/", {"requests": 9})
    client.post(f"/admin/notices/noticeresend/{resend.pk}/delete/", {"post": "yes"})
    assert NoticeResend.objects.get().requests == 1
