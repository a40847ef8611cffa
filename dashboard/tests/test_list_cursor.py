"""The list beside the map: most urgent first, no names, and with the cursor of the
previous answer only what changed since, including rows to drop."""

import datetime
from unittest import mock

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from dashboard.api import evacuees
from dashboard.tests.seed import make_pickup, make_report
from evacuation.models import OffShelterReport, PickupRequest
from evacuation.services import pickup_claim, report_end, report_update
from hakobou.testing.cast import BaseTestCase
from shelters.tests.factories import ShelterFactory


def push_back(*reports, minutes=60):
    """As if these were last touched a while ago (the clock is not the subject here)."""
    earlier = timezone.now() - datetime.timedelta(minutes=minutes)
    ids = [report.pk for report in reports]
    OffShelterReport.objects.filter(pk__in=ids).update(updated_at=earlier)
    PickupRequest.objects.filter(report__in=ids).update(updated_at=earlier)


class EvacueeListTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shelter = ShelterFactory()
        cls.water = make_report(cls.area_a, name="水野 一", needs=("water",), others=2)
        cls.medical = make_report(cls.area_a, name="医田 二", needs=("medical",), care=("infant",))
        cls.info = make_report(cls.area_a, name="情報 三", needs=("information",))
        cls.pickup = make_pickup(cls.water, cls.shelter)
        cls.in_b = make_report(cls.area_b, name="乙 住民", needs=("medical",))
        push_back(cls.water, cls.medical, cls.info, cls.in_b)

    def setUp(self):
        self.client.force_login(self.volunteer_a)

    def get(self, since=None, **params):
        if since:
            params["since"] = since
        response = self.client.get("/api/evacuees", params)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()

    def test_it_lists_the_most_urgent_first_without_names(self):
        response = self.client.get("/api/evacuees")
        body = response.json()
        self.assertTrue(body["full"])
        self.assertEqual(body["total"], 3)
        # Water + a pickup request adds "transport" (orange) above water alone.
        self.assertEqual(
            [row["id"] for row in body["results"]], [self.medical.pk, self.water.pk, self.info.pk]
        )
        water = body["results"][1]
        self.assertEqual(water["place_label"], "自宅")
        self.assertEqual(water["area"], "テスト甲町会")
        self.assertEqual(water["need_labels"], ["飲料水", "移動支援（迎え）"])
        self.assertEqual(water["people"], 3)
        self.assertEqual(water["pickup"]["status"], "requested")
        self.assertEqual(water["pickup"]["status_label"], "依頼中")
        self.assertEqual(body["results"][0]["care_labels"], ["乳幼児"])
        text = response.content.decode()
        for private in ("水野", "医田", "情報 三", "0138", "1940", "青い屋根"):
            self.assertNotIn(private, text)

    def test_with_the_cursor_it_sends_only_what_changed(self):
        cursor = self.get()["cursor"]
        self.assertEqual(self.get(cursor)["results"], [])
        report_update(report=self.info, needs=["information", "food"])
        body = self.get(cursor)
        self.assertFalse(body["full"])
        self.assertEqual([row["id"] for row in body["results"]], [self.info.pk])
        self.assertEqual(body["results"][0]["urgency"], 1)

    def test_a_change_to_the_pickup_alone_counts_as_a_change(self):
        cursor = self.get()["cursor"]
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        (row,) = self.get(cursor)["results"]
        self.assertEqual((row["id"], row["pickup"]["status"]), (self.water.pk, "claimed"))
        self.assertTrue(row["pickup"]["mine"])

    def test_ended_reports_come_back_as_removed(self):
        cursor = self.get()["cursor"]
        report_end(report=self.info, reason="returned_home")
        self.assertEqual(self.get(cursor)["results"], [{"id": self.info.pk, "removed": True}])

    def test_rows_that_stop_matching_the_filter_come_back_as_removed(self):
        cursor = self.get(need="medical")["cursor"]
        report_update(report=self.medical, needs=["food"])
        body = self.get(cursor, need="medical")
        self.assertEqual(body["results"], [{"id": self.medical.pk, "removed": True}])

    def test_another_areas_changes_are_never_mentioned(self):
        cursor = self.get()["cursor"]
        report_update(report=self.in_b, needs=["food"])
        report_end(report=self.in_b, reason="returned_home")
        self.assertEqual(self.get(cursor)["results"], [])

    def test_a_row_committed_just_before_the_cursor_still_arrives(self):
        body = self.get()
        cursor = body["cursor"]
        # Saved 3 s before the answer was made, but committed after it (a slow transaction).
        saved_at = parse_datetime(body["server_time"]) - datetime.timedelta(seconds=3)
        OffShelterReport.objects.filter(pk=self.info.pk).update(updated_at=saved_at)
        self.assertEqual([row["id"] for row in self.get(cursor)["results"]], [self.info.pk])

    def test_the_cursor_is_server_time_less_the_overlap(self):
        body = self.get()
        cursor, server_time = parse_datetime(body["cursor"]), parse_datetime(body["server_time"])
        self.assertEqual(server_time - cursor, evacuees.CURSOR_OVERLAP)

    def test_too_many_changes_send_the_whole_list_again(self):
        cursor = self.get()["cursor"]
        for report in (self.water, self.medical, self.info):
            report_update(report=report, note="更新")
        with mock.patch.object(evacuees, "LIST_LIMIT", 2):
            body = self.get(cursor)
        self.assertTrue(body["full"])
        self.assertEqual(body["total"], 3)
        self.assertEqual([row["id"] for row in body["results"]], [self.medical.pk, self.water.pk])

    def test_a_cursor_that_is_not_one_is_refused(self):
        response = self.client.get("/api/evacuees", {"since": "last tuesday"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "invalid_since")
