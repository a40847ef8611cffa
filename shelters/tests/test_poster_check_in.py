import datetime

from django.test import TestCase

from hakobou.testing.cast import BaseTestCase
from residents.registration import resident_create_manual
from shelters import tokens
from shelters.models import PresenceEvent, Shelter, Stay
from shelters.services import shelter_set_status
from shelters.tests.factories import ShelterFactory
from shelters.tests.poster import FamilyAtThePosterMixin


class PosterCheckInTestCase(FamilyAtThePosterMixin, TestCase):
    def test_self_and_family_check_in_in_one_step_with_companions(self):
        page = self.client.get(self.url)
        self.assertContains(page, "青柳小学校 体育館")
        self.assertContains(page, "避難 一郎")
        response = self.client.post(
            self.url, {"residents": [self.me.pk, self.child.pk], "companions": 2}
        )
        self.assertContains(response, "チェックインしました")
        stays = Stay.objects.filter(shelter=self.shelter)
        self.assertEqual(stays.count(), 2)
        self.assertEqual(sum(stays.values_list("companions", flat=True)), 2)
        self.assertEqual(PresenceEvent.objects.filter(method="poster_qr").count(), 2)

    def test_submitting_twice_is_harmless(self):
        data = {"residents": [self.me.pk], "companions": 0}
        self.client.post(self.url, data)
        response = self.client.post(self.url, data)
        self.assertContains(response, "すでにこの避難所で受付済みです")
        self.assertEqual(Stay.objects.count(), 1)

    def test_a_forged_or_altered_token_is_refused(self):
        other = ShelterFactory(code="S999")
        altered = self.url.replace(self.shelter.code, other.code)
        for url in (altered, "/c/S999:forged/", "/c/nonsense/"):
            with self.subTest(url=url):
                self.assertContains(
                    self.client.get(url), "このQRコードは使えません", status_code=404
                )
        self.assertFalse(Stay.objects.exists())

    def test_people_of_another_account_cannot_be_checked_in(self):
        stranger = resident_create_manual(
            account=type(self.account).objects.create(),
            relation="self",
            name="他人",
            name_kana="タニン",
            birth_date=datetime.date(1980, 1, 1),
            address="x",
        )
        response = self.client.post(self.url, {"residents": [stranger.pk], "companions": 0})
        self.assertContains(response, "選べない方が含まれています")
        self.assertFalse(Stay.objects.exists())

    def test_bad_input_is_answered_politely(self):
        response = self.client.post(self.url, {"residents": [], "companions": -1})
        self.assertContains(response, "一人以上選んでください")
        self.assertContains(response, "0 から 30")

    def test_a_closed_shelter_says_so(self):
        shelter_set_status(shelter=self.shelter, status=Shelter.Status.CLOSED)
        self.assertContains(self.client.get(self.url), "現在開設されていません")
        response = self.client.post(self.url, {"residents": [self.me.pk], "companions": 0})
        self.assertContains(response, "現在開設されていません")
        self.assertFalse(Stay.objects.exists())

    def test_anonymous_visitors_are_sent_to_sign_in_first(self):
        self.client.post("/my/sign-out/")
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/my/start/?next=", response["Location"])


class PosterPageTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館")

    def test_staff_print_the_poster_with_a_qr_code(self):
        self.client.force_login(self.staff)
        page = self.client.get(f"/shelters/{self.shelter.pk}/poster/")
        self.assertContains(page, "<svg")
        self.assertContains(page, tokens.poster_path(self.shelter))
        self.assertContains(page, "やさしい にほんご")
        self.assertContains(page, "Scan the QR code")

    def test_reception_of_another_shelter_and_volunteers_cannot_print_it(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(self.client.get(f"/shelters/{self.shelter.pk}/poster/").status_code, 403)

    def test_reception_of_this_shelter_can(self):
        self.shelter.reception.add(self.volunteer_b)
        self.client.force_login(self.volunteer_b)
        self.assertEqual(self.client.get(f"/shelters/{self.shelter.pk}/poster/").status_code, 200)
