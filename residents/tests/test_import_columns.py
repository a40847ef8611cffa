from residents.importer import registry_import
from residents.models import ImportRun, RegistryPerson
from residents.tests.registry_files import ImportTestCase, person


class ImportColumnsTestCase(ImportTestCase):
    def test_it_finds_columns_in_any_order_and_ignores_extra_ones(self):
        header = ["備考", "氏名カナ", "宛名番号", "町会コード", "生年月日", "氏名", "住所",
                  "世帯番号", "性別", "郵便番号", "避難行動要支援者", "転入日"]  # fmt: skip
        path = self.extract([person(備考="メモ", 転入日="2001-04-01")], header=header)
        run = ImportRun.objects.create(file_name=path.name)
        run = registry_import(run=run, source=path)
        self.assertEqual(run.rows_imported, 1, run.errors)
        self.assertEqual(RegistryPerson.objects.get().name_kana, "ヤマダ　タロウ")

    def test_it_fails_the_whole_run_when_a_required_column_is_missing(self):
        header = ["宛名番号", "氏名", "住所", "世帯番号", "町会コード", "性別", "郵便番号",
                  "避難行動要支援者"]  # fmt: skip
        path = self.extract([person()], header=header)
        run = ImportRun.objects.create(file_name=path.name)
        run = registry_import(run=run, source=path)
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertEqual(run.message, "必須の列がありません：氏名カナ、生年月日")
        self.assertFalse(RegistryPerson.objects.exists())
        self.assertEqual(ImportRun.objects.get(pk=run.pk).status, ImportRun.Status.FAILED)

    def test_it_fails_an_empty_file(self):
        path = self.tmp / "empty.csv"
        path.write_bytes(b"")
        run = ImportRun.objects.create(file_name=path.name)
        run = registry_import(run=run, source=path)
        self.assertEqual(run.status, ImportRun.Status.FAILED)
        self.assertEqual(run.message, "ファイルが空です。")
