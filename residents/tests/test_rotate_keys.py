import datetime
from contextlib import contextmanager
from io import StringIO

from django.core.management import call_command
from django.db import models
from django.db.models.functions import Cast
from django.test import override_settings

from hakobou.testing.cast import BaseTestCase
from lib.crypto import generate_key, key_id, parse_keys, reset_caches
from residents.blind_index import match_index
from residents.models import Account, RegistryPerson, Resident
from residents.registration import resident_create_manual
from residents.selectors import registry_candidates

DATA_A, DATA_B = generate_key(), generate_key()
INDEX_A, INDEX_B = generate_key(), generate_key()
BIRTH = datetime.date(1950, 5, 17)


@contextmanager
def keys(data: str, index: str):
    with override_settings(RESIDENT_DATA_KEY=data, RESIDENT_INDEX_KEY=index):
        reset_caches()
        try:
            yield
        finally:
            reset_caches()
    reset_caches()


def raw_names() -> list[str]:
    return list(
        RegistryPerson.objects.annotate(raw=Cast("name", output_field=models.TextField()))
        .order_by("pk")
        .values_list("raw", flat=True)
    )


class RotateKeysTestCase(BaseTestCase):
    def setUp(self):
        with keys(DATA_A, INDEX_A):
            for n in range(3):
                RegistryPerson.objects.create(
                    resident_number=f"{n:010d}",
                    name=f"函館　{n}郎",
                    name_kana="ハコダテ　イチロウ",
                    birth_date=BIRTH + datetime.timedelta(days=n),
                    address="北海道函館市青柳町1番1号",
                    household_number=f"{n:08d}",
                    area=self.area_a,
                    match_index=match_index(
                        "ハコダテ　イチロウ", BIRTH + datetime.timedelta(days=n)
                    ),
                )
            resident_create_manual(
                account=Account.objects.create(),
                relation="self",
                name="旅行　者",
                name_kana="リョコウ シャ",
                birth_date=BIRTH,
                address="ホテル",
                phone="090-0000-0000",
            )

    def rotate(self) -> str:
        out = StringIO()
        call_command("rotate_resident_keys", "--batch-size", "2", stdout=out, stderr=StringIO())
        return out.getvalue()

    def test_it_rewrites_every_row_under_the_new_keys(self):
        with keys(f"{DATA_B},{DATA_A}", f"{INDEX_B},{INDEX_A}"):
            out = self.rotate()
        self.assertIn("residents.RegistryPerson: 3 rows checked, 3 rewritten", out)
        self.assertIn("residents.Resident: 1 rows checked, 1 rewritten", out)

        with keys(DATA_B, INDEX_B):
            new_id = key_id(parse_keys("RESIDENT_DATA_KEY", DATA_B)[0])
            self.assertTrue(all(raw.startswith(f"g1:{new_id}:") for raw in raw_names()))
            self.assertEqual(
                [p.name for p in RegistryPerson.objects.order_by("pk")],
                ["函館　0郎", "函館　1郎", "函館　2郎"],
            )
            visitor = Resident.objects.get()
            self.assertEqual((visitor.name, visitor.phone, visitor.birth_date),
                             ("旅行　者", "090-0000-0000", BIRTH))  # fmt: skip
            found = registry_candidates(
                kana="はこだて いちろう", birth_date=BIRTH + datetime.timedelta(days=1)
            )
            self.assertEqual([p.resident_number for p in found], ["0000000001"])
            entered_by_hand = Resident.objects.filter(
                match_index=match_index("リョコウ シャ", BIRTH)
            )  # under the new index key only
            self.assertEqual(list(entered_by_hand), [visitor])

    def test_it_finds_nothing_to_do_the_second_time(self):
        with keys(f"{DATA_B},{DATA_A}", f"{INDEX_B},{INDEX_A}"):
            self.rotate()
            before = raw_names()
            out = self.rotate()
            self.assertEqual(raw_names(), before)
        self.assertIn("residents.RegistryPerson: 3 rows checked, 0 rewritten", out)
        self.assertIn("residents.Resident: 1 rows checked, 0 rewritten", out)

    def test_old_rows_cannot_be_read_with_only_the_new_key_before_rotating(self):
        # The reason the command exists: dropping the old key first would lose the data.
        with keys(DATA_B, INDEX_B):
            self.assertEqual(registry_candidates(kana="ハコダテ　イチロウ", birth_date=BIRTH), [])
            with self.assertRaises(ValueError):
                list(RegistryPerson.objects.all())
