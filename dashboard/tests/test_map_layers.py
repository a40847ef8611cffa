"""The map layers: points without names in a viewport, server-side clusters when a
viewport holds too many, and a 304 when nothing changed."""

from unittest import mock

from dashboard.tests.seed import make_pickup, make_report
from evacuation.services import pickup_cancel, pickup_claim, report_end
from hakobou.testing.cast import BaseTestCase
from lib import map_layers as selectors
from shelters.tests.factories import ShelterFactory

BBOX = "140.69,41.74,140.75,41.78"


class EvacueeLayerTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.water = make_report(cls.area_a, name="水野 一", needs=("water",), lat=41.751)
        cls.medical = make_report(
            cls.area_a, name="医田 二", needs=("medical",), care=("elderly",), lat=41.752
        )
        cls.info = make_report(cls.area_a, name="情報 三", needs=("information",), lat=41.753)

    def setUp(self):
        self.client.force_login(self.volunteer_a)

    def layer(self, url="/api/map/evacuees", **headers):
        return self.client.get(f"{url}?bbox={BBOX}&zoom=15", headers=headers)

    def test_it_sends_points_without_names_under_the_limit(self):
        response = self.layer()
        body = response.json()
        self.assertEqual(body["kind"], "points")
        self.assertEqual(len(body["points"]), 3)
        medical = next(p for p in body["points"] if p["id"] == self.medical.pk)
        self.assertEqual(
            set(medical),
            {"id", "latitude", "longitude", "urgency", "needs", "care", "verified", "updated_at"},
        )
        self.assertEqual((medical["urgency"], medical["needs"]), (3, ["medical"]))
        self.assertEqual(medical["latitude"], 41.752)
        text = response.content.decode()
        for name in ("水野", "医田", "情報 三", "0138", "1940"):
            self.assertNotIn(name, text)

    def test_it_leaves_out_points_outside_the_viewport_and_ended_reports(self):
        report_end(report=self.info, reason="returned_home")
        make_report(self.area_a, lat=41.9, lng=140.9)  # area A (by its people), out of view
        ids = {p["id"] for p in self.layer().json()["points"]}
        self.assertEqual(ids, {self.water.pk, self.medical.pk})

    def test_it_sends_clusters_counted_on_the_server_above_the_limit(self):
        with mock.patch.object(selectors, "POINT_LIMIT", 2):
            body = self.layer().json()
        self.assertEqual(body["kind"], "clusters")
        self.assertNotIn("points", body)
        self.assertEqual(sum(c["count"] for c in body["clusters"]), 3)
        # Three reports 100 m apart share a cell at zoom 15; it is as red as its worst.
        self.assertEqual(len(body["clusters"]), 1)
        self.assertEqual(body["clusters"][0]["top"], 3)
        self.assertAlmostEqual(body["clusters"][0]["lat"], 41.752, places=4)

    def test_at_the_closest_zoom_the_most_urgent_points_are_sent_not_clusters(self):
        with mock.patch.object(selectors, "POINT_LIMIT", 2):
            body = self.client.get(
                "/api/map/evacuees?bbox=140.705,41.749,140.715,41.755&zoom=18"
            ).json()
        self.assertEqual((body["kind"], body["truncated"]), ("points", True))
        self.assertEqual([p["id"] for p in body["points"]], [self.medical.pk, self.water.pk])

    def test_an_unchanged_layer_answers_not_modified(self):
        first = self.layer()
        self.assertEqual(self.layer(if_none_match=first["ETag"]).status_code, 304)
        make_report(self.area_a, needs=("food",), lat=41.754)
        again = self.layer(if_none_match=first["ETag"])
        self.assertEqual(again.status_code, 200)
        self.assertEqual(len(again.json()["points"]), 4)


class PickupLayerTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        shelter = ShelterFactory()
        cls.now = make_pickup(make_report(cls.area_a, lat=41.751), shelter, urgency="now")
        cls.today = make_pickup(make_report(cls.area_a, lat=41.752), shelter, urgency="today")
        cls.claimed = make_pickup(make_report(cls.area_a, lat=41.753), shelter, urgency="whenever")
        pickup_claim(pickup=cls.claimed, user=cls.volunteer_a)
        cls.cancelled = make_pickup(make_report(cls.area_a, lat=41.754), shelter)
        report_end(report=cls.cancelled.report, reason="returned_home")

    def setUp(self):
        self.client.force_login(self.volunteer_a)

    def layer(self, query=""):
        return self.client.get(f"/api/map/pickups?bbox={BBOX}&zoom=15{query}")

    def test_it_sends_pickups_in_progress_with_state_and_urgency(self):
        points = {p["id"]: p for p in self.layer().json()["points"]}
        self.assertEqual(set(points), {self.now.pk, self.today.pk, self.claimed.pk})
        claimed = points[self.claimed.pk]
        self.assertEqual(
            set(claimed),
            {
                "id",
                "report_id",
                "verified",
                "latitude",
                "longitude",
                "status",
                "urgency",
                "claim_expires_at",
            },
        )
        self.assertEqual((claimed["status"], claimed["urgency"]), ("claimed", "whenever"))
        self.assertIsNotNone(claimed["claim_expires_at"])
        self.assertEqual(claimed["report_id"], self.claimed.report_id)

    def test_it_filters_by_status(self):
        ids = {p["id"] for p in self.layer("&status=claimed").json()["points"]}
        self.assertEqual(ids, {self.claimed.pk})
        ids = {p["id"] for p in self.layer("&status=cancelled").json()["points"]}
        self.assertEqual(ids, {self.cancelled.pk})

    def test_its_clusters_are_ranked_by_the_most_urgent_request(self):
        with mock.patch.object(selectors, "POINT_LIMIT", 1):
            body = self.layer().json()
            self.assertEqual(body["kind"], "clusters")
            self.assertEqual([(c["count"], c["top"]) for c in body["clusters"]], [(3, 3)])
            # Without the "now" request the worst is "today" (2), not the alphabet's max.
            body = self.layer("&status=requested").json()
        self.assertEqual(body["clusters"][0]["top"], 3)
        pickup_cancel(pickup=self.now)
        with mock.patch.object(selectors, "POINT_LIMIT", 1):
            body = self.layer().json()
        self.assertEqual([(c["count"], c["top"]) for c in body["clusters"]], [(2, 2)])
