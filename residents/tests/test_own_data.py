import datetime

from django.test import TestCase

from residents.models import Account, Resident, ResidentLink
from residents.registration import resident_create_manual, resident_link_registry
from residents.tests.base import ResidentClientMixin
from residents.tests.factories import RegistryPersonFactory

SELF, FAMILY = ResidentLink.Relation.SELF, ResidentLink.Relation.FAMILY


def manual(account, relation=SELF, **overrides):
    fields = dict(
        name="旅行 花子",
        name_kana="リョコウ ハナコ",
        birth_date=datetime.date(1990, 5, 1),
        address="函館市若松町",
        phone="",
    )
    fields.update(overrides)
    return resident_create_manual(account=account, relation=relation, **fields)


class ProxyPermissionTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        self.account = self.sign_in_as_line_user()
        self.own = manual(self.account)
        self.unrelated = manual(
            Account.objects.create(line_user_id="U" + "c" * 32), name="他人 一郎"
        )

    def test_a_resident_sees_their_own_registration(self):
        self.assertContains(self.client.get(f"/my/residents/{self.own.pk}/"), "旅行 花子")

    def test_an_unrelated_resident_is_not_found(self):
        self.assertEqual(self.client.get(f"/my/residents/{self.unrelated.pk}/").status_code, 404)

    def test_an_unrelated_resident_cannot_be_changed_or_unlinked(self):
        url = f"/my/residents/{self.unrelated.pk}/"
        response = self.client.post(
            url,
            {
                "name": "乗っ取り",
                "name_kana": "ノットリ",
                "era": "平成",
                "year": 2,
                "month": 5,
                "day": 1,
                "address": "x",
            },
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.client.post(f"{url}unlink/").status_code, 404)
        self.unrelated.refresh_from_db()
        self.assertEqual(self.unrelated.name, "他人 一郎")

    def test_anonymous_visitors_see_nothing(self):
        self.client.post("/my/sign-out/")
        response = self.client.get(f"/my/residents/{self.own.pk}/")
        self.assertRedirects(response, f"/my/start/?next=%2Fmy%2Fresidents%2F{self.own.pk}%2F")


class CorrectOwnDataTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        self.account = self.sign_in_as_line_user()

    def test_self_entered_data_can_be_corrected(self):
        resident = manual(self.account)
        response = self.client.post(
            f"/my/residents/{resident.pk}/",
            {
                "name": "旅行 華子",
                "name_kana": "リョコウ ハナコ",
                "era": "平成",
                "year": 2,
                "month": 5,
                "day": 1,
                "address": "函館市大森町",
                "phone": "0138-00-0000",
            },
        )
        self.assertRedirects(response, f"/my/residents/{resident.pk}/")
        resident.refresh_from_db()
        self.assertEqual((resident.name, resident.address), ("旅行 華子", "函館市大森町"))
        self.assertEqual(resident.phone, "0138-00-0000")

    def test_registry_data_is_shown_but_only_the_phone_is_editable(self):
        person = RegistryPersonFactory()
        resident = resident_link_registry(
            account=self.account, person=person, relation=SELF
        ).resident
        page = self.client.get(f"/my/residents/{resident.pk}/")
        self.assertContains(page, "函館 太郎")
        self.assertContains(page, "1970年3月2日")
        self.assertNotContains(page, 'name="name"')
        self.client.post(f"/my/residents/{resident.pk}/", {"phone": "090-1111-2222", "name": "x"})
        resident.refresh_from_db()
        person.refresh_from_db()
        self.assertEqual(resident.phone, "090-1111-2222")
        self.assertEqual(person.name, "函館 太郎")


class WithdrawTestCase(ResidentClientMixin, TestCase):
    def test_withdrawing_unlinks_everyone_and_erases_their_own_data(self):
        account = self.sign_in_as_line_user()
        person = RegistryPersonFactory()
        resident_link_registry(account=account, person=person, relation=SELF)
        manual(account, relation=FAMILY)
        self.assertContains(self.client.get("/my/withdraw/"), "解除しますか")
        self.assertContains(self.client.post("/my/withdraw/"), "登録を解除しました")
        self.assertFalse(ResidentLink.objects.exists())
        # The rows stay (a shelter's history may point to them), about nobody.
        for resident in Resident.objects.all():
            self.assertIsNotNone(resident.withdrawn_at)
            self.assertEqual(
                (resident.name, resident.name_kana, resident.birth_date, resident.registry_person),
                ("", "", None, None),
            )
            self.assertEqual(resident.display_name, "退会された方")
        person.refresh_from_db()  # the registry record itself is the city's and stays
        account.refresh_from_db()
        self.assertIsNone(account.consented_at)
        self.assertIsNone(account.line_user_id)
        self.assertRedirects(self.client.get("/my/"), "/my/start/?next=%2Fmy%2F")

    def test_a_family_member_linked_to_another_account_stays(self):
        account = self.sign_in_as_line_user()
        shared = manual(account, relation=FAMILY)
        other = Account.objects.create(line_user_id="U" + "d" * 32)
        ResidentLink.objects.create(account=other, resident=shared, relation=FAMILY)
        self.client.post("/my/withdraw/")
        self.assertTrue(Resident.objects.filter(pk=shared.pk).exists())
