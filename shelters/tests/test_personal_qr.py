import datetime
import time
from unittest import mock

from django.test import TestCase

from residents.models import ResidentLink
from residents.registration import resident_create_manual
from residents.tests.base import ResidentClientMixin
from shelters import tokens


class PersonalQrTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        self.account = self.sign_in_as_line_user()
        self.me = resident_create_manual(
            account=self.account,
            relation=ResidentLink.Relation.SELF,
            name="避難 花子",
            name_kana="ヒナン ハナコ",
            birth_date=datetime.date(1950, 1, 1),
            address="函館市",
        )

    def test_the_page_shows_a_code_for_each_linked_person(self):
        page = self.client.get("/my/qr/")
        self.assertContains(page, "<svg", count=1)
        self.assertContains(page, "避難 花子")
        # Renewed in place by a script while shown (and by a button), never by a reload
        # of the whole page that would move the reader (meta refresh).
        self.assertNotContains(page, 'http-equiv="refresh"')
        self.assertContains(page, f'data-renew-seconds="{tokens.PERSONAL_MAX_AGE_SECONDS // 3}"')
        self.assertContains(page, "js/my-qr.js")

    def test_a_fresh_token_names_the_resident(self):
        token = tokens.personal_token(self.me)
        self.assertEqual(tokens.resident_id_from_personal_token(token), self.me.pk)

    def test_an_old_screenshot_no_longer_works(self):
        token = tokens.personal_token(self.me)
        later = time.time() + tokens.PERSONAL_MAX_AGE_SECONDS + 60
        with (
            mock.patch("django.core.signing.time.time", return_value=later),
            self.assertRaises(tokens.PersonalTokenError) as caught,
        ):
            tokens.resident_id_from_personal_token(token)
        self.assertEqual(caught.exception.reason, "expired")

    def test_a_forged_or_altered_token_is_refused(self):
        token = tokens.personal_token(self.me)
        for bad in (token[:-2] + "xx", "HKB1:abc", "", tokens.poster_token.__name__):
            with self.subTest(bad=bad), self.assertRaises(tokens.PersonalTokenError) as caught:
                tokens.resident_id_from_personal_token(bad)
            self.assertEqual(caught.exception.reason, "invalid")

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        self.client.post("/my/sign-out/")
        self.assertRedirects(self.client.get("/my/qr/"), "/my/start/?next=%2Fmy%2Fqr%2F")
