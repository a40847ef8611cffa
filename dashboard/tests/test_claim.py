"""Claiming a pickup from the dashboard: one volunteer wins, the other hears who has it."""

import datetime

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from areas.services import responder_upsert
from dashboard.tests.seed import make_pickup, make_report
from evacuation.models import PickupRequest
from evacuation.services import pickup_claim, pickup_picked_up
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.tests.factories import ShelterFactory


class ClaimTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_a = responder_upsert(
            username="volunteer-a2",
            password=PASSWORD,
            role=Role.VOLUNTEER,
            areas=[cls.area_a],
            full_name="甲田 次郎",
        )
        cls.pickup = make_pickup(make_report(cls.area_a), ShelterFactory())

    def claim(self, user):
        self.client.force_login(user)
        return self.client.post(f"/api/pickups/{self.pickup.pk}/claim")

    def test_a_volunteer_claims_a_pickup_in_their_area(self):
        response = self.claim(self.volunteer_a)
        self.assertEqual(response.status_code, 200)
        body = response.json()
        self.assertIn("担当になりました", body["message"])
        self.assertEqual(body["pickup"]["status"], "claimed")
        self.assertTrue(body["pickup"]["mine"])
        expires = parse_datetime(body["pickup"]["claim_expires_at"])
        self.assertAlmostEqual(
            (expires - parse_datetime(body["server_time"])).total_seconds(), 30 * 60, delta=5
        )
        self.assertIn("picked_up", body["pickup"]["actions"])
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.claimed_by, self.volunteer_a)

    def test_the_second_volunteer_hears_who_has_it(self):
        self.claim(self.volunteer_a)
        response = self.claim(self.other_a)
        self.assertEqual(response.status_code, 409)
        body = response.json()
        self.assertEqual(body["code"], "claimed")
        self.assertEqual(body["holder"], "甲野 一郎")
        self.assertEqual(body["message"], "すでに甲野 一郎さんが担当しています。")
        self.assertFalse(body["pickup"]["mine"])
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.claimed_by, self.volunteer_a)

    def test_claiming_ones_own_claim_again_renews_it(self):
        first = self.claim(self.volunteer_a).json()["pickup"]["claim_expires_at"]
        second = self.claim(self.volunteer_a)
        self.assertEqual(second.status_code, 200)
        self.assertGreaterEqual(second.json()["pickup"]["claim_expires_at"], first)

    def test_a_claim_whose_time_ran_out_can_be_taken(self):
        pickup_claim(
            pickup=self.pickup,
            user=self.volunteer_a,
            now=timezone.now() - datetime.timedelta(hours=1),
        )
        response = self.claim(self.other_a)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["pickup"]["holder"], "甲田 次郎")

    def test_a_pickup_already_on_its_way_cannot_be_claimed(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        pickup_picked_up(pickup=self.pickup, user=self.volunteer_a)
        response = self.claim(self.other_a)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "state")
        self.assertEqual(response.json()["status"], PickupRequest.Status.PICKED_UP)
        self.assertIn("お迎え済み", response.json()["message"])

    def test_a_volunteer_of_another_area_cannot_claim(self):
        self.assertEqual(self.claim(self.volunteer_b).status_code, 404)
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, PickupRequest.Status.REQUESTED)
