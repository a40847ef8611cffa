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


class InactiveRegistryPersonKeepsHistoryTestCase(ImportTestCase):
    """Someone missing from a new full extract (moved away) is marked inactive, never
    deleted: their resident record and a shelter's stay of theirs stay as they were."""

    def test_a_stay_outlives_the_registry_record_going_inactive(self):
        from residents.registration import resident_for_registry
        from shelters.models import Method, Stay
        from shelters.services import stay_check_in
        from shelters.tests.factories import ShelterFactory

        self.import_rows([person("0000000001"), person("0000000002")])
        moved = RegistryPerson.objects.get(resident_number="0000000002")
        resident = resident_for_registry(person=moved)
        stay_check_in(resident=resident, shelter=ShelterFactory(), method=Method.NAME_SEARCH)
        self.import_rows([person("0000000001")])
        moved.refresh_from_db()
        self.assertFalse(moved.is_active)
        self.assertEqual(Stay.objects.filter(resident=resident, checked_out_at=None).count(), 1)
        resident.refresh_from_db()
        self.assertEqual(resident.registry_person, moved)
