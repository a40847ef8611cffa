import datetime

from residents.models import ImportRun, RegistryPerson
from residents.selectors import registry_candidates
from residents.tests.registry_files import ImportTestCase, person

FORMS = {
    "1970-03-02": datetime.date(1970, 3, 2),
    "1970/3/2": datetime.date(1970, 3, 2),
    "昭和45年3月2日": datetime.date(1970, 3, 2),
    "S45.3.2": datetime.date(1970, 3, 2),
    "H1.1.8": datetime.date(1989, 1, 8),
    "平成元年1月8日": datetime.date(1989, 1, 8),
    "R2.1.1": datetime.date(2020, 1, 1),
}


class ImportDatesTestCase(ImportTestCase):
    def test_it_reads_birth_dates_in_western_and_japanese_era_forms(self):
        rows = [person(f"{n:010d}", 生年月日=text) for n, text in enumerate(FORMS, start=1)]
        run = self.import_rows(rows)
        self.assertEqual(run.rows_failed, 0, run.errors)
        for n, (text, expected) in enumerate(FORMS.items(), start=1):
            with self.subTest(text):
                stored = RegistryPerson.objects.get(resident_number=f"{n:010d}")
                self.assertEqual(stored.birth_date, expected)

    def test_it_indexes_the_parsed_date_so_the_person_can_be_matched(self):
        self.import_rows([person(生年月日="S45.3.2")])
        found = registry_candidates(kana="やまだ たろう", birth_date=datetime.date(1970, 3, 2))
        self.assertEqual([p.resident_number for p in found], ["0000000001"])

    def test_it_rejects_a_date_before_the_era_it_names(self):
        # 平成 began on 1989-01-08: "H1.1.7" does not exist.
        run = self.import_rows([person(), person("0000000002", 生年月日="H1.1.7")])
        self.assertEqual(run.status, ImportRun.Status.DONE)
        self.assertEqual(run.errors, [{"line": 3, "reason": "生年月日が元号の期間外です"}])
        self.assertFalse(RegistryPerson.objects.filter(resident_number="0000000002").exists())

    def test_it_rejects_a_birth_date_in_the_future(self):
        tomorrow = datetime.date.today() + datetime.timedelta(days=2)
        run = self.import_rows([person(生年月日=tomorrow.isoformat())])
        self.assertEqual(run.errors, [{"line": 2, "reason": "生年月日が未来の日付です"}])
