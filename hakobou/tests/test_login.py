from hakobou.testing.cast import PASSWORD, BaseTestCase


class LoginTestCase(BaseTestCase):
    def test_it_shows_a_japanese_login_page(self):
        response = self.client.get("/login/")
        self.assertContains(response, "担当者ログイン")
        self.assertContains(response, 'autocomplete="current-password"')

    def test_a_volunteer_logs_in_and_lands_on_the_dashboard(self):
        response = self.client.post("/login/", {"username": "volunteer-a", "password": PASSWORD})
        self.assertRedirects(response, "/dashboard/")

    def test_it_follows_next_after_login(self):
        response = self.client.post(
            "/login/?next=/dashboard/",
            {"username": "volunteer-a", "password": PASSWORD, "next": "/dashboard/"},
        )
        self.assertRedirects(response, "/dashboard/")

    def test_a_wrong_password_gets_a_polite_message_and_keeps_the_username(self):
        response = self.client.post("/login/", {"username": "volunteer-a", "password": "nope"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'role="alert"')
        self.assertContains(response, 'value="volunteer-a"')

    def test_the_message_is_in_english_for_english_browsers(self):
        response = self.client.post(
            "/login/", {"username": "volunteer-a", "password": "nope"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertContains(response, "Please enter a correct username and password")
        self.assertContains(response, "Staff sign-in")

    def test_logout_needs_a_post_and_returns_to_login(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.post("/logout/")
        self.assertRedirects(response, "/login/")
        self.assertRedirects(self.client.get("/dashboard/"), "/login/?next=/dashboard/")
