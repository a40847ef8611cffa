"""What a household told in its out-of-shelter report and its pickup request (care,
needs a shelter must know of, 車いす, their notes) reaches the shelter it arrives at:
reception sees it at the scan, the roster lists it, the board counts it."""

import csv
import io

from areas.services import responder_upsert
from evacuation.models import OffShelterReport
from evacuation.services import (
    pickup_arrived,
    pickup_claim,
    pickup_picked_up,
    report_end,
    report_update,
)
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.models import Stay
from shelters.tests.factories import ShelterFactory
from shelters.tokens import personal_token


class CareReachesTheShelterTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館", capacity=100)
        self.clerk = responder_upsert(
            username="reception-aoyagi", password=PASSWORD, role=Role.RECEPTION, areas=[]
        )
        self.shelter.reception.add(self.clerk)
        report = family_report(self.area_a, needs=("medical", "water"))
        self.report = report_update(
            report=report, care=["elderly", "infant"], note="2階にいます。呼び鈴が鳴りません。"
        )
        self.person = self.report.people.get()
        self.pickup = request_pickup(
            self.report, self.shelter, note="車いすは自分のものがあります。"
        )

    def arrive_by_pickup(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        pickup_picked_up(pickup=self.pickup, user=self.volunteer_a)
        pickup_arrived(pickup=self.pickup, user=self.volunteer_a)

    def scan(self):
        self.client.force_login(self.clerk)
        response = self.client.post(
            f"/api/shelters/{self.shelter.pk}/reception/lookup",
            {"code": personal_token(self.person)},
            content_type="application/json",
        )
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["people"][0]

    def test_reception_sees_it_at_the_scan_before_the_check_in(self):
        told = self.scan()["told"]
        self.assertEqual(told["care"], ["高齢", "乳幼児", "医療・看護", "車いす"])
        self.assertEqual(
            told["notes"],
            [
                {"label": "本人からのメモ", "text": "2階にいます。呼び鈴が鳴りません。"},
                {"label": "依頼のメモ", "text": "車いすは自分のものがあります。"},
            ],
        )

    def test_reception_still_sees_it_once_the_pickup_has_arrived(self):
        self.arrive_by_pickup()
        person = self.scan()
        self.assertEqual(person["stay"]["where"], "here")
        self.assertIn("車いす", person["told"]["care"])

    def test_an_action_answer_leaves_it_to_the_lookup(self):
        self.client.force_login(self.clerk)
        response = self.client.post(
            f"/api/shelters/{self.shelter.pk}/reception/check-in",
            {"handle": self.scan()["handle"]},
            content_type="application/json",
        )
        self.assertEqual(response.json()["result"], "checked_in")
        self.assertNotIn("told", response.json()["person"])

    def test_the_roster_lists_it_after_the_arrival(self):
        self.arrive_by_pickup()
        self.client.force_login(self.staff)
        page = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster/")
        self.assertContains(page, "在宅 ヨシ")
        for text in (
            "乳幼児",
            "医療・看護",
            "車いす",
            "2階にいます。",
            "車いすは自分のものがあります。",
        ):
            self.assertContains(page, text)

        response = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster.csv")
        header, row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        self.assertEqual(header[-1], "メモ（避難所外避難・送迎）")
        self.assertIn("車いす", row[-2])
        self.assertIn("本人からのメモ：2階にいます。", row[-1])

    def test_the_board_counts_it(self):
        self.arrive_by_pickup()
        self.client.force_login(self.volunteer_a)
        (row,) = self.client.get("/api/shelters/board").json()["shelters"]
        self.assertEqual(row["care"], {"elderly": 1, "infant": 1, "medical": 1, "wheelchair": 1})
        page = self.client.get("/dashboard/shelters/")
        self.assertContains(page, "車いす 1")

    def test_someone_who_checks_in_by_qr_keeps_it_though_they_left_the_report(self):
        self.client.force_login(self.clerk)
        with self.captureOnCommitCallbacks(execute=True):  # the arrival's follow-up
            self.client.post(
                f"/api/shelters/{self.shelter.pk}/reception/check-in",
                {"code": personal_token(self.person)},
                content_type="application/json",
            )
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, OffShelterReport.Status.ENDED)
        self.assertFalse(self.report.people.exists())  # the check-in took them out
        self.client.force_login(self.staff)
        page = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster/")
        self.assertContains(page, "2階にいます。")

    def test_a_report_that_ended_before_the_arrival_is_not_told(self):
        report_end(report=self.report, reason=OffShelterReport.EndReason.RETURNED_HOME)
        self.assertEqual(self.scan()["told"], {"care": [], "notes": []})
        self.client.force_login(self.clerk)
        self.client.post(
            f"/api/shelters/{self.shelter.pk}/reception/check-in",
            {"code": personal_token(self.person)},
            content_type="application/json",
        )
        self.assertTrue(Stay.objects.filter(resident=self.person).exists())
        self.client.force_login(self.staff)
        page = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster/")
        self.assertNotContains(page, "2階にいます。")

    def test_a_dismissed_report_is_not_told(self):
        report_end(report=self.report, reason=OffShelterReport.EndReason.DISMISSED)
        self.assertEqual(self.scan()["told"], {"care": [], "notes": []})
