"""/my/ is the household's situation: for the account holder and each family member,
where they are now (at a shelter, outside one, waiting for or on the way in a pickup),
what is under way, and links to わたしのQR, the shelter search and reporting. Once the
account holder is at a shelter, reporting is offered, not led with."""

from django.test import TestCase

from evacuation.models import PickupRequest
from evacuation.services import pickup_arrived, pickup_claim, pickup_picked_up
from evacuation.tests.report_steps import ReportClientMixin
from hakobou.testing.cast import make_cast
from shelters.models import Method
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory

REPORT_BUTTON = 'class="button primary" href="/my/report/"'


class MyPageSituationTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()
        self.shelter = ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152)

    def page(self):
        return self.client.get("/my/").content.decode()

    def ask_for_a_pickup(self):
        self.send()
        self.client.post(
            "/my/report/pickup/",
            {
                "people_count": "2",
                "mobility": "wheelchair",
                "urgency": "now",
                "destination": str(self.shelter.pk),
            },
        )
        return PickupRequest.objects.get()

    def test_each_person_is_listed_with_links_onward(self):
        page = self.page()
        self.assertIn("いまの状況", page)
        self.assertIn("あなた（在宅 ヨシ さん）", page)
        self.assertIn("在宅 ミナ さん", page)
        self.assertEqual(page.count("まだ、どこにいるかのお知らせはありません。"), 2)
        self.assertIn('href="/my/qr/"', page)
        self.assertIn('href="/shelters/"', page)
        self.assertIn(REPORT_BUTTON, page)

    def test_a_report_says_who_is_outside_a_shelter(self):
        self.send()  # 在宅 ヨシ and one unregistered person, at home
        page = self.page()
        self.assertIn("避難所以外（自宅）にいると、お知らせしています。", page)
        self.assertEqual(page.count("まだ、どこにいるかのお知らせはありません。"), 1)  # ミナ
        self.assertIn("わたしの避難状況", page)

    def test_a_pickup_is_followed_from_waiting_to_on_the_way(self):
        pickup = self.ask_for_a_pickup()
        page = self.page()
        self.assertIn("避難所以外（自宅）で、迎えを待っています（行き先：谷地頭町会館）。", page)
        self.assertIn("送迎を依頼しています（行き先：谷地頭町会館）", page)

        staff = make_cast().staff
        pickup_claim(pickup=pickup, user=staff)
        self.assertIn("送迎の担当者が決まりました（行き先：谷地頭町会館）", self.page())
        pickup_picked_up(pickup=pickup, user=staff)
        page = self.page()
        self.assertIn("送迎で避難所「谷地頭町会館」へ向かっています。", page)
        self.assertIn("where-transport", page)

    def test_after_arriving_the_shelter_is_named_and_reporting_is_no_longer_led_with(self):
        pickup = self.ask_for_a_pickup()
        staff = make_cast().staff
        pickup_claim(pickup=pickup, user=staff)
        pickup_picked_up(pickup=pickup, user=staff)
        pickup_arrived(pickup=pickup, user=staff)
        page = self.page()
        self.assertIn("避難所「谷地頭町会館」にいます", page)
        self.assertIn("where-shelter", page)
        self.assertNotIn(REPORT_BUTTON, page)
        # Still there, for someone who leaves the shelter again.
        self.assertIn('class="button" href="/my/report/"', page)

    def test_a_family_member_at_a_shelter_is_named_while_the_holder_is_not_there(self):
        stay_check_in(resident=self.child, shelter=self.shelter, method=Method.POSTER_QR)
        page = self.page()
        self.assertIn("避難所「谷地頭町会館」にいます", page)
        self.assertIn(REPORT_BUTTON, page)  # the holder has not arrived anywhere
