from django.test import TestCase

from limits.models import Counter
from residents.models import Account


class WebIdentityTestCase(TestCase):
    def test_a_resident_without_line_gets_a_recovery_code_once(self):
        response = self.client.post("/my/web/")
        self.assertRedirects(response, "/my/web/code/", fetch_redirect_response=False)
        page = self.client.get("/my/web/code/")
        code = page.context["code"]
        self.assertRegex(code, r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")
        self.assertRedirects(self.client.get("/my/web/code/"), "/my/")
        account = Account.objects.get()
        self.assertIsNone(account.line_user_id)
        self.assertNotIn(code.replace("-", ""), account.recovery_code_hash)

    def test_the_recovery_code_signs_in_from_another_browser(self):
        self.client.post("/my/web/")
        code = self.client.get("/my/web/code/").context["code"]
        other = self.client_class()
        response = other.post("/my/recover/", {"code": code.lower().replace("-", " ")})
        self.assertRedirects(response, "/my/")

    def test_a_wrong_code_is_refused_politely(self):
        response = self.client.post("/my/recover/", {"code": "AAAA-BBBB-CCCC-DDDD"})
        self.assertContains(response, "復旧コードが違います")
        self.assertContains(self.client.post("/my/recover/", {"code": ""}), "入力してください")

    def test_a_flood_of_wrong_codes_from_one_address_is_refused(self):
        with self.settings(RECOVERY_MAX_FAILURES=3):
            for _ in range(3):
                self.client.post("/my/recover/", {"code": "AAAA-BBBB-CCCC-DDDD"})
            self.client.post("/my/web/")
            code = self.client.get("/my/web/code/").context["code"]
            other = self.client_class()
            response = other.post("/my/recover/", {"code": code})
        self.assertContains(response, "試行回数が多すぎます")

    def test_wrong_codes_do_not_spend_the_registry_guesses_of_that_address(self):
        with self.settings(RECOVERY_MAX_FAILURES=3, REGISTRY_ADDRESS_MAX_FAILURES=1):
            for _ in range(3):
                self.client.post("/my/recover/", {"code": "AAAA-BBBB-CCCC-DDDD"})
        self.assertFalse(Counter.objects.filter(scope="registry-address").exists())

    def test_new_browser_identities_from_one_address_are_limited_politely(self):
        with self.settings(WEB_IDENTITIES_PER_ADDRESS=2):
            for _ in range(2):
                self.client_class().post("/my/web/")
            response = self.client.post("/my/web/", follow=True)
        self.assertContains(response, "しばらく受け付けを止めています")
        self.assertEqual(Account.objects.count(), 2)
