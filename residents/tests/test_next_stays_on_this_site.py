"""The destination kept through sign-in and registration is a path on this site: a link
or a form naming another site (or a trick that browsers read as one) is ignored, so the
portal never sends someone on elsewhere (no open redirect)."""

from urllib.parse import quote

from django.test import SimpleTestCase, TestCase

from messaging import simulator
from residents.identity import local_path
from residents.tests.factories import RegistryPersonFactory

ELSEWHERE = [
    "https://evil.example/",
    "http://testserver.evil.example/c/x/",
    "//evil.example/c/x/",
    "///evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "/c/x/\r\nLocation: https://evil.example/",
    "javascript:alert(1)",
    "evil.example/c/x/",
    "",
]


class LocalPathTestCase(SimpleTestCase):
    def test_a_path_on_this_site_is_kept(self):
        for path in ("/c/S001:abc/", "/my/report/?edit=1", "/my/"):
            with self.subTest(path=path):
                self.assertEqual(local_path(path), path)

    def test_anything_that_could_lead_elsewhere_is_refused(self):
        for candidate in ELSEWHERE:
            with self.subTest(candidate=candidate):
                self.assertIsNone(local_path(candidate))


class NextThroughRegistrationTestCase(TestCase):
    def setUp(self):
        RegistryPersonFactory(name="中嶋 和樹", name_kana="ナカジマ カズキ")

    def register(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.post("/my/register/kana/", {"kana": "ナカジマ カズキ"})
        self.client.post("/my/register/birth/", {"era": "昭和", "year": 45, "month": 3, "day": 2})
        return self.client.post("/my/register/confirm/")

    def test_another_site_given_to_the_wizard_ends_on_its_own_page(self):
        for candidate in ELSEWHERE[:5]:
            with self.subTest(candidate=candidate):
                self.client = self.client_class()
                self.client.post("/my/web/")
                self.client.get(f"/my/register/?for=self&next={quote(candidate, safe='')}")
                response = self.register()
                self.assertRedirects(response, "/my/register/done/", fetch_redirect_response=False)

    def test_another_site_given_to_the_web_sign_in_is_not_kept(self):
        self.client.post("/my/web/", {"next": "https://evil.example/"})
        self.client.get("/my/register/")
        self.assertRedirects(self.register(), "/my/register/done/", fetch_redirect_response=False)

    def test_another_site_given_to_the_line_sign_in_goes_home(self):
        user = simulator.simulated_user_create(display_name="なかじま")
        for candidate in ELSEWHERE[:5]:
            with self.subTest(candidate=candidate):
                response = self.client.post(
                    "/my/session/",
                    {"id_token": simulator.id_token_issue(user), "next": candidate},
                )
                self.assertEqual(response.json()["next"], "/my/")
