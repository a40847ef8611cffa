"""What the portal says to someone about themselves is in the second person: the poster
check-in and わたしのQR name the account holder 「あなた」, family by name."""

from django.test import TestCase

from shelters.tests.poster import FamilyAtThePosterMixin


class OwnCheckInInTheSecondPersonTestCase(FamilyAtThePosterMixin, TestCase):
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
