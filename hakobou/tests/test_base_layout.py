from django.test import TestCase, override_settings


class BaseLayoutTestCase(TestCase):
    def test_it_shows_the_city_name_in_the_header(self):
        with self.settings(CITY_NAME="テスト市"):
            self.assertContains(
                self.client.get("/"), '<span class="city">テスト市</span>', html=True
            )

    def test_it_shows_the_drill_banner_in_simulator_mode(self):
        self.assertContains(self.client.get("/"), "訓練モード")

    @override_settings(LINE_MODE="live")
    def test_it_hides_the_drill_banner_in_live_mode(self):
        self.assertNotContains(self.client.get("/"), "訓練モード")

    def test_it_is_japanese_by_default_and_english_on_request(self):
        self.assertContains(self.client.get("/"), '<html lang="ja">')
        english = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(english, '<html lang="en">')
        self.assertContains(english, "Drill mode")

    def test_english_pages_name_the_city_in_english_and_the_language_once(self):
        english = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(english, '<span class="city">Hakodate City</span>', html=True)
        self.assertNotContains(english, "Language / Language")
        japanese = self.client.get("/")
        self.assertContains(japanese, '<span class="city">函館市</span>', html=True)
        self.assertContains(japanese, "言語 / Language")

    def test_it_answers_unknown_pages_with_a_friendly_404(self):
        response = self.client.get("/no-such-page/")
        self.assertContains(response, "ページが見つかりません", status_code=404)
