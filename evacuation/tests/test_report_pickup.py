"""Someone who cannot move asks to be taken to a shelter: the nearest open shelter is
offered first, and the status page says in plain words where the pickup stands."""

from django.test import TestCase

from evacuation.models import PickupEvent, PickupRequest
from evacuation.services import pickup_claim, pickup_picked_up, pickup_unable
from evacuation.tests.report_steps import ReportClientMixin
from hakobou.testing.cast import make_cast
from shelters.models import Shelter
from shelters.tests.factories import ShelterFactory


class PickupRequestTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()
        # The report's point is 谷地頭町 (41.7535, 140.716).
        self.far = ShelterFactory(name="函館アリーナ", latitude=41.7790, longitude=140.7550)
        self.near = ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152)
        self.closed = ShelterFactory(
            name="閉鎖中の学校", latitude=41.7536, longitude=140.7161, status=Shelter.Status.CLOSED
        )
        self.send()

    def ask(self, **overrides):
        data = {
            "people_count": "2",
            "mobility": "walks_with_help",
            "urgency": "today",
            "destination": str(self.near.pk),
            "note": "玄関に段差があります。",
        }
        data.update(overrides)
        return self.client.post("/my/report/pickup/", data)

    def test_it_offers_open_shelters_nearest_first_and_preselects_the_nearest(self):
        page = self.client.get("/my/report/pickup/")
        text = page.content.decode()
        self.assertLess(text.index("谷地頭町会館"), text.index("函館アリーナ"))
        self.assertNotIn("閉鎖中の学校", text)
        self.assertContains(
            page,
            f'<input type="radio" name="destination" value="{self.near.pk}" '
            f'id="id_destination_0" required checked>',
            html=True,
        )
        self.assertContains(page, "谷地頭町会館（指定避難所・約 0.1 km・空きあり）")
        self.assertContains(page, "函館アリーナ（指定避難所・約 4.3 km・空きあり）")
        # Everyone in the report (在宅 ヨシ + 1 other) by default.
        self.assertContains(page, 'name="people_count" value="2"', html=False)

    def test_it_asks_for_a_pickup(self):
        response = self.ask()
        self.assertRedirects(response, "/my/report/")
        pickup = PickupRequest.objects.get()
        self.assertEqual(pickup.report, self.report())
        self.assertEqual(
            (pickup.people_count, pickup.mobility, pickup.urgency, pickup.destination),
            (2, "walks_with_help", "today", self.near),
        )
        self.assertEqual(pickup.note, "玄関に段差があります。")
        event = PickupEvent.objects.get(pickup=pickup)
        self.assertEqual(event.by_account, self.account)
        self.assertIn("transport", self.report().needs)

    def test_the_status_page_shows_the_pickup_and_no_second_request(self):
        self.ask()
        page = self.client.get("/my/report/")
        self.assertContains(page, "依頼中")
        self.assertContains(page, "谷地頭町会館")
        self.assertContains(page, "介助があれば歩ける")
        self.assertContains(page, "送迎の依頼を取り消す")
        self.assertNotContains(page, "迎えを頼む（移動できない）")
        self.assertRedirects(
            self.client.get("/my/report/pickup/"), "/my/report/", fetch_redirect_response=False
        )

    def test_each_state_reads_in_plain_words(self):
        staff = make_cast().staff
        self.ask()
        pickup = PickupRequest.objects.get()
        pickup_claim(pickup=pickup, user=staff)
        page = self.client.get("/my/report/")
        self.assertContains(page, "担当者が決まりました")
        self.assertContains(page, "送迎の依頼を取り消す")

        pickup_picked_up(pickup=pickup, user=staff)
        page = self.client.get("/my/report/")
        self.assertContains(page, "お迎え済み")
        self.assertNotContains(page, "送迎の依頼を取り消す")

        pickup_unable(pickup=pickup, user=staff, reason="道路が冠水しています")
        page = self.client.get("/my/report/")
        self.assertContains(page, "対応できず")
        self.assertContains(page, "道路が冠水しています")
        self.assertContains(page, "迎えを頼む（移動できない）")  # may ask again

    def test_bad_answers_are_answered_politely(self):
        response = self.ask(people_count="0", mobility="", urgency="yesterday", destination="")
        self.assertContains(response, "人数は 1 から 20 で入力してください。")
        self.assertContains(response, "移動の状態を選んでください。")
        self.assertContains(response, "急ぎ具合の選択が正しくありません。")
        self.assertContains(response, "行き先の避難所を選んでください。")
        self.assertFalse(PickupRequest.objects.exists())

    def test_a_closed_shelter_cannot_be_the_destination(self):
        response = self.ask(destination=str(self.closed.pk))
        self.assertContains(response, "その避難所はいま選べません")
        self.assertFalse(PickupRequest.objects.exists())

    def test_a_draft_cannot_ask_for_a_pickup_yet(self):
        from evacuation.services import report_end

        report_end(report=self.report(), reason="returned_home")
        self.post_step("place", {"place": "car"})
        response = self.client.get("/my/report/pickup/")
        self.assertRedirects(response, "/my/report/", fetch_redirect_response=False)
        self.assertFalse(PickupRequest.objects.exists())


class PickupWithoutShelterTestCase(ReportClientMixin, TestCase):
    def test_it_says_so_when_no_shelter_is_open(self):
        self.sign_in_with_family()
        self.send()
        page = self.client.get("/my/report/pickup/")
        self.assertContains(page, "いま開設中の避難所がないため、送迎を頼めません。")
        self.assertNotContains(page, '<form method="post" novalidate>', html=False)
