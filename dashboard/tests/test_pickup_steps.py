"""A pickup from the dashboard, step by step: claim, picked up, arrived (the people are
then on the destination shelter's roster); release, could-not, notes; steps that do not
apply answer 409 with the current state and change nothing."""

from django.test import TestCase

from dashboard.tests.seed import make_pickup, make_report
from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from hakobou.testing.cast import BaseTestCase
from messaging.friends import line_friend_followed
from messaging.models import OutboxMessage
from shelters.models import Method, Shelter
from shelters.selectors import shelter_roster
from shelters.services import shelter_set_status
from shelters.tests.factories import ShelterFactory

Status = PickupRequest.Status


class PickupStepsTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館")
        self.report = make_report(self.area_a, name="在宅 ヨシ", others=1)
        self.pickup = make_pickup(self.report, self.shelter, people_count=2)
        self.client.force_login(self.volunteer_a)

    def step(self, name, data=None):
        return self.client.post(
            f"/api/pickups/{self.pickup.pk}/{name}", data or {}, content_type="application/json"
        )

    def test_it_walks_from_requested_to_arrived_and_checks_the_people_in(self):
        self.assertEqual(self.step("claim").json()["pickup"]["status"], Status.CLAIMED)
        picked = self.step("picked-up")
        self.assertEqual(picked.status_code, 200)
        self.assertEqual(
            picked.json()["message"], "お迎え済みにしました。青柳小学校 体育館 へ向かってください。"
        )
        self.assertEqual(picked.json()["pickup"]["actions"], ["arrived", "unable", "note"])
        self.assertIsNone(picked.json()["pickup"]["claim_expires_at"])
        with TestCase.captureOnCommitCallbacks(execute=True):
            arrived = self.step("arrived")
        self.assertEqual(arrived.status_code, 200, arrived.content)
        self.assertIn("受付を済ませました", arrived.json()["message"])
        self.assertEqual(arrived.json()["pickup"]["status"], Status.ARRIVED)
        self.assertFalse(arrived.json()["pickup"]["open"])

        (stay,) = shelter_roster(self.shelter)
        self.assertEqual(stay.resident.display_name, "在宅 ヨシ")
        self.assertEqual((stay.method, stay.companions), (Method.PICKUP_ARRIVAL, 1))
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, OffShelterReport.Status.ENDED)
        self.assertEqual(
            list(self.pickup.events.values_list("kind", flat=True)),
            ["requested", "claimed", "picked_up", "arrived"],
        )
        # The report has left the volunteer's map and list.
        self.assertEqual(self.client.get("/api/evacuees").json()["results"], [])

    def test_a_step_out_of_order_answers_409_with_the_current_state(self):
        response = self.step("picked-up")
        self.assertEqual(response.status_code, 409)
        body = response.json()
        self.assertEqual((body["code"], body["status"]), ("state", Status.REQUESTED))
        self.assertEqual(
            body["message"], "この送迎依頼はいま「依頼中」のため、この操作はできません。"
        )
        self.assertEqual(self.step("arrived").status_code, 409)
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, Status.REQUESTED)
        self.assertFalse(shelter_roster(self.shelter).exists())

    def test_a_repeated_step_changes_nothing_the_second_time(self):
        self.step("claim")
        self.assertEqual(self.step("picked-up").status_code, 200)
        self.assertEqual(self.step("picked-up").status_code, 409)
        self.assertEqual(self.pickup.events.filter(kind=PickupEvent.Kind.PICKED_UP).count(), 1)

    def test_release_gives_the_pickup_back(self):
        self.step("claim")
        response = self.step("release")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["pickup"]["status"], Status.REQUESTED)
        self.assertIsNone(response.json()["pickup"]["holder"])
        self.assertIn("claim", response.json()["pickup"]["actions"])

    def test_could_not_do_it_needs_a_reason_and_keeps_it(self):
        self.step("claim")
        response = self.step("unable", {"reason": "  "})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["message"], "対応できなかった理由を入力してください。")
        response = self.step("unable", {"reason": "道路が冠水して近づけない"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["pickup"]["unable_reason"], "道路が冠水して近づけない")
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, Status.UNABLE)

    def test_notes_are_added_to_the_history(self):
        self.assertEqual(self.step("notes", {"note": ""}).status_code, 400)
        self.assertEqual(self.step("notes", {"note": "x" * 501}).status_code, 400)
        response = self.step("notes", {"note": "玄関の鍵は開いています"})
        self.assertEqual(response.status_code, 200)
        last = response.json()["pickup"]["history"][-1]
        self.assertEqual(
            (last["kind"], last["by"], last["note"]),
            ("note", "甲野 一郎", "玄関の鍵は開いています"),
        )

    def test_arriving_at_a_closed_shelter_is_refused_and_nothing_changes(self):
        self.step("claim")
        self.step("picked-up")
        shelter_set_status(shelter=self.shelter, status=Shelter.Status.CLOSED, user=self.staff)
        response = self.step("arrived")
        self.assertEqual(response.status_code, 409)
        self.assertEqual(response.json()["code"], "closed")
        self.assertIn("閉鎖中", response.json()["message"])
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, Status.PICKED_UP)
        self.assertFalse(shelter_roster(self.shelter).exists())

    def test_the_resident_hears_of_each_step_on_line(self):
        OutboxMessage.objects.all().delete()
        self.report.account.line_user_id = "U" + "d" * 32
        self.report.account.save()
        line_friend_followed(user_id=self.report.account.line_user_id)
        with TestCase.captureOnCommitCallbacks(execute=True):
            self.step("claim")
            self.step("picked-up")
        purposes = list(OutboxMessage.objects.order_by("pk").values_list("purpose", flat=True))
        self.assertEqual(purposes, ["pickup_claimed", "pickup_picked_up"])
