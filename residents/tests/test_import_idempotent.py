from residents.models import RegistryPerson
from residents.tests.registry_files import ImportTestCase, person


class ImportIdempotentTestCase(ImportTestCase):
    def test_it_gives_the_same_rows_when_the_same_file_is_imported_twice(self):
        rows = [person("0000000001"), person("0000000002", 氏名="佐藤　花子")]
        self.import_rows(rows)
        first = {
            p.resident_number: (p.pk, p.name, p.birth_date) for p in RegistryPerson.objects.all()
        }
        second_run = self.import_rows(rows)

        self.assertEqual(second_run.rows_imported, 2)
        self.assertEqual(second_run.rows_deactivated, 0)
        again = {
            p.resident_number: (p.pk, p.name, p.birth_date) for p in RegistryPerson.objects.all()
        }
        self.assertEqual(again, first)
        self.assertEqual(
            set(RegistryPerson.objects.values_list("last_import", flat=True)), {second_run.pk}
        )

    def test_it_updates_a_person_whose_details_changed(self):
        self.import_rows([person()])
        self.import_rows([person(住所="北海道函館市青柳町2番3号", 町会コード="902")])
        taro = RegistryPerson.objects.get()
        self.assertEqual(taro.address, "北海道函館市青柳町2番3号")
        self.assertEqual(taro.area, self.area_b)
