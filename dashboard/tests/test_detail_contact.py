"""A detail carries what a volunteer on the way needs at a tap: each phone as a tel:
link, directions to the reported point; never a birth date."""

from dashboard.tests.seed import BIRTH_DATE, make_report
from evacuation.services import report_update
from hakobou.testing.cast import BaseTestCase


class DetailContactTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report = make_report(
            cls.area_a, name="在宅 ヨシ", phone="0138-22-0001", lat=41.7512, lng=140.7125
        )

    def detail(self, user):
        self.client.force_login(user)
        return self.client.get(f"/api/evacuees/{self.report.pk}").json()

    def test_each_phone_is_a_link_that_dials_it(self):
        (person,) = self.detail(self.volunteer_a)["people"]
        self.assertEqual((person["phone"], person["tel"]), ("0138-22-0001", "tel:0138220001"))

    def test_directions_lead_to_the_reported_point(self):
        self.assertEqual(
            self.detail(self.volunteer_a)["directions"],
            "https://www.google.com/maps/dir/?api=1&destination=41.7512,140.7125",
        )

    def test_a_report_with_an_address_only_offers_no_directions(self):
        report_update(report=self.report, latitude=None, longitude=None, location_source="address")
        self.assertEqual(self.detail(self.staff)["directions"], "")

    def test_neither_volunteers_nor_staff_are_shown_a_birth_date(self):
        for user in (self.volunteer_a, self.staff):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                text = self.client.get(f"/api/evacuees/{self.report.pk}").content.decode()
                self.assertNotIn("birth", text)
                for written in (BIRTH_DATE.isoformat(), "1940", "昭和15"):
                    self.assertNotIn(written, text)
