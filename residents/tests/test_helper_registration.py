from hakobou.testing.cast import BaseTestCase
from residents.models import Account, ResidentLink
from residents.tests.factories import AreaFactory, RegistryPersonFactory


class HelperRegistrationTestCase(BaseTestCase):
    """Staff and volunteers register a resident on someone's behalf (代理登録)."""

    def setUp(self):
        self.in_a = RegistryPersonFactory(area=self.area_a, name_kana="コウノ ウメ")
        self.in_b = RegistryPersonFactory(area=self.area_b, name_kana="オツカワ マツ")

    def run_wizard(self, kana):
        self.client.get("/dashboard/register/?restart=1")
        self.client.post("/dashboard/register/kana/", {"kana": kana})
        self.client.post(
            "/dashboard/register/birth/", {"era": "昭和", "year": 45, "month": 3, "day": 2}
        )
        return self.client.get("/dashboard/register/result/")

    def test_a_volunteer_registers_a_resident_of_their_area_and_gets_a_recovery_code(self):
        self.client.force_login(self.volunteer_a)
        self.assertContains(self.run_wizard("コウノ ウメ"), "この方です")
        self.client.post("/dashboard/register/confirm/")
        done = self.client.get("/dashboard/register/done/")
        self.assertContains(done, "復旧コード")
        link = ResidentLink.objects.get(resident__registry_person=self.in_a)
        self.assertEqual(link.relation, ResidentLink.Relation.SELF)
        self.assertIsNone(link.account.line_user_id)
        self.assertEqual(link.resident.registered_by, self.volunteer_a)

    def test_a_volunteer_cannot_find_residents_of_another_area(self):
        self.client.force_login(self.volunteer_a)
        self.assertContains(self.run_wizard("オツカワ マツ"), "見つかりませんでした")

    def test_staff_can_register_anyone_in_the_city(self):
        self.client.force_login(self.staff)
        self.assertContains(self.run_wizard("オツカワ マツ"), "この方です")

    def test_anonymous_and_residents_cannot_use_the_helper_wizard(self):
        self.assertRedirects(
            self.client.get("/dashboard/register/kana/"), "/login/?next=/dashboard/register/kana/"
        )
        self.assertFalse(Account.objects.exists())

    def test_the_volunteer_manual_entry_offers_only_their_areas(self):
        AreaFactory(code="903", name="よその町会")
        self.client.force_login(self.volunteer_a)
        self.run_wizard("ダレモ イナイ")
        page = self.client.get("/dashboard/register/manual/")
        self.assertContains(page, "テスト甲町会")
        self.assertNotContains(page, "テスト乙町会")
        self.assertNotContains(page, "よその町会")
