import datetime

from django.db import connection

from lib.wareki import format_wareki
from residents.models import RegistryPerson
from residents.tests.registry_files import ImportTestCase, person

PEOPLE = [
    person("0000000001", 氏名="山田　太郎", 氏名カナ="ヤマダ　タロウ", 生年月日="1970-03-02",
           住所="北海道函館市谷地頭町1番1号", 郵便番号="040-0046"),
    person("0000000002", 氏名="佐藤　花子", 氏名カナ="サトウ　ハナコ", 生年月日="H1.1.8",
           住所="北海道函館市青柳町2番3号", 郵便番号="040-0044"),
]  # fmt: skip
BIRTH_DATES = {"0000000001": datetime.date(1970, 3, 2), "0000000002": datetime.date(1989, 1, 8)}


def date_spellings(value: datetime.date) -> list[str]:
    return [
        value.isoformat(),
        value.strftime("%Y%m%d"),
        f"{value.year}/{value.month}/{value.day}",
        f"{value.year}/{value.month:02d}/{value.day:02d}",
        format_wareki(value),
    ]


class RegistryEncryptionTestCase(ImportTestCase):
    def test_a_dump_shows_no_plaintext(self):
        run = self.import_rows(PEOPLE)
        self.assertEqual(run.rows_imported, 2, run.errors)

        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM residents_registryperson")
            dump = "\n".join(" | ".join(str(v) for v in row) for row in cursor.fetchall())
        self.assertIn("0000000001", dump)  # the dump is real
        for row in PEOPLE:
            secrets = [row["氏名"], row["氏名カナ"], row["住所"], row["郵便番号"]]
            secrets += row["氏名"].split("\u3000") + row["氏名カナ"].split("\u3000")
            secrets += date_spellings(BIRTH_DATES[row["宛名番号"]])
            for secret in secrets:
                with self.subTest(secret=secret):
                    self.assertNotIn(secret, dump)

        for row in PEOPLE:
            stored = RegistryPerson.objects.get(resident_number=row["宛名番号"])
            self.assertEqual(
                (stored.name, stored.name_kana, stored.birth_date, stored.address),
                (row["氏名"], row["氏名カナ"], BIRTH_DATES[row["宛名番号"]], row["住所"]),
            )
