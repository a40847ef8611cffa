"""Reports and pickups in admin: read-only, and opening a report is logged."""

from evacuation.models import OffShelterReport
from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.cast import BaseTestCase
from residents.models import DetailView


class ReportAdminTestCase(BaseTestCase):
    def test_opening_a_report_in_admin_logs_the_people_in_it_and_nothing_is_editable(self):
        report = family_report(self.area_a)
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/admin/evacuation/offshelterreport/").status_code, 200)
        self.assertFalse(DetailView.objects.exists())  # the list has no names
        page = self.client.get(f"/admin/evacuation/offshelterreport/{report.pk}/change/")
        self.assertEqual(page.status_code, 200)
        (log,) = DetailView.objects.all()
        self.assertEqual(log.resident, report.people.get())
        self.client.post(f"/admin/evacuation/offshelterreport/{report.pk}/change/", {"note": "x"})
        self.assertEqual(OffShelterReport.objects.get().note, "")
        self.assertEqual(self.client.get("/admin/evacuation/pickuprequest/").status_code, 200)
