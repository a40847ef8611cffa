"""Wrong or missing answers in the out-of-shelter report are answered with one polite
sentence that says what to do, and nothing wrong is saved."""

from django.test import TestCase

from evacuation.models import OffShelterReport
from evacuation.tests.report_steps import IN_CITY, OUTSIDE_CITY, ReportClientMixin


class ReportValidationTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()
        self.post_step("place", {"place": "home"})

    def test_it_needs_a_place(self):
        response = self.post_step("place", {})
        self.assertContains(response, "いる場所を選んでください。")

    def test_it_needs_the_place_when_その他_is_chosen(self):
        response = self.post_step("place", {"place": "other", "place_note": " "})
        self.assertContains(response, "「その他」を選んだときは、場所を入力してください。")
        self.assertEqual(self.report().place, "home")

    def test_it_refuses_coordinates_out_of_range(self):
        for point in (
            {"latitude": "91", "longitude": "140.7"},
            {"latitude": "41.7", "longitude": "-181"},
            {"latitude": "nan", "longitude": "140.7"},
            {"latitude": "41.7", "longitude": ""},
            {"latitude": "abc", "longitude": "140.7"},
        ):
            with self.subTest(point=point):
                response = self.post_step("location", {**point, "address_text": "谷地頭町"})
                self.assertContains(response, "地点の情報が正しくありません。")
        report = self.report()
        self.assertIsNone(report.latitude)
        self.assertEqual(report.address_text, "")

    def test_it_needs_a_point_or_an_address(self):
        response = self.post_step("location", {"address_text": "  "})
        self.assertContains(
            response, "「現在地を使う」か地図で場所を選ぶか、住所・目印を入力してください。"
        )

    def test_it_questions_a_point_outside_the_city_then_accepts_it_when_confirmed(self):
        response = self.post_step("location", {**OUTSIDE_CITY, "location_source": "map"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response, "この地点は市外のようです。間違いなければチェックしてください。"
        )
        self.assertContains(response, "市外の地点で間違いありません")
        self.assertContains(response, 'value="43.0621"')  # the point is kept on the page
        self.assertIsNone(self.report().latitude)

        response = self.post_step(
            "location", {**OUTSIDE_CITY, "location_source": "map", "confirm_outside": "on"}
        )
        self.assertRedirects(response, "/my/report/people/")
        self.assertEqual(self.report().latitude, 43.0621)

    def test_a_point_in_the_city_is_not_questioned(self):
        response = self.post_step("location", IN_CITY)
        self.assertRedirects(response, "/my/report/people/")

    def test_it_needs_at_least_one_person(self):
        self.post_step("location", IN_CITY)
        response = self.post_step("people", {"others_count": "0"})
        self.assertContains(
            response, "一緒にいる方を一人以上選ぶか、そのほかの人数を入力してください。"
        )
        self.assertFalse(self.report().people.exists())

    def test_others_alone_are_enough(self):
        self.post_step("location", IN_CITY)
        response = self.post_step("people", {"others_count": "3"})
        self.assertRedirects(response, "/my/report/needs/")

    def test_it_refuses_too_many_others_and_people_of_another_account(self):
        self.post_step("location", IN_CITY)
        stranger = self.register(
            "他人", "self", account=type(self.account).objects.create(line_user_id="U" + "d" * 32)
        )
        response = self.post_step("people", {"others_count": "51"})
        self.assertContains(response, "人数は 0 から 50 で入力してください。")
        response = self.post_step("people", {"people": [stranger.pk]})
        self.assertContains(response, "選べない方が含まれています。")
        self.assertFalse(self.report().people.exists())

    def test_it_refuses_an_unknown_need(self):
        response = self.post_step("needs", {"needs": ["food", "unicorns"]})
        self.assertContains(response, "支援ニーズの選択が正しくありません。")
        self.assertEqual(self.report().needs, [])

    def test_it_needs_the_need_when_その他_is_chosen(self):
        response = self.post_step("needs", {"needs": ["other"]})
        self.assertContains(response, "「その他」を選んだときは、必要なことを入力してください。")
        self.assertEqual(self.report().needs, [])

    def test_it_refuses_an_unknown_care_consideration(self):
        response = self.post_step("care", {"care": ["wings"]})
        self.assertContains(response, "配慮事項の選択が正しくありません。")

    def test_it_limits_the_note(self):
        response = self.post_step("note", {"note": "あ" * 1001})
        self.assertContains(response, "1000 文字以内で入力してください。")

    def test_it_sends_nothing_without_consent(self):
        self.answer_all()
        response = self.post_step("confirm", {})
        self.assertContains(response, "送信するには、共有への同意のチェックをお願いします。")
        self.assertEqual(self.report().status, OffShelterReport.Status.DRAFT)

    def test_it_sends_an_incomplete_draft_back_to_the_missing_question(self):
        response = self.post_step("confirm", {"share": "on"})
        self.assertRedirects(response, "/my/report/location/")
        self.assertEqual(self.report().status, OffShelterReport.Status.DRAFT)
