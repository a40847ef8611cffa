"""What the portal says to someone about themselves is in the second person: the poster
check-in and わたしのQR name the account holder 「あなた」, family by name."""

import datetime

from django.test import TestCase

from residents.models import ResidentLink
from residents.registration import resident_create_manual
from residents.tests.base import ResidentClientMixin
from shelters import tokens
from shelters.tests.factories import ShelterFactory


class OwnCheckInInTheSecondPersonTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館")
        self.account = self.sign_in_as_line_user()
        self.me = self.register("避難 花子", ResidentLink.Relation.SELF)
        self.child = self.register("避難 一郎", ResidentLink.Relation.FAMILY)
        self.url = tokens.poster_path(self.shelter)

    def register(self, name, relation):
        return resident_create_manual(
            account=self.account,
            relation=relation,
            name=name,
            name_kana="ヒナン",
            birth_date=datetime.date(1980, 1, 1),
            address="函館市谷地頭町",
        )

    def test_the_form_and_the_answer_say_you_to_the_account_holder(self):
        page = self.client.get(self.url)
        self.assertContains(page, "あなた（避難 花子 さん）")
        self.assertContains(page, "避難 一郎")
        done = self.client.post(
            self.url, {"residents": [self.me.pk, self.child.pk], "companions": 0}
        )
        self.assertContains(done, "<strong>あなた（避難 花子 さん）</strong>", html=True)
        self.assertContains(done, "<strong>避難 一郎</strong>", html=True)
        self.assertNotContains(done, "<strong>避難 花子</strong>", html=True)

    def test_my_qr_names_the_account_holder_you(self):
        page = self.client.get("/my/qr/")
        self.assertContains(page, "<strong>あなた（避難 花子 さん）</strong>", html=True)
        self.assertContains(page, "<strong>避難 一郎</strong>", html=True)
