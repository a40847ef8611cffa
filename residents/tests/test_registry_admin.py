import datetime

from residents.models import RegistryPerson
from residents.tests.registry_files import ImportTestCase, person

CHANGELIST = "/admin/residents/registryperson/"


class RegistryAdminTestCase(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.import_rows([person("0000000001"), person("0000000002", 氏名="佐藤　花子")])
        self.client.force_login(self.staff)

    def test_it_lists_decrypted_people_for_staff(self):
        page = self.client.get(CHANGELIST)
        self.assertContains(page, "山田　太郎")
        self.assertContains(page, "ヤマダ　タロウ")
        self.assertContains(page, "佐藤　花子")
        self.assertContains(page, "暗号化して保存しているため")

    def test_it_searches_by_resident_number(self):
        page = self.client.get(CHANGELIST, {"q": "0000000002"})
        self.assertContains(page, "佐藤　花子")
        self.assertNotContains(page, "山田　太郎")

    def test_it_shows_a_person_read_only(self):
        taro = RegistryPerson.objects.get(resident_number="0000000001")
        page = self.client.get(f"{CHANGELIST}{taro.pk}/change/")
        self.assertContains(page, "山田　太郎")
        self.assertNotContains(page, 'name="name"')
        response = self.client.post(f"{CHANGELIST}{taro.pk}/change/", {"name": "書き換え"})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(RegistryPerson.objects.get(pk=taro.pk).name, "山田　太郎")
        self.assertEqual(taro.birth_date, datetime.date(1970, 3, 2))

    def test_it_offers_no_add_or_delete(self):
        self.assertEqual(self.client.get(f"{CHANGELIST}add/").status_code, 403)
        taro = RegistryPerson.objects.get(resident_number="0000000001")
        self.assertEqual(self.client.get(f"{CHANGELIST}{taro.pk}/delete/").status_code, 403)

    def test_it_refuses_volunteers(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get(CHANGELIST)
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/admin/login/"))
