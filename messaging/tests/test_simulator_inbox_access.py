"""Who may open the simulator's inbox: staff see everyone, a resident signed in as a
simulated LINE user only their own chat, anyone else is sent to the start page."""

from hakobou.testing.cast import BaseTestCase
from messaging import simulator


class InboxAccessTestCase(BaseTestCase):
    def setUp(self):
        self.hanako = simulator.simulated_user_create(display_name="函館 花子")
        self.taro = simulator.simulated_user_create(display_name="函館 太郎")

    def chat(self, line_user) -> str:
        return f"/line-sim/inbox/{line_user.user_id}/"

    def sign_in_as(self, line_user) -> None:
        response = self.client.post(
            "/my/session/", {"id_token": simulator.id_token_issue(line_user)}
        )
        assert response.status_code == 200, response.content

    def test_staff_see_every_simulated_user(self):
        self.client.force_login(self.staff)
        page = self.client.get("/line-sim/inbox/")
        self.assertContains(page, "函館 花子")
        self.assertContains(page, "函館 太郎")
        self.assertContains(self.client.get(self.chat(self.taro)), "函館 太郎 さんのトーク")

    def test_a_resident_is_taken_from_the_list_to_their_own_chat(self):
        self.sign_in_as(self.hanako)
        self.assertRedirects(self.client.get("/line-sim/inbox/"), self.chat(self.hanako))
        self.assertContains(self.client.get(self.chat(self.hanako)), "函館 花子 さんのトーク")

    def test_a_resident_cannot_open_someone_elses_chat(self):
        self.sign_in_as(self.hanako)
        self.assertEqual(self.client.get(self.chat(self.taro)).status_code, 403)
        poll = self.client.get(self.chat(self.taro) + "messages/?after=0")
        self.assertEqual(poll.status_code, 403)

    def test_a_resident_cannot_act_for_someone_else(self):
        self.sign_in_as(self.hanako)
        response = self.client.post(self.chat(self.taro) + "unfollow/")
        self.assertEqual(response.status_code, 403)
        self.taro.refresh_from_db()
        self.assertTrue(self.taro.is_friend)

    def test_a_resident_cannot_create_users_or_inject_faults(self):
        self.sign_in_as(self.hanako)
        self.assertEqual(
            self.client.post("/line-sim/inbox/new/", {"display_name": "偽"}).status_code, 403
        )
        response = self.client.post("/line-sim/inbox/config/", {"share_500": "1"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(simulator.config().share_500, 0)

    def test_anonymous_is_sent_to_the_start_page(self):
        for url in ("/line-sim/inbox/", self.chat(self.hanako)):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 302)
                self.assertTrue(response["Location"].startswith("/my/start/?next="))

    def test_a_volunteer_without_a_line_identity_is_sent_to_the_start_page(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get(self.chat(self.hanako))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/my/start/"))
        self.assertEqual(self.client.post("/line-sim/inbox/new/").status_code, 403)

    def test_actions_need_a_csrf_token(self):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(self.staff)
        response = client.post(self.chat(self.hanako) + "unfollow/")
        self.assertEqual(response.status_code, 403)
        self.hanako.refresh_from_db()
        self.assertTrue(self.hanako.is_friend)

    def test_an_unknown_user_is_not_found(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.client.get("/line-sim/inbox/U" + "0" * 32 + "/").status_code, 404)
