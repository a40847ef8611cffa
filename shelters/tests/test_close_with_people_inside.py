"""Closing a shelter never leaves anyone checked in there: the service refuses to close
with people inside unless told to move them all elsewhere or check them all out."""

from hakobou.testing.cast import BaseTestCase
from shelters.models import Method, PresenceEvent, Shelter, ShelterStatusChange, Stay
from shelters.selectors import congestion, occupancy
from shelters.services import (
    CheckEveryoneOut,
    MoveEveryone,
    PeopleStillInside,
    ShelterClosed,
    StatusChangeRefused,
    shelter_set_status,
    stay_check_in,
    stay_transfer,
)
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident


class CloseWithPeopleInsideTestCase(BaseTestCase):
    def setUp(self):
        self.gym = ShelterFactory(name="青柳小学校 体育館")
        self.hall = ShelterFactory(name="谷地頭町会館")
        self.hanako, self.ichiro = make_resident("避難 花子"), make_resident("避難 一郎")
        stay_check_in(resident=self.hanako, shelter=self.gym, method=Method.POSTER_QR, companions=2)
        stay_check_in(resident=self.ichiro, shelter=self.gym, method=Method.PERSONAL_QR)

    def close(self, **kwargs):
        return shelter_set_status(
            shelter=self.gym, status=Shelter.Status.CLOSED, user=self.staff, **kwargs
        )

    def open_stays(self, shelter):
        return Stay.objects.filter(shelter=shelter, checked_out_at__isnull=True)

    def test_closing_with_people_inside_is_refused_without_a_decision(self):
        with self.assertRaises(PeopleStillInside) as refused:
            self.close()
        self.assertEqual(refused.exception.count, 2)
        self.assertIn("2 人が入所中です", refused.exception.message)
        self.gym.refresh_from_db()
        self.assertEqual(self.gym.status, Shelter.Status.OPEN)
        self.assertEqual(self.open_stays(self.gym).count(), 2)
        self.assertFalse(ShelterStatusChange.objects.exists())

    def test_moving_everyone_transfers_each_person_with_their_companions(self):
        self.close(people_inside=MoveEveryone(to=self.hall))
        self.gym.refresh_from_db()
        self.assertEqual(self.gym.status, Shelter.Status.CLOSED)
        self.assertFalse(self.open_stays(self.gym).exists())
        self.assertEqual(occupancy(self.hall).people, 4)
        transfers = PresenceEvent.objects.filter(kind=PresenceEvent.Kind.TRANSFER)
        self.assertEqual(
            sorted(transfers.values_list("resident__pk", "from_shelter", "shelter", "by_user")),
            sorted(
                (person.pk, self.gym.pk, self.hall.pk, self.staff.pk)
                for person in (self.hanako, self.ichiro)
            ),
        )
        change = self.gym.status_changes.get()
        self.assertEqual((change.status, change.changed_by), ("closed", self.staff))
        self.assertEqual(change.note, "2 人を「谷地頭町会館」へ移動して閉鎖")

    def test_checking_everyone_out_ends_every_stay_and_records_the_reason(self):
        self.close(people_inside=CheckEveryoneOut(reason="  避難指示が解除されたため "))
        self.gym.refresh_from_db()
        self.assertEqual(self.gym.status, Shelter.Status.CLOSED)
        self.assertFalse(Stay.objects.filter(checked_out_at__isnull=True).exists())
        check_outs = PresenceEvent.objects.filter(kind=PresenceEvent.Kind.CHECK_OUT)
        self.assertEqual(check_outs.count(), 2)
        self.assertEqual(set(check_outs.values_list("by_user", flat=True)), {self.staff.pk})
        self.assertEqual(
            self.gym.status_changes.get().note,
            "2 人を退所にして閉鎖（理由：避難指示が解除されたため）",
        )

    def test_a_check_out_needs_a_reason(self):
        with self.assertRaises(StatusChangeRefused):
            self.close(people_inside=CheckEveryoneOut(reason=" "))
        self.assertEqual(self.open_stays(self.gym).count(), 2)

    def test_a_closed_destination_is_refused_and_nobody_moves(self):
        shelter_set_status(shelter=self.hall, status=Shelter.Status.CLOSED)
        with self.assertRaises(StatusChangeRefused) as refused:
            self.close(people_inside=MoveEveryone(to=self.hall))  # read as open, now closed
        self.assertIn("移動先の「谷地頭町会館」は閉鎖中です", refused.exception.message)
        self.gym.refresh_from_db()
        self.assertEqual(self.gym.status, Shelter.Status.OPEN)
        self.assertEqual(self.open_stays(self.gym).count(), 2)

    def test_the_closing_shelter_is_not_a_destination(self):
        with self.assertRaises(StatusChangeRefused):
            self.close(people_inside=MoveEveryone(to=self.gym))
        self.assertEqual(self.open_stays(self.gym).count(), 2)

    def test_an_empty_shelter_closes_without_a_decision(self):
        shelter_set_status(shelter=self.hall, status=Shelter.Status.CLOSED, user=self.staff)
        self.hall.refresh_from_db()
        self.assertEqual(self.hall.status, Shelter.Status.CLOSED)
        self.assertEqual(self.hall.status_changes.get().note, "")

    def test_a_closed_shelter_is_opened_before_it_is_marked_full(self):
        self.close(people_inside=MoveEveryone(to=self.hall))
        with self.assertRaises(StatusChangeRefused) as refused:
            shelter_set_status(shelter=self.gym, status=Shelter.Status.FULL)
        self.assertIn("先に開設してください", refused.exception.message)
        self.gym.refresh_from_db()
        self.assertEqual(self.gym.status, Shelter.Status.CLOSED)

    def test_arrivals_read_before_the_close_are_refused_after_it(self):
        stale = Shelter.objects.get(pk=self.gym.pk)  # read as open, like a page left open
        self.close(people_inside=CheckEveryoneOut(reason="閉鎖"))
        with self.assertRaises(ShelterClosed):
            stay_check_in(resident=self.hanako, shelter=stale, method=Method.POSTER_QR)
        with self.assertRaises(ShelterClosed):
            stay_transfer(resident=make_resident("別の 人"), to_shelter=stale)
        self.assertFalse(Stay.objects.filter(checked_out_at__isnull=True).exists())

    def test_a_closed_shelter_is_never_shown_with_room(self):
        self.close(people_inside=CheckEveryoneOut(reason="閉鎖"))
        self.assertEqual(occupancy(self.gym).congestion, "closed")
        self.assertEqual(occupancy(self.gym).congestion_label, "受け入れ停止")
        self.assertEqual(congestion(people=0, capacity=10, status="closed"), "closed")
