"""Out-of-shelter reports: one in progress per account, sent when complete, ended by
the resident or, person by person, by checking in at a shelter."""

from areas.selectors import area_for_point, outside_city
from evacuation.models import OffShelterReport
from evacuation.services import (
    ReportEnded,
    ReportIncomplete,
    report_end,
    report_start,
    report_submit,
    report_update,
)
from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.cast import BaseTestCase
from residents.models import Account
from residents.tests.test_own_data import manual
from shelters.follow_ups import arrival_follow_ups
from shelters.models import Method
from shelters.services import stay_check_in, stay_check_out
from shelters.tests.factories import ShelterFactory


class DraftTestCase(BaseTestCase):
    def setUp(self):
        self.account = Account.objects.create()

    def test_starting_twice_finds_the_same_draft(self):
        self.assertEqual(report_start(account=self.account), report_start(account=self.account))
        self.assertEqual(OffShelterReport.objects.count(), 1)

    def test_an_incomplete_report_says_what_is_missing(self):
        report = report_start(account=self.account)
        report_update(report=report, place="car")
        with self.assertRaises(ReportIncomplete) as raised:
            report_submit(report=report)
        self.assertEqual(raised.exception.missing, ["location", "people"])

    def test_urgency_follows_the_most_urgent_need_and_care(self):
        report = report_start(account=self.account)
        report = report_update(report=report, needs=["food"], care=[])
        self.assertEqual(report.urgency, 1)
        report = report_update(report=report, needs=["food"], care=["infant"])
        self.assertEqual(report.urgency, 2)
        report = report_update(report=report, needs=["medical"], care=["infant"])
        self.assertEqual(report.urgency, 3)

    def test_an_unknown_need_is_refused(self):
        from django.core.exceptions import ValidationError

        report = report_start(account=self.account)
        with self.assertRaises(ValidationError):
            report_update(report=report, needs=["unicorns"])
        report.refresh_from_db()
        self.assertEqual(report.needs, [])

    def test_the_area_comes_from_the_point(self):
        report = report_start(account=self.account)
        report = report_update(
            report=report, latitude=self.area_b.center_lat, longitude=self.area_b.center_lng
        )
        self.assertEqual(report.area, self.area_b)

    def test_a_point_far_from_every_area_has_no_area_but_a_persons_home_area(self):
        self.assertIsNone(area_for_point(41.9, 140.9))
        resident = manual(self.account)
        resident.area = self.area_a
        resident.save()
        report = report_start(account=self.account)
        report = report_update(report=report, people=[resident], latitude=41.9, longitude=140.9)
        self.assertEqual(report.area, self.area_a)

    def test_points_outside_the_city_are_recognised(self):
        self.assertFalse(outside_city(41.7578, 140.718))
        self.assertTrue(outside_city(35.68, 139.76))  # Tokyo


class EndTestCase(BaseTestCase):
    def test_the_resident_ends_it_and_a_second_end_is_harmless(self):
        report = family_report(self.area_a)
        report_end(report=report, reason="returned_home")
        report_end(report=report, reason="reached_shelter")
        report.refresh_from_db()
        self.assertEqual((report.status, report.end_reason), ("ended", "returned_home"))
        with self.assertRaises(ReportEnded):
            report_update(report=report, note="遅れて")

    def test_a_new_report_can_start_after_the_last_ended(self):
        report = family_report(self.area_a)
        report_end(report=report, reason="returned_home")
        self.assertNotEqual(report_start(account=report.account), report)

    def check_in(self, resident, method=Method.PERSONAL_QR):
        # The report is updated a moment after the check-in commits (its follow-up).
        with self.captureOnCommitCallbacks(execute=True):
            stay_check_in(resident=resident, shelter=ShelterFactory(), method=method)

    def test_checking_in_at_a_shelter_ends_it_for_that_person(self):
        report = family_report(self.area_a)
        grandson = manual(report.account, relation="family", name="在宅 孫")
        report = report_update(report=report, people=[*report.people.all(), grandson])
        self.check_in(grandson, Method.POSTER_QR)
        report.refresh_from_db()
        self.assertEqual(report.status, "active")
        self.assertEqual(
            [p.pk for p in report.people.all()], [report.account.links.first().resident_id]
        )
        (grandma,) = report.people.all()
        self.check_in(grandma)
        report.refresh_from_db()
        self.assertEqual((report.status, report.end_reason), ("ended", "reached_shelter"))

    def test_others_without_registration_keep_the_report_open(self):
        report = family_report(self.area_a, others=2)
        (grandma,) = report.people.all()
        self.check_in(grandma)
        report.refresh_from_db()
        self.assertEqual(
            (report.status, report.people.count(), report.others_count), ("active", 0, 2)
        )

    def test_a_report_made_after_the_arrival_is_left_to_stand(self):
        # The follow-up can run late (the broker was down, the sweep took it): by then
        # the person may have left the shelter and reported from home again.
        first = family_report(self.area_a)
        (grandma,) = first.people.all()
        stay_check_in(resident=grandma, shelter=ShelterFactory(), method=Method.PERSONAL_QR)
        stay_check_out(resident=grandma)
        report_end(report=first, reason="returned_home")
        again = report_submit(
            report=report_update(
                report=report_start(account=first.account),
                people=[grandma],
                place="home",
                latitude=self.area_a.center_lat,
                longitude=self.area_a.center_lng,
                location_source="gps",
                needs=["water"],
            )
        )
        self.assertEqual(arrival_follow_ups(), 1)
        again.refresh_from_db()
        self.assertEqual((again.status, list(again.people.all())), ("active", [grandma]))
