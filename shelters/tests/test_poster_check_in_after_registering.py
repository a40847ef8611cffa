"""Someone not yet registered scans a shelter's poster: they are sent to register, and
once registered they land back on that shelter's check-in, on the LINE path and the
web path alike."""

from urllib.parse import quote

from django.test import TestCase

from messaging import simulator
from residents.models import ResidentLink
from residents.tests.factories import RegistryPersonFactory
from shelters import tokens
from shelters.models import Stay
from shelters.tests.factories import ShelterFactory


class PosterCheckInAfterRegisteringTestCase(TestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館")
        self.check_in = tokens.poster_path(self.shelter)
        RegistryPersonFactory(name="中嶋 和樹", name_kana="ナカジマ カズキ")

    def register_self(self, start):
        """The wizard from ``start`` (the register-first page's link), as a resident
        answers it: consent, furigana, birth date, "yes, that is me"."""
        response = self.client.get(start)
        self.assertRedirects(response, "/my/register/consent/", fetch_redirect_response=False)
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.post("/my/register/kana/", {"kana": "ナカジマ カズキ"})
        self.client.post("/my/register/birth/", {"era": "昭和", "year": 45, "month": 3, "day": 2})
        self.assertContains(self.client.get("/my/register/result/"), "中嶋 ＊＊ さん")
        return self.client.post("/my/register/confirm/")

    def test_the_line_path_lands_back_on_the_check_in(self):
        response = self.client.get(self.check_in)
        self.assertRedirects(
            response,
            f"/my/start/?next={quote(self.check_in, safe='')}",
            fetch_redirect_response=False,
        )
        user = simulator.simulated_user_create(display_name="なかじま")
        signed_in = self.client.post(
            "/my/session/",
            {"id_token": simulator.id_token_issue(user), "next": self.check_in},
        )
        self.assertEqual(signed_in.json()["next"], self.check_in)

        first = self.client.get(self.check_in)
        self.assertContains(first, "チェックインの前に、ご本人の登録をお願いします")
        start = f"/my/register/?for=self&next={quote(self.check_in)}"
        self.assertContains(first, start.replace("&", "&amp;"))

        response = self.register_self(start)
        self.assertRedirects(response, self.check_in, fetch_redirect_response=False)
        page = self.client.get(self.check_in)
        self.assertContains(page, "登録が完了しました")
        self.assertContains(page, "チェックインする")
        self.assertContains(page, "中嶋 和樹")
        link = ResidentLink.objects.get()
        self.client.post(self.check_in, {"residents": [link.resident.pk], "companions": 0})
        self.assertEqual(Stay.objects.get().shelter, self.shelter)

    def test_the_web_path_keeps_the_check_in_through_the_recovery_code(self):
        start = self.client.get(f"/my/start/?next={quote(self.check_in, safe='')}")
        self.assertContains(start, f'<input type="hidden" name="next" value="{self.check_in}">')

        response = self.client.post("/my/web/", {"next": self.check_in})
        self.assertRedirects(response, "/my/web/code/", fetch_redirect_response=False)
        code_page = self.client.get("/my/web/code/")
        self.assertContains(code_page, 'href="/my/register/"')

        response = self.register_self("/my/register/")
        self.assertRedirects(response, self.check_in, fetch_redirect_response=False)
        self.assertContains(self.client.get(self.check_in), "チェックインする")

    def register_by_hand(self):
        """A visitor not in the registry: furigana and birth date, then entered by hand."""
        self.client.post("/my/register/kana/", {"kana": "リョコウ ハナコ"})
        self.client.post("/my/register/birth/", {"era": "昭和", "year": 50, "month": 3, "day": 2})
        response = self.client.post(
            "/my/register/manual/",
            {
                "name": "旅行 花子",
                "name_kana": "リョコウ ハナコ",
                "era": "昭和",
                "year": 50,
                "month": 3,
                "day": 2,
                "address": "函館市若松町ホテル",
            },
        )
        return response

    def test_someone_not_in_the_registry_lands_back_too(self):
        self.client.post("/my/web/", {"next": self.check_in})
        self.client.get("/my/register/")
        self.client.post("/my/register/consent/", {"agree": "on"})
        response = self.register_by_hand()
        self.assertRedirects(response, self.check_in, fetch_redirect_response=False)
        page = self.client.get(self.check_in)
        self.assertContains(page, "「未確認」として登録しました")
        self.assertContains(page, "旅行 花子")

    def test_the_destination_is_used_once(self):
        self.client.post("/my/web/", {"next": self.check_in})
        self.register_self("/my/register/")
        # Registering family later ends on the registration's own page, not the poster.
        self.client.get("/my/register/?for=family&restart=1")
        response = self.register_by_hand()
        self.assertRedirects(response, "/my/register/done/", fetch_redirect_response=False)
