"""Closing a shelter from the board: with people inside, a small form asks where they go
(another open shelter, or checked out with a reason) before anything changes."""

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.models import Method, Shelter, Stay
from shelters.services import shelter_set_status, stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident


class CloseFromTheBoardTestCase(BaseTestCase):
    def setUp(self):
        self.gym = ShelterFactory(code="S101", name="青柳小学校 体育館")
        self.hall = ShelterFactory(code="S102", name="谷地頭町会館")
        self.closed = ShelterFactory(code="S103", name="閉鎖中の公民館", status="closed")
        stay_check_in(
            resident=make_resident("避難 花子"),
            shelter=self.gym,
            method=Method.POSTER_QR,
            companions=1,
        )
        stay_check_in(
            resident=make_resident("避難 一郎"), shelter=self.gym, method=Method.POSTER_QR
        )
        self.url = f"/dashboard/shelters/{self.gym.pk}/status"
        self.client.force_login(self.staff)

    def confirm(self, **answer):
        return self.client.post(self.url, {"status": "closed", "confirm": "1", **answer})

    def assert_still_open_with_everyone(self):
        self.gym.refresh_from_db()
        self.assertEqual(self.gym.status, Shelter.Status.OPEN)
        self.assertEqual(
            Stay.objects.filter(shelter=self.gym, checked_out_at__isnull=True).count(), 2
        )

    def test_the_close_button_asks_what_to_do_with_the_people_inside(self):
        page = self.client.post(self.url, {"status": "closed"})
        self.assertEqual(page.status_code, 200)
        self.assertTemplateUsed(page, "dashboard/shelter_close.html")
        self.assertContains(page, "いま 3 人が入所しています")
        self.assertContains(page, "登録済みの方 2 人、登録のない同行者 1 人")
        self.assertContains(page, "ほかの避難所へ移動する")
        self.assertContains(page, "全員を退所にする")
        # Open shelters only, never the closing one or a closed one.
        self.assertContains(page, "谷地頭町会館（空きあり・入所 0 人 / 定員 10 人）")
        self.assertNotContains(page, "閉鎖中の公民館")
        self.assertNotContains(page, f'<option value="{self.gym.pk}"')
        self.assert_still_open_with_everyone()

    def test_moving_everyone_closes_the_shelter(self):
        response = self.confirm(decision="move", to_shelter=self.hall.pk)
        self.assertRedirects(response, "/dashboard/shelters/", fetch_redirect_response=False)
        self.gym.refresh_from_db()
        self.assertEqual(self.gym.status, Shelter.Status.CLOSED)
        self.assertEqual(
            Stay.objects.filter(shelter=self.hall, checked_out_at__isnull=True).count(), 2
        )
        board = self.client.get("/dashboard/shelters/")
        self.assertContains(board, "「青柳小学校 体育館」を「閉鎖」にしました。")
        self.assertContains(board, "入所中だった方は「谷地頭町会館」へ移動しました。")

    def test_checking_everyone_out_closes_the_shelter(self):
        response = self.confirm(decision="check_out", reason="避難指示が解除されたため")
        self.assertRedirects(response, "/dashboard/shelters/", fetch_redirect_response=False)
        self.assertFalse(Stay.objects.filter(checked_out_at__isnull=True).exists())
        self.assertIn("避難指示が解除されたため", self.gym.status_changes.get().note)
        self.assertContains(
            self.client.get("/dashboard/shelters/"), "入所中だった方は退所にしました。"
        )

    def test_each_missing_answer_is_asked_for_and_nothing_changes(self):
        cases = [
            ({}, "移動するか退所にするかを選んでください。"),
            ({"decision": "move"}, "移動先の避難所を選んでください。"),
            ({"decision": "move", "to_shelter": self.closed.pk}, "その避難所には移動できません"),
            ({"decision": "check_out", "reason": "  "}, "退所にする理由を入力してください。"),
            ({"decision": "check_out", "reason": "あ" * 151}, "150 文字以内で入力してください。"),
        ]
        for answer, message in cases:
            with self.subTest(answer=answer):
                page = self.confirm(**answer)
                self.assertEqual(page.status_code, 200)
                self.assertContains(page, message)
                self.assertContains(page, "いま 3 人が入所しています")
                self.assert_still_open_with_everyone()

    def test_a_destination_closed_after_the_form_was_shown_is_refused_politely(self):
        page = self.client.post(self.url, {"status": "closed"})
        self.assertContains(page, "谷地頭町会館")
        shelter_set_status(shelter=self.hall, status=Shelter.Status.CLOSED)
        page = self.confirm(decision="move", to_shelter=self.hall.pk)
        self.assertContains(page, "その避難所には移動できません")
        self.assert_still_open_with_everyone()

    def test_an_empty_shelter_closes_at_once(self):
        response = self.client.post(
            f"/dashboard/shelters/{self.hall.pk}/status", {"status": "closed"}
        )
        self.assertRedirects(response, "/dashboard/shelters/", fetch_redirect_response=False)
        self.hall.refresh_from_db()
        self.assertEqual(self.hall.status, Shelter.Status.CLOSED)

    def test_a_closed_shelter_cannot_be_marked_full(self):
        response = self.client.post(
            f"/dashboard/shelters/{self.closed.pk}/status", {"status": "full"}, follow=True
        )
        self.assertContains(response, "閉鎖中のため満員にできません。先に開設してください。")
        self.closed.refresh_from_db()
        self.assertEqual(self.closed.status, Shelter.Status.CLOSED)

    def test_only_city_staff_may_close_even_the_shelters_own_reception_may_not(self):
        clerk = responder_upsert(
            username="reception-aoyagi", password=PASSWORD, role=Role.RECEPTION, areas=[]
        )
        self.gym.reception.add(clerk)
        for user in (clerk, self.volunteer_a):
            with self.subTest(user=user.username):
                self.client.force_login(user)
                self.assertEqual(self.client.post(self.url, {"status": "closed"}).status_code, 403)
                response = self.confirm(decision="check_out", reason="閉鎖")
                self.assertEqual(response.status_code, 403)
        self.assert_still_open_with_everyone()
