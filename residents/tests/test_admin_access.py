from hakobou.testing.cast import BaseTestCase


class AdminAccessTestCase(BaseTestCase):
    def test_volunteer_cannot_open_admin(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get("/admin/")
        self.assertRedirects(response, "/admin/login/?next=/admin/")

    def test_anonymous_cannot_open_admin(self):
        response = self.client.get("/admin/areas/area/")
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/admin/login/"))

    def test_staff_manage_areas_and_responders_in_admin(self):
        self.client.force_login(self.staff)
        self.assertContains(self.client.get("/admin/areas/area/"), "テスト甲町会")
        page = self.client.get(f"/admin/auth/user/{self.volunteer_a.pk}/change/")
        self.assertContains(page, "担当地区")


class ResidentAdminTestCase(BaseTestCase):
    def setUp(self):
        import datetime

        from residents.models import Account, TakeoverRequest
        from residents.registration import resident_create_manual, resident_link_registry
        from residents.tests.factories import RegistryPersonFactory

        self.unverified = resident_create_manual(
            account=Account.objects.create(),
            relation="self",
            name="旅行 花子",
            name_kana="リョコウ ハナコ",
            birth_date=datetime.date(1990, 1, 1),
            address="ホテル",
        )
        person = RegistryPersonFactory()
        first = Account.objects.create(line_user_id="U" + "e" * 32)
        second = Account.objects.create(line_user_id="U" + "f" * 32)
        resident_link_registry(account=first, person=person, relation="self")
        resident_link_registry(account=second, person=person, relation="self")
        self.request = TakeoverRequest.objects.get()
        self.second = second

    def test_staff_see_unverified_residents_marked(self):
        self.client.force_login(self.staff)
        page = self.client.get("/admin/residents/resident/?verified=no")
        self.assertContains(page, "旅行 花子")
        self.assertNotContains(page, "函館 太郎")

    def test_staff_approve_a_takeover_with_an_admin_action(self):
        from residents.models import ResidentLink, TakeoverRequest

        self.client.force_login(self.staff)
        self.client.post(
            "/admin/residents/takeoverrequest/",
            {"action": "approve", "_selected_action": [self.request.pk]},
        )
        self.request.refresh_from_db()
        self.assertEqual(self.request.status, TakeoverRequest.Status.APPROVED)
        self.assertTrue(ResidentLink.objects.filter(account=self.second, relation="self").exists())

    def test_a_volunteer_cannot_open_resident_admin(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get("/admin/residents/resident/")
        self.assertEqual(response.status_code, 302)
