"""Who may use the dashboard API: a volunteer their own areas, staff the whole city,
reception-only users, users without a role and anonymous visitors nothing."""

from areas.services import responder_upsert
from dashboard.tests.seed import make_pickup, make_report
from evacuation.models import PickupRequest
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.tests.factories import ShelterFactory

# Around both test areas (41.75–41.77, 140.71–140.73).
BBOX = "140.69,41.74,140.75,41.78"


class ApiAccessTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shelter = ShelterFactory()
        cls.report_a = make_report(cls.area_a, name="甲 住民", needs=("water",))
        cls.pickup_a = make_pickup(cls.report_a, cls.shelter)
        cls.report_b = make_report(cls.area_b, name="乙 住民", needs=("medical",))
        cls.pickup_b = make_pickup(cls.report_b, cls.shelter)
        cls.reception_a = responder_upsert(
            username="reception-a", password=PASSWORD, role=Role.RECEPTION, areas=[cls.area_a]
        )
        cls.nobody = responder_upsert(
            username="nobody", password=PASSWORD, role=Role.VOLUNTEER, areas=[cls.area_a]
        )
        cls.nobody.groups.clear()

    def reads(self, report, pickup):
        return [
            f"/api/map/evacuees?bbox={BBOX}&zoom=14",
            f"/api/map/pickups?bbox={BBOX}&zoom=14",
            "/api/evacuees",
            f"/api/evacuees/{report.pk}",
            f"/api/pickups/{pickup.pk}/handover-candidates",
        ]

    def writes(self, pickup):
        return [
            (f"/api/pickups/{pickup.pk}/claim", {}),
            (f"/api/pickups/{pickup.pk}/release", {}),
            (f"/api/pickups/{pickup.pk}/hand-over", {"to_user": self.volunteer_b.pk}),
            (f"/api/pickups/{pickup.pk}/picked-up", {}),
            (f"/api/pickups/{pickup.pk}/arrived", {}),
            (f"/api/pickups/{pickup.pk}/unable", {"reason": "道路が通れない"}),
            (f"/api/pickups/{pickup.pk}/notes", {"note": "向かいます"}),
        ]

    def assert_refused_everywhere(self, statuses=(401, 403)):
        for url in self.reads(self.report_a, self.pickup_a):
            with self.subTest(url=url):
                self.assertIn(self.client.get(url).status_code, statuses)
        for url, data in self.writes(self.pickup_a):
            with self.subTest(url=url):
                response = self.client.post(url, data, content_type="application/json")
                self.assertIn(response.status_code, statuses)
        self.pickup_a.refresh_from_db()
        self.assertEqual(self.pickup_a.status, PickupRequest.Status.REQUESTED)
        self.assertEqual(self.pickup_a.events.count(), 1)

    def test_anonymous_visitors_get_nothing(self):
        self.assert_refused_everywhere()

    def test_a_user_without_a_role_gets_nothing(self):
        self.client.force_login(self.nobody)
        self.assert_refused_everywhere(statuses=(403,))

    def test_a_reception_only_user_sees_no_evacuees_even_in_their_area(self):
        self.client.force_login(self.reception_a)
        self.assert_refused_everywhere(statuses=(403,))

    def test_a_volunteer_cannot_see_another_areas_reports_or_pickups(self):
        self.client.force_login(self.volunteer_a)
        evacuees = self.client.get(f"/api/map/evacuees?bbox={BBOX}&zoom=14").json()
        self.assertEqual([p["id"] for p in evacuees["points"]], [self.report_a.pk])
        pickups = self.client.get(f"/api/map/pickups?bbox={BBOX}&zoom=14").json()
        self.assertEqual([p["id"] for p in pickups["points"]], [self.pickup_a.pk])
        rows = self.client.get("/api/evacuees").json()["results"]
        self.assertEqual([row["id"] for row in rows], [self.report_a.pk])
        # Another area's report answers exactly like one that does not exist.
        for url in self.reads(self.report_b, self.pickup_b)[3:]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        self.assertEqual(self.client.get("/api/evacuees/999999").status_code, 404)

    def test_a_volunteer_cannot_act_on_another_areas_pickup(self):
        self.client.force_login(self.volunteer_a)
        for url, data in self.writes(self.pickup_b):
            with self.subTest(url=url):
                response = self.client.post(url, data, content_type="application/json")
                self.assertEqual(response.status_code, 404)
        self.pickup_b.refresh_from_db()
        self.assertEqual(self.pickup_b.status, PickupRequest.Status.REQUESTED)
        self.assertEqual(self.pickup_b.events.count(), 1)

    def test_refusals_are_polite_problems_that_confirm_nothing(self):
        self.client.force_login(self.volunteer_a)
        hidden = self.client.get(f"/api/evacuees/{self.report_b.pk}").json()
        missing = self.client.get("/api/evacuees/999999").json()
        self.assertEqual(hidden, missing)
        self.assertEqual(hidden["code"], "not_found")
        self.client.force_login(self.reception_a)
        refused = self.client.get("/api/evacuees").json()
        self.assertEqual(refused["code"], "forbidden")
        self.assertIn("権限がありません", refused["message"])

    def test_staff_see_the_whole_city(self):
        self.client.force_login(self.staff)
        evacuees = self.client.get(f"/api/map/evacuees?bbox={BBOX}&zoom=14").json()
        self.assertEqual(
            {p["id"] for p in evacuees["points"]}, {self.report_a.pk, self.report_b.pk}
        )
        rows = self.client.get("/api/evacuees").json()["results"]
        self.assertEqual({row["id"] for row in rows}, {self.report_a.pk, self.report_b.pk})
        self.assertEqual(self.client.get(f"/api/evacuees/{self.report_b.pk}").status_code, 200)
        claim = self.client.post(f"/api/pickups/{self.pickup_b.pk}/claim")
        self.assertEqual(claim.status_code, 200)

    def test_the_page_of_a_volunteer_holds_nothing_of_another_area(self):
        self.client.force_login(self.volunteer_a)
        page = self.client.get("/dashboard/")
        self.assertContains(page, 'id="dash-map"')
        self.assertNotContains(page, "テスト乙町会")
        self.assertNotContains(page, "乙 住民")
        # Not even its own people: names come one at a time from the logged detail.
        self.assertNotContains(page, "甲 住民")

    def test_a_reception_only_user_gets_the_dashboard_without_the_map(self):
        self.client.force_login(self.reception_a)
        page = self.client.get("/dashboard/")
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, 'id="dash-map"')
        self.assertNotContains(page, "dashboard.js")
