import io

from residents.importer import SNIFF_BYTES, registry_import
from residents.models import ImportRun, RegistryPerson
from residents.tests.registry_files import ImportTestCase, person, write_extract


class ImportEncodingsTestCase(ImportTestCase):
    def assert_imported(self, run: ImportRun) -> None:
        self.assertEqual(run.status, ImportRun.Status.DONE, run.message)
        self.assertEqual(run.rows_failed, 0, run.errors)
        taro = RegistryPerson.objects.get(resident_number="0000000001")
        self.assertEqual(taro.name, "山田　太郎")
        self.assertEqual(taro.address, "北海道函館市谷地頭町1番1号")

    def test_it_reads_a_cp932_file(self):
        run = self.import_rows([person()], encoding="cp932")
        self.assert_imported(run)
        self.assertIn("CP932", run.message)

    def test_it_reads_utf8_with_a_bom(self):
        run = self.import_rows([person()], encoding="utf-8-sig")
        self.assert_imported(run)
        self.assertIn("UTF-8", run.message)

    def test_it_reads_utf8_without_a_bom(self):
        run = self.import_rows([person()], encoding="utf-8")
        self.assert_imported(run)
        self.assertIn("UTF-8", run.message)

    def test_it_reads_the_encoding_the_run_names(self):
        self.assert_imported(self.import_rows([person()], encoding="cp932", run_encoding="cp932"))
        self.assert_imported(
            self.import_rows([person()], encoding="utf-8-sig", run_encoding="utf-8")
        )

    def test_it_fails_the_run_when_the_named_encoding_does_not_fit_the_file(self):
        run = self.import_rows([person()], encoding="cp932", run_encoding="utf-8")
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertIn("UTF-8 として読めない文字があります", run.message)
        self.assertFalse(RegistryPerson.objects.exists())

    def test_it_detects_utf8_when_the_sample_ends_inside_a_character(self):
        # Pad the first address until byte SNIFF_BYTES falls inside a 3-byte character.
        for padding in range(200):
            rows = [person(住所="北海道函館市谷地頭町1番1号" + "-" * padding)] + [
                person(f"{n:010d}") for n in range(2, 700)
            ]
            path = write_extract(self.tmp / "big.csv", rows, encoding="utf-8")
            data = path.read_bytes()
            if 0x80 <= data[SNIFF_BYTES] <= 0xBF:
                break
        else:
            self.fail("could not place a character across the sample boundary")
        run = ImportRun.objects.create(file_name="big.csv")
        run = registry_import(run=run, source=path)
        self.assertEqual(run.status, ImportRun.Status.DONE, run.message)
        self.assertEqual(run.rows_imported, 699)

    def test_it_reads_from_an_open_binary_file(self):
        path = self.extract([person()], encoding="cp932")
        run = ImportRun.objects.create(file_name=path.name)
        run = registry_import(run=run, source=io.BytesIO(path.read_bytes()))
        self.assert_imported(run)
