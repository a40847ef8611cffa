"""A report already sent stays editable: each answer's 変更 link opens its question,
and saving returns to the status page (volunteers see the change at once)."""

from django.test import TestCase

from evacuation.models import OffShelterReport
from evacuation.services import report_end
from evacuation.tests.report_steps import ReportClientMixin


class ReportEditTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()

    def test_editing_an_active_report_returns_to_its_status(self):
        self.send()
        page = self.client.get("/my/report/needs/")
        self.assertContains(page, "避難状況の変更")
        self.assertContains(page, "保存する")
        self.assertNotContains(page, "ステップ")

        response = self.post_step("needs", {"needs": ["medical"]}, follow=True)
        self.assertRedirects(response, "/my/report/")
        self.assertContains(response, "変更を保存しました。")
        self.assertContains(response, "医療・看護")
        report = self.report()
        self.assertEqual(report.status, OffShelterReport.Status.ACTIVE)
        self.assertEqual(report.needs, ["medical"])
        self.assertEqual(report.urgency, 3)

    def test_moving_the_point_of_an_active_report_is_saved(self):
        self.send()
        response = self.post_step(
            "location", {"latitude": "41.77", "longitude": "140.73", "location_source": "gps"}
        )
        self.assertRedirects(response, "/my/report/")
        self.assertEqual(self.report().latitude, 41.77)

    def test_the_status_page_links_every_answer_for_a_change(self):
        self.send()
        page = self.client.get("/my/report/")
        for step in ("place", "location", "people", "needs", "care", "note"):
            self.assertContains(page, f'href="/my/report/{step}/"')

    def test_a_change_from_the_summary_of_a_draft_returns_to_the_summary(self):
        self.answer_all()
        response = self.post_step("place", {"place": "car"}, query="?edit=1")
        self.assertRedirects(response, "/my/report/confirm/")
        self.assertEqual(self.report().place, "car")
        self.assertEqual(self.report().status, OffShelterReport.Status.DRAFT)

    def test_a_report_ended_meanwhile_is_not_changed(self):
        self.send()
        report_end(report=self.report(), reason=OffShelterReport.EndReason.REACHED_SHELTER)
        response = self.post_step("note", {"note": "遅れて書いたメモ"})
        self.assertRedirects(response, "/my/report/", fetch_redirect_response=False)
        self.assertEqual(self.report().note, "2階にいます。")
