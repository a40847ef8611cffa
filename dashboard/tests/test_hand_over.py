"""Handing a claimed pickup over: only to another volunteer who covers the area."""

from areas.services import responder_upsert
from dashboard.tests.seed import make_pickup, make_report
from evacuation.models import PickupEvent
from evacuation.services import pickup_claim
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.tests.factories import ShelterFactory


class HandOverTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.other_a = responder_upsert(
            username="volunteer-a2",
            password=PASSWORD,
            role=Role.VOLUNTEER,
            areas=[cls.area_a, cls.area_b],
            full_name="甲田 次郎",
        )
        cls.reception_a = responder_upsert(
            username="reception-a", password=PASSWORD, role=Role.RECEPTION, areas=[cls.area_a]
        )
        cls.retired_a = responder_upsert(
            username="retired-a", password=PASSWORD, role=Role.VOLUNTEER, areas=[cls.area_a]
        )
        cls.retired_a.is_active = False
        cls.retired_a.save()
        cls.pickup = make_pickup(make_report(cls.area_a), ShelterFactory())
        pickup_claim(pickup=cls.pickup, user=cls.volunteer_a)

    def hand_over(self, to_user):
        return self.client.post(
            f"/api/pickups/{self.pickup.pk}/hand-over",
            {"to_user": to_user.pk},
            content_type="application/json",
        )

    def test_the_candidates_are_the_areas_other_active_volunteers(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get(f"/api/pickups/{self.pickup.pk}/handover-candidates")
        self.assertEqual(
            response.json(), {"candidates": [{"id": self.other_a.pk, "name": "甲田 次郎"}]}
        )

    def test_the_holder_hands_over_to_a_volunteer_of_the_area(self):
        self.client.force_login(self.volunteer_a)
        response = self.hand_over(self.other_a)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["message"], "甲田 次郎さんに引き継ぎました。")
        self.assertEqual(response.json()["pickup"]["holder"], "甲田 次郎")
        self.assertFalse(response.json()["pickup"]["mine"])
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.claimed_by, self.other_a)
        event = self.pickup.events.get(kind=PickupEvent.Kind.HANDED_OVER)
        self.assertEqual((event.by_user, event.to_user), (self.volunteer_a, self.other_a))

    def test_a_hand_over_outside_the_area_is_refused(self):
        self.client.force_login(self.volunteer_a)
        for outsider in (self.volunteer_b, self.reception_a, self.retired_a, self.staff):
            with self.subTest(outsider=outsider.username):
                response = self.hand_over(outsider)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["code"], "handover_target")
                self.assertIn("この地区を担当しているボランティア", response.json()["message"])
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.claimed_by, self.volunteer_a)
        self.assertFalse(self.pickup.events.filter(kind=PickupEvent.Kind.HANDED_OVER).exists())

    def test_someone_who_does_not_hold_the_claim_cannot_hand_it_over(self):
        self.client.force_login(self.other_a)
        response = self.hand_over(self.other_a)
        self.assertEqual(response.status_code, 400)  # not to oneself
        third = responder_upsert(
            username="volunteer-a3", password=PASSWORD, role=Role.VOLUNTEER, areas=[self.area_a]
        )
        response = self.hand_over(third)
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "state")
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.claimed_by, self.volunteer_a)

    def test_a_missing_target_is_asked_for(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.post(
            f"/api/pickups/{self.pickup.pk}/hand-over", {}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["message"], "引き継ぐ相手を選んでください。")
