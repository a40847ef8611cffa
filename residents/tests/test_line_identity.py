import time

from django.test import TestCase, override_settings

from messaging import line, simulator
from residents.models import Account
from residents.registration import account_from_id_token


class IdTokenVerificationTestCase(TestCase):
    """The real verification code path, over HTTP, against the LINE simulator."""

    def setUp(self):
        self.user = simulator.simulated_user_create(display_name="函館 花子")

    def test_it_accepts_a_token_issued_for_our_channel(self):
        identity = line.verify_id_token(simulator.id_token_issue(self.user))
        self.assertEqual(identity.user_id, self.user.user_id)
        self.assertEqual(identity.display_name, "函館 花子")

    def test_it_rejects_an_expired_token(self):
        token = simulator.id_token_issue(self.user, now=time.time() - 7200, lifetime=3600)
        with self.assertRaisesMessage(line.IdTokenInvalid, "IdToken expired."):
            line.verify_id_token(token)

    def test_it_rejects_a_token_for_another_channel(self):
        token = simulator.id_token_issue(self.user, audience="9999999999")
        with self.assertRaisesMessage(line.IdTokenInvalid, "Invalid IdToken Audience."):
            line.verify_id_token(token)

    def test_it_rejects_a_token_with_a_bad_signature(self):
        header, payload, signature = simulator.id_token_issue(self.user).split(".")
        forged = f"{header}.{payload}.{signature[::-1]}"
        with self.assertRaisesMessage(line.IdTokenInvalid, "Invalid IdToken."):
            line.verify_id_token(forged)

    def test_it_rejects_a_missing_or_garbage_token(self):
        for token in (None, "", "not-a-jwt"):
            with self.subTest(token=token), self.assertRaises(line.IdTokenInvalid):
                line.verify_id_token(token)

    @override_settings(LINE_API_URL="http://127.0.0.1:9/line-sim", LINE_API_TIMEOUT_SECONDS=1)
    def test_an_unreachable_line_is_reported_as_unavailable(self):
        with self.assertRaises(line.LineUnavailable):
            line.verify_id_token(simulator.id_token_issue(self.user))

    def test_the_account_is_found_by_the_verified_user_id_and_refreshed(self):
        first = account_from_id_token(id_token=simulator.id_token_issue(self.user))
        self.user.display_name = "はなこ"
        self.user.save()
        second = account_from_id_token(id_token=simulator.id_token_issue(self.user))
        self.assertEqual(first.pk, second.pk)
        self.assertEqual(second.display_name, "はなこ")
        self.assertEqual(Account.objects.count(), 1)


class LineSessionViewTestCase(TestCase):
    url = "/my/session/"

    def test_a_verified_token_signs_the_resident_in(self):
        user = simulator.simulated_user_create(display_name="函館 花子")
        response = self.client.post(self.url, {"id_token": simulator.id_token_issue(user)})
        self.assertEqual(response.json(), {"ok": True, "next": "/my/"})
        self.assertEqual(self.client.get("/my/").status_code, 200)

    def test_a_forged_token_is_refused_and_signs_nobody_in(self):
        response = self.client.post(self.url, {"id_token": "eyJ.forged.token"})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(response.json()["ok"])
        self.assertIn("LINE", response.json()["message"])
        self.assertRedirects(self.client.get("/my/"), "/my/start/?next=%2Fmy%2F")

    def test_a_user_id_sent_by_the_page_is_ignored(self):
        user = simulator.simulated_user_create(display_name="函館 花子")
        response = self.client.post(self.url, {"user_id": user.user_id, "sub": user.user_id})
        self.assertEqual(response.status_code, 401)
        self.assertFalse(Account.objects.exists())

    def test_it_never_redirects_to_another_site(self):
        user = simulator.simulated_user_create(display_name="函館 花子")
        response = self.client.post(
            self.url, {"id_token": simulator.id_token_issue(user), "next": "https://evil.example/"}
        )
        self.assertEqual(response.json()["next"], "/my/")
