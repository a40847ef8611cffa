"""The out-of-shelter report, one question per screen: each answer is saved at once
and leads to the next question, ending with a summary to send."""

from django.test import TestCase

from evacuation.models import OffShelterReport
from evacuation.tests.report_steps import IN_CITY, ReportClientMixin


class ReportStepsTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()

    def test_it_starts_at_the_first_question(self):
        response = self.client.get("/my/report/")
        self.assertRedirects(response, "/my/report/place/")
        page = self.client.get("/my/report/place/")
        self.assertContains(page, "いま、どこで過ごしていますか")
        self.assertContains(page, "ステップ 1 / 7")
        self.assertContains(page, "車中")
        self.assertFalse(OffShelterReport.objects.exists())  # nothing saved by looking

    def test_it_saves_each_answer_and_moves_on(self):
        steps = [
            ("place", {"place": "relatives"}, "location"),
            ("location", {**IN_CITY, "location_source": "gps", "accuracy_m": "12.4"}, "people"),
            ("people", {"people": [self.me.pk, self.child.pk], "others_count": "2"}, "needs"),
            ("needs", {"needs": ["food", "other"], "needs_other": "おむつ"}, "care"),
            ("care", {"care": ["elderly", "infant"]}, "note"),
            ("note", {"note": "玄関は裏です。"}, "confirm"),
        ]
        for step, data, following in steps:
            with self.subTest(step=step):
                self.assertRedirects(
                    self.post_step(step, data), f"/my/report/{following}/", target_status_code=200
                )
        report = self.report()
        self.assertEqual(report.status, OffShelterReport.Status.DRAFT)
        self.assertEqual(report.place, "relatives")
        self.assertEqual((report.latitude, report.longitude), (41.7535, 140.716))
        self.assertEqual((report.location_source, report.accuracy_m), ("gps", 12))
        self.assertEqual(set(report.people.all()), {self.me, self.child})
        self.assertEqual(report.others_count, 2)
        self.assertEqual((report.needs, report.needs_other), (["food", "other"], "おむつ"))
        self.assertEqual(report.care, ["elderly", "infant"])
        self.assertEqual(report.note, "玄関は裏です。")

    def test_it_asks_for_a_place_only_for_その他(self):
        self.post_step("place", {"place": "home", "place_note": "気にしないで"})
        self.assertEqual(self.report().place_note, "")

    def test_an_address_alone_is_enough(self):
        self.post_step("place", {"place": "car"})
        response = self.post_step("location", {"address_text": "青柳町の市民会館駐車場"})
        self.assertRedirects(response, "/my/report/people/")
        report = self.report()
        self.assertIsNone(report.latitude)
        self.assertEqual(report.location_source, "address")

    def test_a_tap_on_the_map_keeps_no_accuracy(self):
        self.post_step("place", {"place": "car"})
        self.post_step("location", {**IN_CITY, "location_source": "map", "accuracy_m": "30"})
        report = self.report()
        self.assertEqual((report.location_source, report.accuracy_m), ("map", None))

    def test_the_location_page_carries_the_map_and_the_gps_button(self):
        self.post_step("place", {"place": "car"})
        page = self.client.get("/my/report/location/")
        self.assertContains(page, "現在地を使う")
        self.assertContains(page, 'id="map-config"')
        self.assertContains(page, "js/point-picker.js")
        self.assertNotContains(page, "市外の地点で間違いありません")

    def test_care_is_ticked_from_the_people_present(self):
        self.post_step("place", {"place": "home"})
        self.post_step("location", IN_CITY)
        self.post_step("people", {"people": [self.child.pk], "others_count": "0"})
        self.post_step("needs", {})
        page = self.client.get("/my/report/care/")
        self.assertContains(page, 'value="infant" id="id_care_2" checked', html=False)
        self.assertNotContains(page, 'value="elderly" id="id_care_0" checked', html=False)

    def test_the_account_holder_is_ticked_at_first(self):
        self.post_step("place", {"place": "home"})
        self.post_step("location", IN_CITY)
        page = self.client.get("/my/report/people/")
        self.assertContains(page, f'value="{self.me.pk}" id="id_people_0" checked', html=False)
        self.assertContains(page, "在宅 ミナ")

    def test_the_summary_shows_every_answer_with_a_change_link(self):
        self.answer_all()
        page = self.client.get("/my/report/confirm/")
        for text in ("自宅", "地図で選んだ場所", "在宅 ヨシ", "ほかに 1 人", "飲料水", "医薬品"):
            self.assertContains(page, text)
        self.assertContains(page, "2階にいます。")
        self.assertContains(page, "/my/report/needs/?edit=1")
        self.assertContains(
            page, "入力した内容を、市と近所の支援者（ボランティア）に共有することに同意します"
        )

    def test_it_sends_the_report_with_consent(self):
        self.answer_all()
        page = self.client.post("/my/report/confirm/", {"share": "on"}, follow=True)
        self.assertRedirects(page, "/my/report/")
        self.assertEqual(self.report().status, OffShelterReport.Status.ACTIVE)
        self.assertContains(page, "送信しました")
        self.assertContains(page, "お知らせした内容")
        self.assertContains(page, "迎えを頼む（移動できない）")
        self.assertContains(page, "避難所に着いた")
        self.assertContains(page, "無事に帰宅した")
