"""An evacuation alert is built in one place (alert_draft): everyone living in or
sheltering outside a shelter in the chosen areas, the template's title and wording with
the areas named, and its level; a notice keeps the level only when it is an active
template's, so it always waits for approval."""

import pytest
from django.utils import translation

from notices.models import AlertTemplate
from notices.services import NoticeInvalid, alert_draft, notice_create, notice_from_alert

pytestmark = pytest.mark.django_db

WORDING = {
    "ja": "【警戒レベル4 避難指示】{areas}に避難指示を発令しました。",
    "en": "[Alert level 4] Issued for {areas}.",
    "ja-easy": "【にげて】{areas}の ひとは にげて ください。",
}


@pytest.fixture
def level_4():
    template, _ = AlertTemplate.objects.update_or_create(
        level="4", defaults={"texts": WORDING, "active": True}
    )
    return template


def test_it_names_the_areas_and_reaches_who_lives_or_shelters_there(cast, level_4):
    with translation.override("ja"):
        draft = alert_draft(level_4, [cast.area_a, cast.area_b])
    a, b = str(cast.area_a.pk), str(cast.area_b.pk)
    assert draft == {
        "title": "警戒レベル4 避難指示（テスト甲町会、テスト乙町会）",
        "segment": {
            "any": [
                {"if": "lives_in", "value": a},
                {"if": "off_shelter", "value": a},
                {"if": "lives_in", "value": b},
                {"if": "off_shelter", "value": b},
            ]
        },
        "texts": {
            "ja": "【警戒レベル4 避難指示】テスト甲町会、テスト乙町会に避難指示を発令しました。",
            "en": "[Alert level 4] Issued for テスト甲町会、テスト乙町会.",
            "ja-easy": "【にげて】テスト甲町会、テスト乙町会の ひとは にげて ください。",
        },
        "alert_level": "4",
    }


def test_it_needs_an_area(cast, level_4):
    with translation.override("ja"), pytest.raises(NoticeInvalid) as refused:
        alert_draft(level_4, [])
    assert refused.value.message == "対象の地区を選んでください。"


def test_it_leaves_out_a_language_the_portal_does_not_have(cast, level_4):
    level_4.texts = {**WORDING, "fr": "Alerte {areas}"}
    assert set(alert_draft(level_4, [cast.area_a])["texts"]) == {"ja", "en", "ja-easy"}


def test_a_long_list_of_areas_keeps_the_title_within_its_100_characters(cast, level_4):
    many = [cast.area_a] * 30
    title = alert_draft(level_4, many)["title"]
    assert len(title) == 100 and title.endswith("…）")


def test_a_notice_keeps_an_active_templates_level(cast, level_4):
    notice = notice_create(by_user=cast.staff, **alert_draft(level_4, [cast.area_a]))
    notice.refresh_from_db()
    assert (notice.alert_level, notice.title) == ("4", "警戒レベル4 避難指示（テスト甲町会）")
    assert notice.texts["ja-easy"].startswith("【にげて】テスト甲町会の")
    # notice_from_alert is the same draft, saved.
    same = notice_from_alert(template=level_4, areas=[cast.area_a], by_user=cast.staff)
    assert (same.segment, same.texts, same.alert_level) == (
        notice.segment,
        notice.texts,
        "4",
    )


@pytest.mark.parametrize("level", ["5", "9", "lifted "])
def test_a_level_without_an_active_template_is_refused_politely(cast, level_4, level):
    AlertTemplate.objects.update_or_create(level="5", defaults={"texts": WORDING, "active": False})
    with translation.override("ja"), pytest.raises(NoticeInvalid) as refused:
        notice_create(
            title="",
            segment={"if": "everyone"},
            texts={"ja": "本文"},
            alert_level=level,
            by_user=cast.staff,
        )
    assert refused.value.message == (
        "この避難情報のひな形は使えません（使用中でないか、見つかりません）。"
        "ひな形を選び直してください。"
    )
