"""The admin's close action goes through the same service: a shelter with people inside
is left open, with a message that says where to close it from."""

from hakobou.testing.cast import BaseTestCase
from shelters.models import Method, Shelter, Stay
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident


class AdminCloseTestCase(BaseTestCase):
    def setUp(self):
        self.gym = ShelterFactory(name="青柳小学校 体育館")
        self.empty = ShelterFactory(name="谷地頭町会館")
        stay_check_in(resident=make_resident(), shelter=self.gym, method=Method.POSTER_QR)
        self.client.force_login(self.staff)

    def act(self, action, *shelters):
        return self.client.post(
            "/admin/shelters/shelter/",
            {"action": action, "_selected_action": [shelter.pk for shelter in shelters]},
            follow=True,
        )

    def test_a_shelter_with_people_inside_is_not_closed_from_the_admin(self):
        response = self.act("close_shelters", self.gym, self.empty)
        self.assertContains(response, "「青柳小学校 体育館」には 1 人が入所中です。")
        self.assertContains(response, "ダッシュボードの「避難所の状況」")
        self.assertContains(response, "1 か所を閉鎖しました。")
        self.gym.refresh_from_db()
        self.empty.refresh_from_db()
        self.assertEqual((self.gym.status, self.empty.status), ("open", "closed"))
        self.assertTrue(Stay.objects.filter(shelter=self.gym, checked_out_at__isnull=True).exists())

    def test_a_closed_shelter_is_not_marked_full_from_the_admin(self):
        self.act("close_shelters", self.empty)
        response = self.act("mark_full", self.empty)
        self.assertContains(response, "閉鎖中のため満員にできません")
        self.empty.refresh_from_db()
        self.assertEqual(self.empty.status, Shelter.Status.CLOSED)
