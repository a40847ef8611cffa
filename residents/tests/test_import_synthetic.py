from lib import synthetic_registry
from residents.importer import registry_import
from residents.models import ImportRun, RegistryPerson
from residents.selectors import registry_candidates
from residents.tests.registry_files import ImportTestCase


class ImportSyntheticRegistryTestCase(ImportTestCase):
    def test_it_imports_a_thousand_synthetic_people_completely(self):
        towns = [
            synthetic_registry.Town("901", "テスト甲町", "040-0001"),
            synthetic_registry.Town("902", "テスト乙町", "040-0002"),
        ]
        people = list(synthetic_registry.generate(1_000, towns=towns, seed=3))
        path = self.tmp / "registry.csv"
        synthetic_registry.write_csv(path, people, encoding="cp932", date_style="wareki")

        run = ImportRun.objects.create(file_name=path.name)
        run = registry_import(run=run, source=path, batch_size=300)

        self.assertEqual(run.status, ImportRun.Status.DONE, run.message)
        self.assertEqual((run.rows_imported, run.rows_failed), (1_000, 0), run.errors[:5])
        self.assertEqual(RegistryPerson.objects.filter(is_active=True).count(), 1_000)
        for row in people[::97]:
            found = registry_candidates(kana=row.name_kana, birth_date=row.birth_date)
            self.assertIn(row.resident_number, [p.resident_number for p in found])
