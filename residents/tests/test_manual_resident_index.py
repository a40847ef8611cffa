"""Someone entered by hand (not in the registry) can be found by furigana + birth date,
by a keyed index like the registry's: their name is encrypted too."""

import datetime
import importlib

from django.apps import apps

from hakobou.testing.cast import BaseTestCase
from residents.models import Account, Resident, ResidentLink
from residents.registration import resident_create_manual, resident_link_registry, resident_update
from residents.selectors import residents_entered_by_hand
from residents.tests.factories import RegistryPersonFactory

BIRTH = datetime.date(1990, 5, 1)


def found(kana: str, birth_date: datetime.date = BIRTH) -> list[Resident]:
    return list(residents_entered_by_hand(Resident.objects.all(), kana=kana, birth_date=birth_date))


def enter_by_hand(name: str, kana: str) -> Resident:
    return resident_create_manual(
        account=Account.objects.create(),
        relation=ResidentLink.Relation.SELF,
        name=name,
        name_kana=kana,
        birth_date=BIRTH,
        address="ホテル",
    )


class ManualResidentIndexTestCase(BaseTestCase):
    def setUp(self):
        self.visitor = enter_by_hand("旅行 花子", "リョコウ ハナコ")

    def test_it_finds_someone_entered_by_hand_whatever_way_the_kana_is_typed(self):
        self.assertEqual(found("りょこう　はなこ"), [self.visitor])
        self.assertEqual(found("ﾘｮｺｳﾊﾅｺ"), [self.visitor])

    def test_it_needs_the_whole_furigana_and_the_right_birth_date(self):
        self.assertEqual(found("リョコウ"), [])
        self.assertEqual(found("リョコウ ハナコ", BIRTH + datetime.timedelta(days=1)), [])

    def test_the_index_follows_a_correction_by_the_resident(self):
        resident_update(resident=self.visitor, name_kana="リョコウ ハナエ")
        self.assertEqual(found("リョコウ ハナコ"), [])
        self.assertEqual(found("リョコウ ハナエ"), [self.visitor])

    def test_the_index_follows_a_correction_by_staff_in_admin(self):
        self.client.force_login(self.staff)
        response = self.client.post(
            f"/admin/residents/resident/{self.visitor.pk}/change/",
            {
                "name": "旅行 花子",
                "name_kana": "リョコウ ハナコ",
                "birth_date": "1990-05-02",
                "address": "ホテル",
                "phone": "",
                "area": "",
                "care": "[]",
                "links-TOTAL_FORMS": "1",
                "links-INITIAL_FORMS": "1",
                "links-MIN_NUM_FORMS": "0",
                "links-MAX_NUM_FORMS": "1000",
                "links-0-id": str(self.visitor.links.get().pk),
                "links-0-resident": str(self.visitor.pk),
            },
        )
        self.assertEqual(response.status_code, 302, response.content[:2000])
        self.assertEqual(found("リョコウ ハナコ"), [])
        self.assertEqual(found("リョコウ ハナコ", datetime.date(1990, 5, 2)), [self.visitor])

    def test_a_verified_resident_is_found_through_the_registry_not_this_index(self):
        person = RegistryPersonFactory(name_kana="リョコウ ハナコ", birth_date=BIRTH)
        resident = resident_link_registry(
            account=Account.objects.create(), person=person, relation=ResidentLink.Relation.SELF
        ).resident
        self.assertEqual(resident.match_index, "")
        self.assertEqual(found("リョコウ ハナコ"), [self.visitor])

    def test_the_migration_indexes_residents_entered_before_it(self):
        migration = importlib.import_module("residents.migrations.0006_resident_match_index")
        Resident.objects.update(match_index="")
        self.assertEqual(found("リョコウ ハナコ"), [])
        migration.index_residents_entered_by_hand(apps, None)
        self.assertEqual(found("リョコウ ハナコ"), [self.visitor])

    def test_the_migration_skips_a_row_it_cannot_decrypt_instead_of_stopping_the_deploy(self):
        from lib.crypto import generate_key
        from residents.tests.test_rotate_keys import keys

        migration = importlib.import_module("residents.migrations.0006_resident_match_index")
        old_data, index = generate_key(), generate_key()
        with keys(old_data, index):
            lost = enter_by_hand("鍵 なし", "カギ ナシ")
        Resident.objects.update(match_index="")
        # The key of that one row is no longer configured; the rest are still readable.
        with self.assertLogs("residents.migrations", "WARNING") as logged:
            migration.index_residents_entered_by_hand(apps, None)
        self.assertIn("1 residents entered by hand could not be decrypted", logged.output[0])
        self.assertEqual(found("リョコウ ハナコ"), [self.visitor])
        unread = Resident.objects.filter(pk=lost.pk).values_list("match_index", flat=True)
        self.assertEqual(list(unread), [""])
