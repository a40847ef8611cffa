"""A pickup goes where people are taken in: by default only designated evacuation
shelters (指定避難所) that are open and not full, each with its kind; others on request;
barrier-free ones first for a wheelchair or a stretcher; distances read 「約 1.0 km」."""

import re

from django.test import TestCase

from evacuation.models import PickupRequest
from evacuation.services import pickup_cancel
from evacuation.tests.report_steps import ReportClientMixin
from shelters.models import Method, Shelter
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

Kind = Shelter.Kind


class PickupDestinationsTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()
        # The report's point is 谷地頭町 (41.7535, 140.716); nearest first below.
        self.hall = ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152)
        self.welfare = ShelterFactory(
            name="福祉センター", kind=Kind.WELFARE, latitude=41.7545, longitude=140.7160
        )
        self.site = ShelterFactory(
            name="函館公園", kind=Kind.EMERGENCY_SITE, latitude=41.7550, longitude=140.7165
        )
        self.marked_full = ShelterFactory(
            name="青柳小学校", status=Shelter.Status.FULL, latitude=41.7560, longitude=140.7170
        )
        self.counted_full = ShelterFactory(
            name="弥生小学校", capacity=1, latitude=41.7570, longitude=140.7175
        )
        stay_check_in(resident=make_resident(), shelter=self.counted_full, method=Method.STAFF)
        self.ramp = ShelterFactory(
            name="函館アリーナ", barrier_free=True, latitude=41.7790, longitude=140.7550
        )
        ShelterFactory(name="閉鎖中の学校", status=Shelter.Status.CLOSED)
        self.send()

    def names(self, page):
        """The destinations offered, in order."""
        html = page.content.decode()
        return re.findall(r'name="destination" value="\d+"[^>]*>\s*<span>([^（<]+)', html)

    def test_only_open_designated_shelters_with_room_are_offered(self):
        page = self.client.get("/my/report/pickup/")
        self.assertEqual(self.names(page), ["谷地頭町会館", "函館アリーナ"])
        self.assertContains(page, "谷地頭町会館（指定避難所・約 0.1 km・空きあり）")
        self.assertContains(page, "函館アリーナ（指定避難所・約 4.3 km・空きあり・バリアフリー）")
        self.assertContains(page, 'href="?all=1"')

    def test_every_open_shelter_on_request_each_with_its_kind(self):
        page = self.client.get("/my/report/pickup/?all=1")
        self.assertEqual(
            self.names(page),
            [
                "谷地頭町会館",
                "福祉センター",
                "函館公園",
                "青柳小学校",
                "弥生小学校",
                "函館アリーナ",
            ],
        )
        self.assertContains(page, "福祉センター（福祉避難所・")
        self.assertContains(page, "函館公園（指定緊急避難場所・")
        self.assertContains(page, "青柳小学校（指定避難所・約 0.3 km・満員）")
        self.assertNotContains(page, "閉鎖中の学校")
        response = self.client.post(
            "/my/report/pickup/?all=1",
            {
                "people_count": "1",
                "mobility": "walks_with_help",
                "urgency": "today",
                "destination": str(self.welfare.pk),
            },
        )
        self.assertRedirects(response, "/my/report/")
        self.assertEqual(PickupRequest.objects.get().destination, self.welfare)

    def test_a_shelter_left_out_by_default_cannot_be_sent_by_default(self):
        response = self.client.post(
            "/my/report/pickup/",
            {
                "people_count": "1",
                "mobility": "walks_with_help",
                "urgency": "today",
                "destination": str(self.marked_full.pk),
            },
        )
        self.assertContains(response, "その避難所はいま選べません")
        self.assertFalse(PickupRequest.objects.exists())

    def test_a_wheelchair_user_is_offered_barrier_free_shelters_first(self):
        page = self.client.get("/my/report/pickup/?mobility=wheelchair")
        self.assertEqual(self.names(page), ["函館アリーナ", "谷地頭町会館"])
        self.assertContains(page, "バリアフリーの避難所を先に並べています")
        self.assertContains(
            page,
            f'<input type="radio" name="destination" value="{self.ramp.pk}" '
            'data-barrier-free="true" id="id_destination_0" required checked>',
            html=True,
        )

    def test_an_answer_sent_back_keeps_barrier_free_first_for_a_stretcher(self):
        response = self.client.post(
            "/my/report/pickup/", {"people_count": "1", "mobility": "stretcher", "urgency": ""}
        )
        self.assertContains(response, "急ぎ具合を選んでください。")
        self.assertEqual(self.names(response), ["函館アリーナ", "谷地頭町会館"])

    def test_asking_again_after_a_wheelchair_pickup_keeps_the_order(self):
        self.client.post(
            "/my/report/pickup/",
            {
                "people_count": "1",
                "mobility": "wheelchair",
                "urgency": "today",
                "destination": str(self.ramp.pk),
            },
        )
        pickup_cancel(pickup=PickupRequest.objects.get(), by_account=self.account)
        page = self.client.get("/my/report/pickup/")
        self.assertEqual(self.names(page), ["函館アリーナ", "谷地頭町会館"])
        self.assertContains(
            page,
            '<input type="radio" name="mobility" value="wheelchair" id="id_mobility_1" '
            "required checked>",
            html=True,
        )

    def test_walking_with_help_keeps_the_nearest_first(self):
        page = self.client.get("/my/report/pickup/?mobility=walks_with_help")
        self.assertEqual(self.names(page), ["谷地頭町会館", "函館アリーナ"])
        self.assertContains(page, 'id="barrier-free-first" role="status" hidden')


class NoShelterTakesPeopleInTestCase(ReportClientMixin, TestCase):
    def test_it_says_so_and_offers_the_other_shelters(self):
        self.sign_in_with_family()
        ShelterFactory(name="青柳小学校", status=Shelter.Status.FULL)
        self.send()
        page = self.client.get("/my/report/pickup/")
        self.assertContains(page, "いま受け入れ中の指定避難所が見つかりません。")
        self.assertContains(page, 'href="?all=1"')
        self.assertContains(self.client.get("/my/report/pickup/?all=1"), "青柳小学校（指定避難所")
