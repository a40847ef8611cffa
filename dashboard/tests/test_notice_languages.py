"""The composer asks for a notice's text in each of the portal's languages (Japanese
required, English and やさしい日本語 optional), keeps each one written, previews each
that has text, and the notice's page lists each."""

import json

import pytest
from django.utils import translation

from dashboard.notice_views import LANGUAGES, VARIANTS
from hakobou.testing.cast import PASSWORD
from notices.models import Notice

pytestmark = pytest.mark.django_db
NEW = "/dashboard/notices/new"


def test_it_has_a_text_box_for_each_of_the_portals_languages(settings):
    assert [code for code, _name in LANGUAGES] == [code for code, _n in settings.LANGUAGES]
    assert [variant.field for variant in VARIANTS] == ["text_ja", "text_en", "text_ja_easy"]


def test_it_keeps_the_easy_japanese_text_and_shows_each_language(client, cast):
    client.login(username="staff", password=PASSWORD)
    with translation.override("ja"):
        page = client.get(NEW).content.decode()
        assert "本文（やさしい日本語・省略可）" in page
        assert "やさしい日本語を選んだ人に届きます。空なら日本語の本文が届きます。" in page
        assert 'data-counter="ja-easy"' in page
        for code in ("ja", "en", "ja-easy"):
            assert f'id="ntc-tab-{code}"' in page
        client.post(
            NEW,
            {
                "segment": json.dumps({"if": "off_shelter", "value": str(cast.area_a.pk)}),
                "text_ja": "【お知らせ】給水をしています。",
                "text_en": "",
                "text_ja_easy": "【おしらせ】みずを くばって います。",
                "when": "now",
            },
        )
        notice = Notice.objects.get()
        assert notice.texts == {
            "ja": "【お知らせ】給水をしています。",
            "ja-easy": "【おしらせ】みずを くばって います。",
        }
        detail = client.get(f"/dashboard/notices/{notice.pk}/").content.decode()
    assert '<h3 class="ntc-lang">やさしい日本語</h3>' in detail
    assert "【おしらせ】みずを くばって います。" in detail
    assert '<h3 class="ntc-lang">英語</h3>' not in detail
