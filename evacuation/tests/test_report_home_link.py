"""The resident's page (/my/) leads to the report: to start one, or to see it."""

from django.test import TestCase

from evacuation.tests.report_steps import ReportClientMixin


class HomeLinkTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()

    def test_it_offers_to_report_being_outside_a_shelter(self):
        page = self.client.get("/my/")
        self.assertContains(page, "避難所以外にいることを知らせる")
        self.assertContains(page, 'href="/my/report/"')

    def test_a_draft_is_offered_to_continue(self):
        self.post_step("place", {"place": "home"})
        self.assertContains(self.client.get("/my/"), "避難所以外にいることを知らせる（続きから）")

    def test_an_active_report_is_shown_as_my_status(self):
        self.send()
        page = self.client.get("/my/")
        self.assertContains(page, "わたしの避難状況")
        self.assertNotContains(page, "避難所以外にいることを知らせる")
