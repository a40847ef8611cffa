"""Double submits are harmless: a second tap on "send" (or the back button and send
again) finds the same report and the same pickup."""

from django.test import TestCase

from evacuation.models import OffShelterReport, PickupRequest
from evacuation.tests.report_steps import ReportClientMixin
from shelters.tests.factories import ShelterFactory


class DoubleSubmitTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()

    def test_the_first_answer_twice_makes_one_draft(self):
        self.post_step("place", {"place": "home"})
        self.post_step("place", {"place": "car"})
        self.assertEqual(OffShelterReport.objects.count(), 1)
        self.assertEqual(self.report().place, "car")

    def test_sending_twice_sends_one_report(self):
        self.send()
        response = self.post_step("confirm", {"share": "on"})
        self.assertRedirects(response, "/my/report/")
        self.assertEqual(OffShelterReport.objects.count(), 1)
        self.assertEqual(self.report().status, OffShelterReport.Status.ACTIVE)

    def test_asking_for_a_pickup_twice_makes_one_pickup(self):
        shelter = ShelterFactory(latitude=41.7541, longitude=140.7152)
        self.send()
        data = {
            "people_count": "2",
            "mobility": "wheelchair",
            "urgency": "now",
            "destination": str(shelter.pk),
        }
        first = self.client.post("/my/report/pickup/", data)
        second = self.client.post("/my/report/pickup/", data)
        self.assertRedirects(first, "/my/report/")
        self.assertRedirects(second, "/my/report/")
        self.assertEqual(PickupRequest.objects.count(), 1)
