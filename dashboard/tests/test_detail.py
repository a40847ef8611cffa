"""One evacuee's detail: what the task needs (names, phone, needs, notes, the pickup
and its history), never a birth date or a registry address, and every view logged."""

import datetime

from dashboard.tests.seed import BIRTH_DATE, make_pickup, make_report
from evacuation.services import pickup_add_note, pickup_claim, report_end
from hakobou.testing.cast import BaseTestCase
from residents.models import DetailView, Resident
from residents.tests.factories import RegistryPersonFactory
from shelters.tests.factories import ShelterFactory


class EvacueeDetailTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(
            cls.area_a,
            name="在宅 ヨシ",
            kana="ザイタク ヨシ",
            phone="0138-22-0001",
            needs=("medical", "water"),
            care=("elderly",),
            others=1,
            note="酸素吸入をしています",
        )
        cls.resident = cls.report.people.get()
        cls.shelter = ShelterFactory(name="青柳小学校 体育館")
        cls.pickup = make_pickup(cls.report, cls.shelter, note="車いすを載せられる車で")
        pickup_claim(pickup=cls.pickup, user=cls.volunteer_a)
        pickup_add_note(pickup=cls.pickup, user=cls.volunteer_a, note="10分で着きます")

    def detail(self, report=None):
        return self.client.get(f"/api/evacuees/{(report or self.report).pk}")

    def test_it_shows_what_the_volunteer_needs(self):
        self.client.force_login(self.volunteer_a)
        body = self.detail().json()
        (person,) = body["people"]
        self.assertEqual(
            person,
            {
                "name": "在宅 ヨシ",
                "kana": "ザイタク ヨシ",
                "phone": "0138-22-0001",
                "tel": "tel:0138220001",
                "verified": False,
                "care_labels": [],
            },
        )
        self.assertEqual(body["household"], 2)
        self.assertEqual(body["place_label"], "自宅")
        self.assertEqual(body["address_text"], "谷地頭町 青い屋根の家")
        self.assertEqual(body["need_labels"], ["医療・看護", "飲料水", "移動支援（迎え）"])
        self.assertEqual(body["care_labels"], ["高齢"])
        self.assertEqual(body["note"], "酸素吸入をしています")
        self.assertEqual((body["latitude"], body["longitude"]), (41.75, 140.71))

    def test_it_shows_the_pickup_with_its_history_and_who_holds_it(self):
        self.client.force_login(self.volunteer_a)
        pickup = self.detail().json()["pickup"]
        self.assertEqual(pickup["status"], "claimed")
        self.assertEqual(pickup["destination"], "青柳小学校 体育館")
        self.assertEqual(pickup["holder"], "甲野 一郎")
        self.assertTrue(pickup["mine"])
        self.assertIsNotNone(pickup["claim_expires_at"])
        self.assertEqual(pickup["note"], "車いすを載せられる車で")
        self.assertEqual(
            [(e["kind_label"], e["by"], e["note"]) for e in pickup["history"]],
            [
                ("依頼", "本人", ""),
                ("担当", "甲野 一郎", ""),
                ("メモ", "甲野 一郎", "10分で着きます"),
            ],
        )
        self.assertEqual(
            pickup["actions"], ["picked_up", "release", "hand_over", "claim", "unable", "note"]
        )

    def test_it_never_shows_a_birth_date_or_a_registry_address(self):
        registry = RegistryPersonFactory(
            area=self.area_a, name="台帳 花子", address="北海道函館市谷地頭町99番9号"
        )
        resident = Resident.objects.create(registry_person=registry, phone="090-0000-0000")
        self.report.people.add(resident)
        self.client.force_login(self.volunteer_a)
        response = self.detail()
        text = response.content.decode()
        self.assertIn("台帳 花子", text)
        for date in (BIRTH_DATE, registry.birth_date):
            for shown in (date.isoformat(), f"{date.year}年", date.strftime("%Y/%m/%d")):
                self.assertNotIn(shown, text)
        self.assertNotIn("birth", text)
        self.assertNotIn("99番9号", text)
        self.assertNotIn("谷地頭町1番1号", text)  # the manual resident's home address

    def test_each_view_is_logged_with_who_whom_and_where(self):
        self.client.force_login(self.volunteer_a)
        self.detail()
        self.detail()
        views = DetailView.objects.filter(resident=self.resident)
        self.assertEqual(views.count(), 2)
        view = views.first()
        self.assertEqual((view.user, view.context), (self.volunteer_a, "dashboard"))
        self.assertEqual(view.resident_ref, self.resident.pk)
        self.assertLess(
            datetime.datetime.now(datetime.UTC) - view.created_at, datetime.timedelta(minutes=1)
        )

    def test_another_areas_volunteer_gets_404_and_nothing_is_logged(self):
        self.client.force_login(self.volunteer_b)
        self.assertEqual(self.detail().status_code, 404)
        self.assertFalse(DetailView.objects.exists())

    def test_an_ended_report_is_no_longer_shown(self):
        report_end(report=self.report, reason="returned_home")
        self.client.force_login(self.staff)
        self.assertEqual(self.detail().status_code, 404)

    def test_a_volunteer_who_does_not_hold_the_claim_sees_who_does(self):
        self.client.force_login(self.staff)
        pickup = self.detail().json()["pickup"]
        self.assertEqual(pickup["holder"], "甲野 一郎")
        self.assertFalse(pickup["mine"])
        # Staff may act on anyone's claim; they cannot take it over by claiming.
        self.assertNotIn("claim", pickup["actions"])
        self.assertIn("picked_up", pickup["actions"])

    def test_a_report_without_a_pickup_says_so(self):
        report = make_report(self.area_a, needs=("food",))
        self.client.force_login(self.volunteer_a)
        self.assertIsNone(self.detail(report).json()["pickup"])
