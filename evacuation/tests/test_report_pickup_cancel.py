"""The resident may cancel a pickup until they have been picked up."""

from django.test import TestCase

from evacuation.models import PickupRequest
from evacuation.services import pickup_claim, pickup_picked_up
from evacuation.tests.evacuation_helpers import request_pickup
from evacuation.tests.report_steps import ReportClientMixin
from hakobou.testing.cast import make_cast
from shelters.tests.factories import ShelterFactory


class PickupCancelTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.sign_in_with_family()
        self.send()
        self.pickup = request_pickup(self.report(), ShelterFactory(name="谷地頭町会館"))
        self.url = f"/my/report/pickup/{self.pickup.pk}/cancel/"

    def test_it_cancels_a_waiting_pickup(self):
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "送迎の依頼を取り消しました。")
        self.assertContains(response, "取り消し")
        self.assertContains(response, "迎えを頼む（移動できない）")
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, PickupRequest.Status.CANCELLED)

    def test_cancelling_twice_is_harmless(self):
        self.client.post(self.url)
        response = self.client.post(self.url)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.pickup.events.filter(kind="cancelled").count(), 1)

    def test_a_claimed_pickup_can_still_be_cancelled(self):
        pickup_claim(pickup=self.pickup, user=make_cast().staff)
        self.client.post(self.url)
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, PickupRequest.Status.CANCELLED)

    def test_a_pickup_under_way_cannot_be_cancelled(self):
        staff = make_cast().staff
        pickup_claim(pickup=self.pickup, user=staff)
        pickup_picked_up(pickup=self.pickup, user=staff)
        response = self.client.post(self.url, follow=True)
        self.assertContains(response, "すでにお迎えに向かっているため、取り消せませんでした。")
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, PickupRequest.Status.PICKED_UP)

    def test_it_cannot_be_cancelled_with_a_get(self):
        self.assertEqual(self.client.get(self.url).status_code, 405)
