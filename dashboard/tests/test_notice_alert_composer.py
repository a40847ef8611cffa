"""Staff start an evacuation alert from the composer's alert panel: the chosen template
and areas fill in the segment, the title, each language's text and the level; they may
edit the text and send it, and it always waits for a second staff member's approval.
A template or an area that is not there is refused politely on the page."""

import html
import json
import re

import pytest
from django.utils import translation

from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.cast import PASSWORD
from notices.models import AlertTemplate, Notice

pytestmark = pytest.mark.django_db
NEW = "/dashboard/notices/new"
WORDING = {
    "ja": "【警戒レベル4 避難指示】{areas}に避難指示を発令しました。",
    "en": "[Alert level 4] Issued for {areas}.",
}


@pytest.fixture
def staff(client, cast):
    AlertTemplate.objects.update_or_create(level="4", defaults={"texts": WORDING, "active": True})
    AlertTemplate.objects.update_or_create(level="5", defaults={"texts": WORDING, "active": False})
    client.login(username="staff", password=PASSWORD)
    return client


def field(page: str, name: str) -> str:
    """The value the composer shows in an input or a textarea."""
    found = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    if found is None:
        found = re.search(rf'<input type="[a-z]+" name="{name}" value="([^"]*)"', page)
    return html.unescape(found.group(1)) if found else ""


def test_it_fills_in_the_composer_from_the_template_and_areas(staff, cast):
    with translation.override("ja"):
        response = staff.get(NEW, {"alert": "4", "area": [cast.area_a.pk, cast.area_b.pk]})
    assert response.status_code == 200
    page = response.content.decode()
    assert field(page, "title") == "警戒レベル4 避難指示（テスト甲町会、テスト乙町会）"
    assert field(page, "text_ja") == (
        "【警戒レベル4 避難指示】テスト甲町会、テスト乙町会に避難指示を発令しました。"
    )
    assert field(page, "text_en") == "[Alert level 4] Issued for テスト甲町会、テスト乙町会."
    assert field(page, "text_ja_easy") == ""
    assert field(page, "alert_level") == "4"
    a, b = str(cast.area_a.pk), str(cast.area_b.pk)
    assert json.loads(field(page, "segment")) == {
        "any": [
            {"if": "lives_in", "value": a},
            {"if": "off_shelter", "value": a},
            {"if": "lives_in", "value": b},
            {"if": "off_shelter", "value": b},
        ]
    }
    assert 'id="ntc-alert-note"' in page and "必ずほかの職員の承認が必要です" in page
    # The panel offers the active templates only.
    assert "警戒レベル4 避難指示</option>" in page and "警戒レベル5" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"alert": "5", "area": "1"}, "選んだ避難情報のひな形は使えません"),
        ({"alert": "9", "area": "1"}, "選んだ避難情報のひな形は使えません"),
        ({"alert": "", "area": "1"}, "避難情報の種類を選んでください。"),
        ({"alert": "4"}, "対象の地区を 1 つ以上選んでください。"),
        ({"alert": "4", "area": "999999"}, "選んだ地区が見つかりません。"),
        ({"alert": "4", "area": "abc"}, "選んだ地区が見つかりません。"),
        ({"alert": "4", "area": "99999999999999999999999"}, "選んだ地区が見つかりません。"),
    ],
)
def test_a_template_or_area_that_is_not_there_is_refused_politely(staff, cast, query, message):
    if query.get("area") == "1":
        query["area"] = str(cast.area_a.pk)
    with translation.override("ja"):
        response = staff.get(NEW, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert field(page, "alert_level") == "" and field(page, "text_ja") == ""
    assert 'id="ntc-alert-panel" open' in page


def test_an_alert_sent_from_the_composer_waits_for_approval_and_shows_its_level(
    staff, cast, settings
):
    settings.NOTICE_APPROVAL_THRESHOLD = 1000
    family_report(cast.area_a)
    family_report(cast.area_b)  # so that area A is not the whole city
    with translation.override("ja"):
        page = staff.get(NEW, {"alert": "4", "area": cast.area_a.pk}).content.decode()
        posted = staff.post(
            NEW,
            {
                "title": field(page, "title"),
                "segment": field(page, "segment"),
                "alert_level": field(page, "alert_level"),
                "text_ja": field(page, "text_ja") + "\n谷地頭小学校に避難所を開いています。",
                "text_en": field(page, "text_en"),
                "text_ja_easy": "",
                "when": "now",
            },
        )
        notice = Notice.objects.get()
        assert posted.status_code == 302, posted.content.decode()
        assert (notice.status, notice.needs_approval, notice.alert_level) == (
            "awaiting_approval",
            True,
            "4",
        )
        assert notice.texts["ja"].endswith("谷地頭小学校に避難所を開いています。")
        badge = '<span class="ntc-alert level-4"'
        detail = staff.get(f"/dashboard/notices/{notice.pk}/").content.decode()
        assert badge in detail and "警戒レベル4 避難指示</span>" in detail
        listing = staff.get("/dashboard/notices/").content.decode()
        assert badge in listing


def test_a_level_whose_template_was_switched_off_meanwhile_is_refused(staff, cast):
    with translation.override("ja"):
        page = staff.get(NEW, {"alert": "4", "area": cast.area_a.pk}).content.decode()
        AlertTemplate.objects.filter(level="4").update(active=False)
        posted = staff.post(
            NEW,
            {
                "segment": field(page, "segment"),
                "alert_level": "4",
                "text_ja": field(page, "text_ja"),
                "when": "now",
            },
        )
    assert posted.status_code == 400
    assert "この避難情報のひな形は使えません" in posted.content.decode()
    assert not Notice.objects.exists()
