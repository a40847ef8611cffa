from django.contrib.auth import get_user_model

from hakobou.testing.cast import PASSWORD, BaseTestCase


class DashboardIndexTestCase(BaseTestCase):
    url = "/dashboard/"

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, "/login/?next=/dashboard/")

    def test_it_shows_a_volunteer_only_their_own_areas(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get(self.url)
        self.assertContains(response, "テスト甲町会")
        self.assertNotContains(response, "テスト乙町会")

    def test_it_shows_staff_every_area(self):
        self.client.force_login(self.staff)
        response = self.client.get(self.url)
        self.assertContains(response, "テスト甲町会")
        self.assertContains(response, "テスト乙町会")

    def test_it_refuses_a_logged_in_user_without_a_role(self):
        nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
        self.client.force_login(nobody)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "権限がありません", status_code=403)

    def test_it_refuses_a_deactivated_volunteer(self):
        self.volunteer_a.is_active = False
        self.volunteer_a.save()
        self.client.force_login(self.volunteer_a)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)
