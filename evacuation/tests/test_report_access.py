"""Who may reach the report pages: a signed-in resident, for their own report only."""

from django.contrib.auth import get_user_model
from django.test import TestCase

from evacuation.models import OffShelterReport, PickupRequest
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from evacuation.tests.report_steps import ReportClientMixin
from residents.models import Account
from residents.tests.factories import AreaFactory
from shelters.tests.factories import ShelterFactory

PAGES = [
    "/my/report/",
    "/my/report/place/",
    "/my/report/location/",
    "/my/report/people/",
    "/my/report/needs/",
    "/my/report/care/",
    "/my/report/note/",
    "/my/report/confirm/",
    "/my/report/pickup/",
]


class ReportAccessTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.others = family_report(AreaFactory())
        self.others_pickup = request_pickup(self.others, ShelterFactory())

    def test_anonymous_visitors_are_sent_to_sign_in(self):
        for url in PAGES:
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertRedirects(
                    response,
                    f"/my/start/?next={url.replace('/', '%2F')}",
                    fetch_redirect_response=False,
                )

    def test_a_volunteer_without_a_resident_account_is_sent_to_sign_in_too(self):
        volunteer = get_user_model().objects.create_user("volunteer", password="x" * 20)
        self.client.force_login(volunteer)
        response = self.client.get("/my/report/")
        self.assertRedirects(
            response, "/my/start/?next=%2Fmy%2Freport%2F", fetch_redirect_response=False
        )

    def test_someone_not_registered_yet_is_asked_to_register_first(self):
        self.sign_in_as_line_user()
        for url in PAGES:
            with self.subTest(url=url):
                page = self.client.get(url)
                self.assertContains(page, "はじめに、ご本人の登録をお願いします")
                self.assertContains(page, "/my/register/?for=self")
        self.post_step("place", {"place": "home"})
        self.assertEqual(OffShelterReport.objects.count(), 1)  # only the other account's

    def test_another_accounts_report_and_pickup_are_not_found(self):
        self.sign_in_with_family()
        report = self.others
        self.assertEqual(self.client.get(f"/my/report/{report.pk}/").status_code, 404)
        self.assertEqual(
            self.client.post(
                f"/my/report/{report.pk}/end/", {"reason": "returned_home"}
            ).status_code,
            404,
        )
        self.assertEqual(
            self.client.post(f"/my/report/pickup/{self.others_pickup.pk}/cancel/").status_code,
            404,
        )
        report.refresh_from_db()
        self.others_pickup.refresh_from_db()
        self.assertEqual(report.status, OffShelterReport.Status.ACTIVE)
        self.assertEqual(self.others_pickup.status, PickupRequest.Status.REQUESTED)

    def test_answers_go_to_the_own_report_only(self):
        self.sign_in_with_family()
        self.post_step("place", {"place": "car"})
        self.others.refresh_from_db()
        self.assertEqual(self.others.place, "home")
        self.assertEqual(OffShelterReport.objects.get(account=self.account).place, "car")
        self.assertEqual(Account.objects.count(), 2)
