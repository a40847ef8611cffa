"""Residents keep their care considerations (配慮事項) up to date; reception sees them."""

from django.test import TestCase

from residents.models import ResidentLink
from residents.registration import resident_link_registry
from residents.tests.base import ResidentClientMixin
from residents.tests.factories import RegistryPersonFactory
from residents.tests.test_own_data import manual


class CareConsiderationsTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        self.account = self.sign_in_as_line_user()

    def test_a_registry_matched_resident_can_set_their_care_considerations(self):
        resident = resident_link_registry(
            account=self.account,
            person=RegistryPersonFactory(),
            relation=ResidentLink.Relation.SELF,
        ).resident
        page = self.client.get(f"/my/residents/{resident.pk}/")
        self.assertContains(page, "配慮が必要なこと")
        self.client.post(f"/my/residents/{resident.pk}/", {"phone": "", "care": ["elderly", "pet"]})
        resident.refresh_from_db()
        self.assertEqual(resident.care, ["elderly", "pet"])
        self.assertEqual(resident.get_care_display(), ["高齢", "ペット"])

    def test_an_unknown_consideration_is_refused_and_nothing_changes(self):
        resident = manual(self.account)
        response = self.client.post(
            f"/my/residents/{resident.pk}/",
            {
                "name": "旅行 花子",
                "name_kana": "リョコウ ハナコ",
                "era": "平成",
                "year": 2,
                "month": 5,
                "day": 1,
                "address": "函館市若松町",
                "care": ["elderly", "dragon"],
            },
        )
        self.assertContains(response, "配慮事項の選択が正しくありません")
        resident.refresh_from_db()
        self.assertEqual(resident.care, [])

    def test_clearing_every_box_clears_them(self):
        resident = manual(self.account)
        resident.care = ["infant"]
        resident.save()
        self.client.post(
            f"/my/residents/{resident.pk}/",
            {
                "name": "旅行 花子",
                "name_kana": "リョコウ ハナコ",
                "era": "平成",
                "year": 2,
                "month": 5,
                "day": 1,
                "address": "函館市若松町",
            },
        )
        resident.refresh_from_db()
        self.assertEqual(resident.care, [])
