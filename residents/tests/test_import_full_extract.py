from residents.models import RegistryPerson
from residents.tests.registry_files import ImportTestCase, person


class ImportFullExtractTestCase(ImportTestCase):
    def setUp(self):
        super().setUp()
        self.import_rows([person("0000000001"), person("0000000002"), person("0000000003")])

    def active(self) -> list[str]:
        return sorted(
            RegistryPerson.objects.filter(is_active=True).values_list("resident_number", flat=True)
        )

    def test_it_marks_people_missing_from_a_full_extract_inactive(self):
        run = self.import_rows([person("0000000001"), person("0000000002")])
        self.assertEqual(run.rows_deactivated, 1)
        self.assertIn("無効化 1 件", run.message)
        self.assertEqual(self.active(), ["0000000001", "0000000002"])
        # Never deleted.
        self.assertEqual(RegistryPerson.objects.count(), 3)

    def test_it_leaves_people_missing_from_a_partial_extract_active(self):
        run = self.import_rows([person("0000000001")], full_extract=False)
        self.assertEqual(run.rows_deactivated, 0)
        self.assertEqual(self.active(), ["0000000001", "0000000002", "0000000003"])

    def test_it_keeps_a_person_active_whose_line_is_bad(self):
        rows = [
            person("0000000001"),
            person("0000000002", 生年月日="1970-02-30"),
            person("0000000003"),
        ]
        run = self.import_rows(rows, batch_size=2)
        self.assertEqual(run.rows_failed, 1)
        self.assertEqual(run.rows_deactivated, 0)
        self.assertEqual(self.active(), ["0000000001", "0000000002", "0000000003"])

    def test_it_makes_a_person_active_again_when_they_come_back(self):
        self.import_rows([person("0000000001")])
        self.import_rows([person("0000000001"), person("0000000003")])
        self.assertEqual(self.active(), ["0000000001", "0000000003"])

    def test_it_deactivates_nobody_when_a_full_extract_has_no_good_row(self):
        run = self.import_rows([person("0000000009", 氏名カナ="")])
        self.assertEqual(run.rows_deactivated, 0)
        self.assertIn("無効化はしていません", run.message)
        self.assertEqual(self.active(), ["0000000001", "0000000002", "0000000003"])
