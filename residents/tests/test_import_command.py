from io import StringIO

from django.core.management import CommandError, call_command

from residents.models import ImportRun, RegistryPerson
from residents.tests.registry_files import ImportTestCase, person


class ImportCommandTestCase(ImportTestCase):
    def run_command(self, *args: str) -> tuple[str, CommandError | None]:
        out, err = StringIO(), StringIO()
        try:
            call_command("import_registry", *args, stdout=out, stderr=err)
        except CommandError as exc:
            return out.getvalue(), exc
        return out.getvalue(), None

    def test_it_imports_a_clean_file_and_exits_zero(self):
        path = self.extract([person("0000000001"), person("0000000002")])
        out, error = self.run_command(str(path))
        self.assertIsNone(error)
        self.assertIn("2 行を読み込み、2 件を取り込みました", out)
        self.assertEqual(RegistryPerson.objects.count(), 2)

    def test_it_prints_each_bad_line_and_exits_non_zero(self):
        path = self.extract(
            [
                person("0000000001"),
                person("0000000002", 生年月日="1970-02-30"),
                person("0000000003"),
            ]
        )
        out, error = self.run_command(str(path))
        self.assertIsNotNone(error)
        self.assertIn("line 3: 生年月日が存在しない日付です", out)
        self.assertIn("エラー 1 件", str(error))
        # The good rows are imported all the same.
        self.assertEqual(RegistryPerson.objects.count(), 2)

    def test_it_prints_the_first_fifty_errors_and_counts_the_rest(self):
        path = self.extract([person(f"{n:010d}", 氏名カナ="") for n in range(60)])
        out, error = self.run_command(str(path))
        self.assertIsNotNone(error)
        self.assertIn("line 51: 氏名カナが空です", out)
        self.assertNotIn("line 52:", out)
        self.assertIn("… and 10 more", out)

    def test_it_exits_non_zero_when_the_run_fails(self):
        path = self.extract([["0000000001", "山田　太郎"]], header=["宛名番号", "氏名"])
        _, error = self.run_command(str(path))
        self.assertIn("必須の列がありません", str(error))
        self.assertEqual(ImportRun.objects.get().status, ImportRun.Status.FAILED)

    def test_it_refuses_a_file_that_does_not_exist(self):
        _, error = self.run_command(str(self.tmp / "missing.csv"))
        self.assertIn("no such file", str(error))
        self.assertFalse(ImportRun.objects.exists())

    def test_it_passes_the_encoding_and_partial_options_to_the_run(self):
        path = self.extract([person()], encoding="utf-8")
        _, error = self.run_command(str(path), "--encoding", "utf-8", "--partial")
        self.assertIsNone(error)
        run = ImportRun.objects.get()
        self.assertEqual((run.encoding, run.full_extract), ("utf-8", False))
