"""Drill sign-in on a server others can reach: a visitor makes their own simulated LINE
user; only staff, or the browser that made one, may sign in as an existing one, and
only staff see the list of simulated users on the start page."""

from django.test import Client

from hakobou.testing.cast import BaseTestCase
from messaging import simulator
from messaging.models import SimulatedUser
from residents.models import Account

START = "/my/start/"
SIMULATOR_SESSION = "/my/simulator-session/"
REFUSED = "LINE ユーザーを選ぶか、新しい名前を入力してください。"


class DrillSignInTestCase(BaseTestCase):
    def setUp(self):
        # A drill resident someone else made, with her own reports and pickups.
        self.hanako = simulator.simulated_user_create(display_name="訓練 花子")

    def signed_in_line_user(self, client: Client) -> str | None:
        """The LINE user id of the account this client is signed in as (None: nobody)."""
        response = client.get("/my/")
        if response.status_code != 200:
            return None
        return Account.objects.get(pk=client.session["resident_account_id"]).line_user_id

    def create(self, client: Client, display_name: str) -> str:
        response = client.post(SIMULATOR_SESSION, {"display_name": display_name})
        self.assertRedirects(response, "/my/", fetch_redirect_response=False)
        return self.signed_in_line_user(client)

    def choose(self, client: Client, user_id: str):
        return client.post(SIMULATOR_SESSION, {"user_id": user_id}, follow=True)

    def test_anonymous_visitors_do_not_see_the_list_of_simulated_users(self):
        page = self.client.get(START)
        self.assertContains(page, "LINE で開く（訓練）")
        self.assertNotContains(page, "訓練 花子")
        self.assertNotContains(page, self.hanako.user_id)

    def test_staff_see_every_simulated_user_on_the_start_page(self):
        self.client.force_login(self.staff)
        page = self.client.get(START)
        self.assertContains(page, "訓練 花子")
        self.assertContains(page, f'value="{self.hanako.user_id}"')

    def test_a_volunteer_does_not_see_the_list_either(self):
        self.client.force_login(self.volunteer_a)
        self.assertNotContains(self.client.get(START), "訓練 花子")

    def test_signing_in_as_someone_elses_simulated_user_is_refused(self):
        response = self.choose(self.client, self.hanako.user_id)
        self.assertContains(response, REFUSED)
        self.assertIsNone(self.signed_in_line_user(self.client))
        self.assertFalse(Account.objects.filter(line_user_id=self.hanako.user_id).exists())

    def test_someone_elses_user_is_refused_like_an_unknown_one(self):
        unknown = self.choose(self.client, "U" + "0" * 32)
        known = self.choose(self.client, self.hanako.user_id)
        self.assertEqual(unknown.redirect_chain, known.redirect_chain)
        self.assertContains(unknown, REFUSED)
        self.assertContains(known, REFUSED)

    def test_a_volunteer_cannot_sign_in_as_a_simulated_user_either(self):
        self.client.force_login(self.volunteer_a)
        self.assertContains(self.choose(self.client, self.hanako.user_id), REFUSED)
        self.assertIsNone(self.signed_in_line_user(self.client))

    def test_staff_may_sign_in_as_any_simulated_user(self):
        self.client.force_login(self.staff)
        response = self.choose(self.client, self.hanako.user_id)
        self.assertEqual(response.redirect_chain[-1][0], "/my/")
        self.assertEqual(self.signed_in_line_user(self.client), self.hanako.user_id)

    def test_a_new_visitor_can_still_make_their_own_simulated_user(self):
        line_user_id = self.create(self.client, "訓練 次郎")
        self.assertEqual(SimulatedUser.objects.get(user_id=line_user_id).display_name, "訓練 次郎")

    def test_the_browser_that_made_a_simulated_user_may_sign_in_as_it_again(self):
        jiro = self.create(self.client, "訓練 次郎")
        saburo = self.create(self.client, "訓練 三郎")  # one phone, two family members
        self.assertEqual(self.choose(self.client, jiro).redirect_chain[-1][0], "/my/")
        self.assertEqual(self.signed_in_line_user(self.client), jiro)
        self.choose(self.client, saburo)
        self.assertEqual(self.signed_in_line_user(self.client), saburo)

    def test_another_browser_cannot_sign_in_as_a_user_this_one_made(self):
        jiro = self.create(self.client, "訓練 次郎")
        other = Client()
        self.assertContains(self.choose(other, jiro), REFUSED)
        self.assertIsNone(self.signed_in_line_user(other))
        self.assertNotContains(other.get(START), "訓練 次郎")

    def test_signing_out_makes_the_browser_forget_the_users_it_made(self):
        # A shared drill tablet: the next person must not reopen the last one's user.
        jiro = self.create(self.client, "訓練 次郎")
        self.client.post("/my/sign-out/")
        self.assertIsNone(self.signed_in_line_user(self.client))
        self.assertContains(self.choose(self.client, jiro), REFUSED)
        self.assertIsNone(self.signed_in_line_user(self.client))
