"""The shelter status board: live occupancy, congestion and care counts, polled with an ETag."""

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.models import Method, Shelter, ShelterStatusChange
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident


class BoardTestCase(BaseTestCase):
    def setUp(self):
        self.gym = ShelterFactory(code="S101", name="青柳小学校 体育館", capacity=5)
        self.park = ShelterFactory(code="S102", name="函館公園", capacity=100)
        for care, companions in ((["elderly"], 0), (["elderly", "pet"], 0), ([], 1)):
            resident = make_resident()
            resident.care = care
            resident.save()
            stay_check_in(
                resident=resident, shelter=self.gym, method=Method.POSTER_QR, companions=companions
            )

    def board(self, **headers):
        return self.client.get("/api/shelters/board", headers=headers)

    def test_it_counts_people_and_care_considerations_per_shelter(self):
        self.client.force_login(self.volunteer_a)
        gym, park = self.board().json()["shelters"]
        self.assertEqual((gym["people"], gym["capacity"], gym["congestion"]), (4, 5, "crowded"))
        self.assertEqual(gym["congestion_label"], "混雑")
        self.assertEqual(gym["care"], {"elderly": 2, "pet": 1})
        self.assertEqual((park["people"], park["care"]), (0, {}))

    def test_an_unchanged_board_answers_not_modified(self):
        self.client.force_login(self.staff)
        first = self.board()
        again = self.board(if_none_match=first["ETag"])
        self.assertEqual(again.status_code, 304)
        stay_check_in(resident=make_resident(), shelter=self.park, method=Method.POSTER_QR)
        self.assertEqual(self.board(if_none_match=first["ETag"]).status_code, 200)

    def test_the_board_page_shows_each_shelter(self):
        self.client.force_login(self.volunteer_a)
        page = self.client.get("/dashboard/shelters/")
        self.assertContains(page, "青柳小学校 体育館")
        self.assertContains(page, "高齢 2")
        # A volunteer is not this shelter's reception: no reception or roster links.
        self.assertNotContains(page, f"/dashboard/reception/{self.gym.pk}/")

    def test_people_without_a_role_see_nothing(self):
        self.assertIn(self.board().status_code, (401, 403))
        outsider = responder_upsert(
            username="reception-x", password=PASSWORD, role=Role.RECEPTION, areas=[]
        )
        outsider.groups.clear()
        self.client.force_login(outsider)
        self.assertEqual(self.board().status_code, 403)
        self.assertEqual(self.client.get("/dashboard/shelters/").status_code, 403)


class StatusFromBoardTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(status=Shelter.Status.CLOSED)

    def test_staff_open_a_shelter_from_the_board_with_history(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/dashboard/shelters/{self.shelter.pk}/status", {"status": "open"}, follow=True
        )
        self.assertContains(response, "開設")
        self.shelter.refresh_from_db()
        self.assertEqual(self.shelter.status, "open")
        self.assertEqual(ShelterStatusChange.objects.get().changed_by, self.staff)

    def test_a_volunteer_cannot_open_or_close_shelters(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.post(
            f"/dashboard/shelters/{self.shelter.pk}/status", {"status": "open"}
        )
        self.assertEqual(response.status_code, 403)
        self.shelter.refresh_from_db()
        self.assertEqual(self.shelter.status, "closed")

    def test_an_unknown_status_changes_nothing(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/dashboard/shelters/{self.shelter.pk}/status", {"status": "exploded"}, follow=True
        )
        self.assertContains(response, "状態の指定が正しくありません")
        self.assertFalse(ShelterStatusChange.objects.exists())
