"""A pickup request's life: requested → claimed → picked up → arrived, or released,
handed over, lapsed, cancelled, unable — each step once, by the right people."""

import datetime

from django.utils import timezone

from areas.services import responder_upsert
from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from evacuation.services import (
    NotAllowed,
    PickupError,
    pickup_add_note,
    pickup_arrived,
    pickup_cancel,
    pickup_claim,
    pickup_expire_claims,
    pickup_hand_over,
    pickup_picked_up,
    pickup_release,
    pickup_unable,
)
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.models import Stay
from shelters.tests.factories import ShelterFactory


class PickupTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館")
        self.report = family_report(self.area_a, others=1)
        self.pickup = request_pickup(self.report, self.shelter, people_count=2)
        self.neighbour = responder_upsert(
            username="volunteer-a2",
            password=PASSWORD,
            role=Role.VOLUNTEER,
            areas=[self.area_a],
            full_name="甲野 二郎",
        )

    def kinds(self):
        return list(PickupEvent.objects.filter(pickup=self.pickup).values_list("kind", flat=True))


class RequestTestCase(PickupTestCase):
    def test_a_second_submit_returns_the_first_request(self):
        again = request_pickup(self.report, self.shelter)
        self.assertEqual(again, self.pickup)
        self.assertEqual(PickupRequest.objects.count(), 1)
        self.assertEqual(self.kinds(), ["requested"])

    def test_a_closed_shelter_or_an_ended_report_takes_no_request(self):
        from evacuation.services import DestinationClosed, ReportEnded, report_end
        from shelters.models import Shelter

        PickupRequest.objects.all().delete()
        closed = ShelterFactory(status=Shelter.Status.CLOSED)
        with self.assertRaises(DestinationClosed):
            request_pickup(self.report, closed)
        report_end(report=self.report, reason=OffShelterReport.EndReason.RETURNED_HOME)
        with self.assertRaises(ReportEnded):
            request_pickup(self.report, self.shelter)
        self.assertFalse(PickupRequest.objects.exists())

    def test_only_the_residents_own_account_can_cancel(self):
        from residents.models import Account

        with self.assertRaises(NotAllowed):
            pickup_cancel(pickup=self.pickup, by_account=Account.objects.create())
        with self.assertRaises(NotAllowed):
            pickup_cancel(pickup=self.pickup, by_user=self.volunteer_a)
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, "requested")

    def test_it_takes_the_reports_place_and_marks_the_need(self):
        self.assertEqual(
            (self.pickup.latitude, self.pickup.area), (self.area_a.center_lat, self.area_a)
        )
        self.report.refresh_from_db()
        self.assertIn("transport", self.report.needs)


class ClaimTestCase(PickupTestCase):
    def test_the_second_volunteer_is_told_who_has_it(self):
        self.assertTrue(pickup_claim(pickup=self.pickup, user=self.volunteer_a).won)
        lost = pickup_claim(pickup=self.pickup, user=self.neighbour)
        self.assertFalse(lost.won)
        self.assertEqual(lost.pickup.claimed_by, self.volunteer_a)
        self.assertEqual(self.kinds(), ["requested", "claimed"])

    def test_a_volunteer_of_another_area_cannot_claim(self):
        with self.assertRaises(NotAllowed):
            pickup_claim(pickup=self.pickup, user=self.volunteer_b)

    def test_staff_can_claim_anywhere(self):
        self.assertTrue(pickup_claim(pickup=self.pickup, user=self.staff).won)

    def test_a_claim_lapses_after_the_configured_time(self):
        with self.settings(PICKUP_CLAIM_MINUTES=30):
            won = pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        expires = won.pickup.claim_expires_at
        self.assertAlmostEqual((expires - won.pickup.claimed_at).total_seconds(), 30 * 60, delta=1)
        later = expires + datetime.timedelta(seconds=1)
        # Before the sweep runs, someone else may take a lapsed claim directly …
        self.assertTrue(pickup_claim(pickup=self.pickup, user=self.neighbour, now=later).won)

    def test_the_sweep_returns_lapsed_claims_to_the_pool(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        self.assertEqual(pickup_expire_claims(), 0)
        later = timezone.now() + datetime.timedelta(minutes=31)
        self.assertEqual(pickup_expire_claims(now=later), 1)
        self.pickup.refresh_from_db()
        self.assertEqual((self.pickup.status, self.pickup.claimed_by), ("requested", None))
        self.assertEqual(self.kinds()[-1], "expired")
        self.assertEqual(pickup_expire_claims(now=later), 0)

    def test_release_lets_someone_else_claim(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        with self.assertRaises(PickupError):
            pickup_release(pickup=self.pickup, user=self.neighbour)  # not theirs
        pickup_release(pickup=self.pickup, user=self.volunteer_a)
        self.assertTrue(pickup_claim(pickup=self.pickup, user=self.neighbour).won)

    def test_a_claim_is_handed_to_a_volunteer_of_the_same_area_only(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        with self.assertRaises(NotAllowed):
            pickup_hand_over(pickup=self.pickup, user=self.volunteer_a, to_user=self.volunteer_b)
        handed = pickup_hand_over(pickup=self.pickup, user=self.volunteer_a, to_user=self.neighbour)
        self.assertEqual(handed.claimed_by, self.neighbour)
        event = PickupEvent.objects.filter(pickup=self.pickup).last()
        self.assertEqual((event.kind, event.to_user), ("handed_over", self.neighbour))


class RoleTestCase(PickupTestCase):
    def test_reception_users_with_areas_neither_see_nor_act(self):
        from evacuation.selectors import pickups_visible_to, reports_visible_to

        clerk = responder_upsert(
            username="reception-a", password=PASSWORD, role=Role.RECEPTION, areas=[self.area_a]
        )
        self.assertFalse(reports_visible_to(clerk).exists())
        self.assertFalse(pickups_visible_to(clerk).exists())
        with self.assertRaises(NotAllowed):
            pickup_claim(pickup=self.pickup, user=clerk)

    def test_an_inactive_volunteer_cannot_act(self):
        self.neighbour.is_active = False
        self.neighbour.save()
        with self.assertRaises(NotAllowed):
            pickup_claim(pickup=self.pickup, user=self.neighbour)

    def test_a_claim_goes_only_to_another_active_volunteer_of_the_area(self):
        clerk = responder_upsert(
            username="reception-a", password=PASSWORD, role=Role.RECEPTION, areas=[self.area_a]
        )
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        for target in (self.volunteer_a, clerk, self.staff):
            with self.assertRaises(NotAllowed):
                pickup_hand_over(pickup=self.pickup, user=self.volunteer_a, to_user=target)
        self.neighbour.is_active = False
        self.neighbour.save()
        with self.assertRaises(NotAllowed):
            pickup_hand_over(pickup=self.pickup, user=self.volunteer_a, to_user=self.neighbour)


class JourneyTestCase(PickupTestCase):
    def test_someone_recorded_at_another_shelter_is_moved_to_the_destination(self):
        from shelters.models import Method

        (grandma,) = self.report.people.all()
        elsewhere = ShelterFactory(name="函館公園")
        # Recorded elsewhere (a mistaken scan), without ending the report.
        Stay.objects.create(resident=grandma, shelter=elsewhere, method=Method.STAFF)
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        pickup_picked_up(pickup=self.pickup, user=self.volunteer_a)
        pickup_arrived(pickup=self.pickup, user=self.volunteer_a)
        stay = Stay.objects.get(checked_out_at__isnull=True)
        self.assertEqual(stay.shelter, self.shelter)

    def test_arrival_checks_everyone_in_and_ends_the_report(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        with self.assertRaises(PickupError):
            pickup_picked_up(pickup=self.pickup, user=self.neighbour)
        pickup_picked_up(pickup=self.pickup, user=self.volunteer_a)
        with self.assertRaises(PickupError):
            pickup_arrived(pickup=self.pickup, user=self.neighbour)
        arrived = pickup_arrived(pickup=self.pickup, user=self.volunteer_a)
        self.assertEqual(arrived.status, "arrived")
        stay = Stay.objects.get()
        self.assertEqual(
            (stay.shelter, stay.method, stay.companions), (self.shelter, "pickup_arrival", 1)
        )
        self.report.refresh_from_db()
        self.assertEqual((self.report.status, self.report.end_reason), ("ended", "reached_shelter"))
        self.assertEqual(self.kinds(), ["requested", "claimed", "picked_up", "arrived"])

    def test_a_repeated_step_is_refused_not_applied_twice(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        pickup_picked_up(pickup=self.pickup, user=self.volunteer_a)
        with self.assertRaises(PickupError) as raised:
            pickup_picked_up(pickup=self.pickup, user=self.volunteer_a)
        self.assertEqual(raised.exception.pickup.status, "picked_up")
        self.assertEqual(self.kinds().count("picked_up"), 1)

    def test_the_resident_cancels_before_pickup_and_twice_is_harmless(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        pickup_cancel(pickup=self.pickup, by_account=self.report.account)
        self.pickup.refresh_from_db()
        pickup_cancel(pickup=self.pickup, by_account=self.report.account)
        self.assertEqual(self.kinds().count("cancelled"), 1)

    def test_unable_needs_a_reason_and_keeps_it(self):
        pickup_claim(pickup=self.pickup, user=self.volunteer_a)
        with self.assertRaises(ValueError):
            pickup_unable(pickup=self.pickup, user=self.volunteer_a, reason=" ")
        done = pickup_unable(pickup=self.pickup, user=self.volunteer_a, reason="道路が冠水")
        self.assertEqual((done.status, done.unable_reason), ("unable", "道路が冠水"))

    def test_notes_are_kept_in_the_history(self):
        pickup_add_note(pickup=self.pickup, user=self.volunteer_a, note="玄関は裏側")
        self.assertEqual(PickupEvent.objects.last().note, "玄関は裏側")
        with self.assertRaises(NotAllowed):
            pickup_add_note(pickup=self.pickup, user=self.volunteer_b, note="x")

    def test_ending_the_report_cancels_the_open_pickup(self):
        from evacuation.services import report_end

        report_end(report=self.report, reason=OffShelterReport.EndReason.RETURNED_HOME)
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, "cancelled")
