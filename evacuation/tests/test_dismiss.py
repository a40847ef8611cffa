"""いたずら・重複: a volunteer of the area (or staff) closes a report that is not real,
quietly; staff can stop the identity behind it. Reports nobody in the registry stands
behind are marked 未確認 in the list and on the map, not only in the detail."""

from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from evacuation.services import AccountSuspended, report_start, report_update
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.cast import BaseTestCase
from messaging.models import OutboxMessage
from residents.models import Account
from residents.tests.factories import RegistryPersonFactory
from shelters.tests.factories import ShelterFactory


class DismissTestCase(BaseTestCase):
    def setUp(self):
        self.report = family_report(self.area_a, line_user_id="U" + "f" * 32)
        self.pickup = request_pickup(self.report, ShelterFactory())
        OutboxMessage.objects.all().delete()

    def dismiss(self, user, report=None):
        self.client.force_login(user)
        return self.client.post(f"/api/evacuees/{(report or self.report).pk}/dismiss")

    def test_a_volunteer_of_the_area_closes_it_and_nobody_is_told(self):
        response = self.dismiss(self.volunteer_a)
        self.assertEqual(response.status_code, 200, response.content)
        self.assertIn("いたずら・重複", response.json()["message"])
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, OffShelterReport.Status.ENDED)
        self.assertEqual(self.report.end_reason, OffShelterReport.EndReason.DISMISSED)
        self.assertEqual(self.report.ended_by, self.volunteer_a)
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, PickupRequest.Status.CANCELLED)
        self.assertEqual(self.pickup.events.last().kind, PickupEvent.Kind.DISMISSED)
        self.assertFalse(OutboxMessage.objects.exists())
        # Off the map and the list.
        self.assertEqual(self.client.get(f"/api/evacuees/{self.report.pk}").status_code, 404)

    def test_dismissing_twice_is_harmless(self):
        self.dismiss(self.volunteer_a)
        self.assertEqual(self.dismiss(self.staff).status_code, 404)  # gone from the map
        self.assertEqual(self.pickup.events.filter(kind="dismissed").count(), 1)

    def test_a_volunteer_of_another_area_cannot(self):
        self.assertEqual(self.dismiss(self.volunteer_b).status_code, 404)
        self.report.refresh_from_db()
        self.assertEqual(self.report.status, OffShelterReport.Status.ACTIVE)

    def test_anonymous_cannot(self):
        response = self.client.post(f"/api/evacuees/{self.report.pk}/dismiss")
        self.assertEqual(response.status_code, 403)

    def test_the_detail_offers_dismiss_to_volunteers_and_suspend_to_staff_only(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(
            self.client.get(f"/api/evacuees/{self.report.pk}").json()["actions"], ["dismiss"]
        )
        self.client.force_login(self.staff)
        actions = self.client.get(f"/api/evacuees/{self.report.pk}").json()["actions"]
        self.assertEqual(actions, ["dismiss", "suspend"])


class SuspendTestCase(BaseTestCase):
    def setUp(self):
        self.report = family_report(self.area_a)

    def suspend(self, user):
        self.client.force_login(user)
        return self.client.post(f"/api/evacuees/{self.report.pk}/suspend")

    def test_staff_stop_the_identity_and_its_open_reports_close(self):
        self.assertEqual(self.suspend(self.staff).status_code, 200)
        account = Account.objects.get(pk=self.report.account_id)
        self.assertIsNotNone(account.suspended_at)
        self.assertEqual(account.suspended_by, self.staff)
        self.report.refresh_from_db()
        self.assertEqual(self.report.end_reason, OffShelterReport.EndReason.DISMISSED)
        with self.assertRaises(AccountSuspended):
            report_start(account=account)

    def test_a_volunteer_may_not_suspend(self):
        response = self.suspend(self.volunteer_a)
        self.assertEqual(response.status_code, 403)
        self.assertIn("職員", response.json()["message"])
        self.assertIsNone(Account.objects.get(pk=self.report.account_id).suspended_at)

    def test_staff_lift_the_suspension_in_admin(self):
        self.suspend(self.staff)
        self.client.post(
            "/admin/residents/account/",
            {"action": "unsuspend", "_selected_action": [self.report.account_id]},
        )
        account = Account.objects.get(pk=self.report.account_id)
        self.assertIsNone(account.suspended_at)
        self.assertIsNotNone(report_start(account=account))


class UnverifiedMarkTestCase(BaseTestCase):
    def test_the_list_and_the_map_mark_reports_nobody_in_the_registry_stands_behind(self):
        unverified = family_report(self.area_a)
        verified = family_report(self.area_a)
        resident = verified.people.get()
        resident.registry_person = RegistryPersonFactory(area=self.area_a)
        resident.save()
        report_update(report=verified, people=[resident])
        self.client.force_login(self.volunteer_a)
        rows = {row["id"]: row for row in self.client.get("/api/evacuees").json()["results"]}
        self.assertEqual(
            (rows[unverified.pk]["verified"], rows[verified.pk]["verified"]), (False, True)
        )
        lat, lng = self.area_a.center_lat, self.area_a.center_lng
        bbox = f"{lng - 0.01},{lat - 0.01},{lng + 0.01},{lat + 0.01}"
        points = self.client.get(f"/api/map/evacuees?bbox={bbox}&zoom=16").json()["points"]
        self.assertEqual(
            {p["id"]: p["verified"] for p in points}, {unverified.pk: False, verified.pk: True}
        )
