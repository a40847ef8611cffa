import csv
import io

from hakobou.testing.cast import BaseTestCase
from shelters.models import Method
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident


class RosterTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館", code="S101")
        self.shelter.reception.add(self.volunteer_b)
        stay_check_in(
            resident=make_resident("避難 花子"),
            shelter=self.shelter,
            method=Method.POSTER_QR,
            companions=1,
        )
        stay_check_in(
            resident=make_resident("=HYPERLINK(1)"),
            shelter=self.shelter,
            method=Method.PERSONAL_QR,
        )

    def test_staff_see_who_is_there_and_how_many(self):
        self.client.force_login(self.staff)
        page = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster/")
        self.assertContains(page, "避難 花子")
        self.assertContains(page, "現在 3 人")

    def test_the_csv_opens_in_excel_and_cannot_carry_formulas(self):
        self.client.force_login(self.staff)
        response = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster.csv")
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("roster-S101.csv", response["Content-Disposition"])
        body = response.content
        self.assertTrue(body.startswith("\ufeff".encode()))
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "氏名")
        self.assertEqual([row[0] for row in rows[1:]], ["避難 花子", "'=HYPERLINK(1)"])
        self.assertIn(b"\r\n", body)

    def test_reception_of_this_shelter_may_see_it(self):
        self.client.force_login(self.volunteer_b)
        self.assertEqual(
            self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster/").status_code, 200
        )

    def test_others_may_not(self):
        self.client.force_login(self.volunteer_a)
        for url in ("roster/", "roster.csv"):
            with self.subTest(url=url):
                response = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/{url}")
                self.assertEqual(response.status_code, 403)
        self.client.logout()
        response = self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster.csv")
        self.assertEqual(response.status_code, 302)


class RosterViewLogTestCase(RosterTestCase):
    def test_each_view_of_the_roster_is_logged_per_person(self):
        from residents.models import DetailView

        self.client.force_login(self.volunteer_b)
        self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster/")
        self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster.csv")
        logged = list(DetailView.objects.values_list("user__username", "context"))
        self.assertEqual(
            sorted(logged),
            [
                ("volunteer-b", "roster"),
                ("volunteer-b", "roster"),
                ("volunteer-b", "roster_csv"),
                ("volunteer-b", "roster_csv"),
            ],
        )

    def test_a_refused_view_logs_nothing(self):
        from residents.models import DetailView

        self.client.force_login(self.volunteer_a)
        self.client.get(f"/dashboard/shelters/{self.shelter.pk}/roster/")
        self.assertFalse(DetailView.objects.exists())
