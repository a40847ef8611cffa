from hakobou.testing.cast import BaseTestCase


class AdminAccessTestCase(BaseTestCase):
    def test_volunteer_cannot_open_admin(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get("/admin/")
        self.assertRedirects(response, "/admin/login/?next=/admin/")

    def test_anonymous_cannot_open_admin(self):
        response = self.client.get("/admin/residents/area/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/admin/login/"))

    def test_staff_manage_areas_and_responders_in_admin(self):
        self.client.force_login(self.staff)
        self.assertContains(self.client.get("/admin/residents/area/"), "テスト甲町会")
        page = self.client.get(f"/admin/auth/user/{self.volunteer_a.pk}/change/")
        self.assertContains(page, "担当地区")
