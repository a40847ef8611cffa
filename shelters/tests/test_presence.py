import datetime

from django.test import TestCase

from hakobou.testing.cast import BaseTestCase
from residents.models import Account
from residents.registration import resident_create_manual
from shelters.models import Method, PresenceEvent, Shelter, Stay
from shelters.services import (
    CheckInResult,
    ShelterClosed,
    shelter_set_status,
    stay_check_in,
    stay_check_out,
    stay_transfer,
)
from shelters.tests.factories import ShelterFactory


def make_resident(name="避難 花子"):
    return resident_create_manual(
        account=Account.objects.create(),
        relation="self",
        name=name,
        name_kana="ヒナン ハナコ",
        birth_date=datetime.date(1950, 1, 1),
        address="函館市谷地頭町",
    )


class CheckInTestCase(TestCase):
    def setUp(self):
        self.gym = ShelterFactory(name="青柳小学校 体育館")
        self.hall = ShelterFactory(name="谷地頭町会館")
        self.resident = make_resident()

    def check_in(self, shelter, **kwargs):
        return stay_check_in(
            resident=self.resident, shelter=shelter, method=Method.PERSONAL_QR, **kwargs
        )

    def test_a_check_in_opens_a_stay_and_logs_it(self):
        outcome = self.check_in(self.gym, companions=2)
        self.assertEqual(outcome.result, CheckInResult.CHECKED_IN)
        self.assertEqual((outcome.stay.shelter, outcome.stay.companions), (self.gym, 2))
        event = PresenceEvent.objects.get()
        self.assertEqual((event.kind, event.method), ("in", "personal_qr"))

    def test_a_double_scan_is_harmless(self):
        first = self.check_in(self.gym)
        second = self.check_in(self.gym)
        self.assertEqual(second.result, CheckInResult.ALREADY_HERE)
        self.assertEqual(second.stay, first.stay)
        self.assertEqual(Stay.objects.count(), 1)
        self.assertEqual(PresenceEvent.objects.count(), 1)

    def test_a_scan_at_another_shelter_says_where_the_person_is(self):
        self.check_in(self.gym)
        outcome = self.check_in(self.hall)
        self.assertEqual(outcome.result, CheckInResult.ELSEWHERE)
        self.assertEqual(outcome.stay.shelter, self.gym)
        self.assertEqual(Stay.objects.count(), 1)

    def test_a_closed_shelter_takes_no_check_ins(self):
        shelter_set_status(shelter=self.hall, status=Shelter.Status.CLOSED)
        self.hall.refresh_from_db()
        with self.assertRaises(ShelterClosed):
            self.check_in(self.hall)

    def test_check_out_ends_the_stay_and_a_second_tap_does_nothing(self):
        self.check_in(self.gym)
        stay = stay_check_out(resident=self.resident)
        self.assertIsNotNone(stay.checked_out_at)
        self.assertIsNone(stay_check_out(resident=self.resident))
        self.assertEqual(
            list(PresenceEvent.objects.order_by("pk").values_list("kind", flat=True)),
            ["in", "out"],
        )
        self.assertEqual(self.check_in(self.hall).result, CheckInResult.CHECKED_IN)

    def test_a_transfer_moves_the_person_and_their_companions(self):
        self.check_in(self.gym, companions=1)
        stay = stay_transfer(resident=self.resident, to_shelter=self.hall)
        self.assertEqual((stay.shelter, stay.companions), (self.hall, 1))
        self.assertEqual(Stay.objects.filter(checked_out_at__isnull=True).count(), 1)
        event = PresenceEvent.objects.filter(kind="transfer").get()
        self.assertEqual((event.from_shelter, event.shelter), (self.gym, self.hall))


class ShelterStatusTestCase(BaseTestCase):
    def test_opening_and_closing_keeps_a_history(self):
        shelter = ShelterFactory(status=Shelter.Status.CLOSED)
        shelter_set_status(shelter=shelter, status=Shelter.Status.OPEN, user=self.staff)
        shelter_set_status(shelter=shelter, status=Shelter.Status.OPEN, user=self.staff)
        shelter_set_status(shelter=shelter, status=Shelter.Status.CLOSED, user=self.staff)
        history = list(shelter.status_changes.order_by("pk").values_list("status", flat=True))
        self.assertEqual(history, ["open", "closed"])

    def test_staff_open_a_shelter_with_an_admin_action(self):
        shelter = ShelterFactory(status=Shelter.Status.CLOSED)
        self.client.force_login(self.staff)
        self.client.post(
            "/admin/shelters/shelter/",
            {"action": "open_shelters", "_selected_action": [shelter.pk]},
        )
        shelter.refresh_from_db()
        self.assertEqual(shelter.status, Shelter.Status.OPEN)
        self.assertEqual(shelter.status_changes.get().changed_by, self.staff)
