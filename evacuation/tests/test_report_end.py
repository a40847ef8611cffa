"""The resident ends their report when they reach a shelter or get home safely; it
leaves the volunteers' map, and a pickup still waiting is cancelled with it."""

from django.test import TestCase

from evacuation.models import OffShelterReport, PickupRequest
from evacuation.tests.evacuation_helpers import request_pickup
from evacuation.tests.report_steps import ReportClientMixin
from shelters.tests.factories import ShelterFactory


class ReportEndTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()
        self.send()
        self.report_ = self.report()
        self.url = f"/my/report/{self.report_.pk}/end/"

    def test_it_ends_when_the_resident_got_home(self):
        response = self.client.post(self.url, {"reason": "returned_home"}, follow=True)
        self.assertRedirects(response, f"/my/report/{self.report_.pk}/")
        self.assertContains(response, "お知らせいただき、ありがとうございました。")
        self.assertContains(response, "この避難状況は終了しました")
        self.assertContains(response, "無事に帰宅")
        self.assertNotContains(response, "迎えを頼む（移動できない）")
        self.assertNotContains(response, 'href="/my/report/place/"')  # no more changes
        report = self.report()
        self.assertEqual(report.status, OffShelterReport.Status.ENDED)
        self.assertEqual(report.end_reason, OffShelterReport.EndReason.RETURNED_HOME)

    def test_ending_twice_is_harmless(self):
        self.client.post(self.url, {"reason": "reached_shelter"})
        ended_at = self.report().ended_at
        response = self.client.post(self.url, {"reason": "returned_home"})
        self.assertRedirects(response, f"/my/report/{self.report_.pk}/")
        report = self.report()
        self.assertEqual(report.end_reason, OffShelterReport.EndReason.REACHED_SHELTER)
        self.assertEqual(report.ended_at, ended_at)

    def test_a_waiting_pickup_is_cancelled_with_it(self):
        pickup = request_pickup(self.report_, ShelterFactory())
        self.client.post(self.url, {"reason": "reached_shelter"})
        pickup.refresh_from_db()
        self.assertEqual(pickup.status, PickupRequest.Status.CANCELLED)

    def test_an_unknown_reason_changes_nothing(self):
        response = self.client.post(self.url, {"reason": "abducted"}, follow=True)
        self.assertContains(response, "もう一度、ボタンを押してください。")
        self.assertEqual(self.report().status, OffShelterReport.Status.ACTIVE)

    def test_a_new_report_can_be_started_afterwards(self):
        self.client.post(self.url, {"reason": "returned_home"})
        self.assertRedirects(
            self.client.get("/my/report/"), "/my/report/place/", fetch_redirect_response=False
        )
        self.post_step("place", {"place": "car"})
        self.assertEqual(OffShelterReport.objects.filter(account=self.account).count(), 2)
