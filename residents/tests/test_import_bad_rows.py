import json

from residents.models import ImportRun, RegistryPerson
from residents.tests.registry_files import ImportTestCase, person


class ImportBadRowsTestCase(ImportTestCase):
    def test_it_reports_each_bad_row_with_its_line_and_imports_the_rest(self):
        rows = [
            person("0000000001"),  # line 2
            person("0000000002", 生年月日="1970-02-30"),
            person("0000000003", 氏名カナ=""),
            person("0000000004", 町会コード="999"),
            person("0000000001", 氏名="山田　次郎"),  # line 6: repeats line 2
            ["0000000006", "佐藤　花子", "サトウ　ハナコ"],
            person("0000000007", 氏名="佐藤　花子", 氏名カナ="サトウ　ハナコ"),  # line 8
        ]
        run = self.import_rows(rows)

        self.assertEqual(run.status, ImportRun.Status.DONE)
        self.assertEqual(
            run.errors,
            [
                {"line": 3, "reason": "生年月日が存在しない日付です"},
                {"line": 4, "reason": "氏名カナが空です"},
                {"line": 5, "reason": "町会コード 999 が登録されていません"},
                {"line": 6, "reason": "宛名番号 0000000001 がファイル内で重複しています"},
                {"line": 7, "reason": "列の数が足りません"},
            ],
        )
        self.assertEqual((run.rows_read, run.rows_imported, run.rows_failed), (7, 2, 5))
        self.assertEqual(
            sorted(RegistryPerson.objects.values_list("resident_number", flat=True)),
            ["0000000001", "0000000007"],
        )
        # The first of two lines with one number wins.
        self.assertEqual(
            RegistryPerson.objects.get(resident_number="0000000001").name, "山田　太郎"
        )
        stored = ImportRun.objects.get(pk=run.pk)
        self.assertEqual(stored.errors, run.errors)
        self.assertIn("エラー 5 件", stored.message)

    def test_it_finds_a_repeated_number_in_a_later_batch(self):
        rows = [
            person("0000000001"),
            person("0000000002"),
            person("0000000003"),
            person("0000000002", 氏名="別人　です"),  # line 5, second batch
            person("0000000004"),
            person("0000000004"),  # line 7, same batch as line 6
        ]
        run = self.import_rows(rows, batch_size=2)
        self.assertEqual(
            run.errors,
            [
                {"line": 5, "reason": "宛名番号 0000000002 がファイル内で重複しています"},
                {"line": 7, "reason": "宛名番号 0000000004 がファイル内で重複しています"},
            ],
        )
        self.assertEqual(run.rows_imported, 4)
        self.assertEqual(
            RegistryPerson.objects.get(resident_number="0000000002").name, "山田　太郎"
        )

    def test_it_never_puts_personal_data_in_a_reason(self):
        rows = [
            person("0000000001", 生年月日="1970-02-30"),
            person("0000000002", 氏名カナ="山田 たろう"),
            # A missing comma shifts the address into the area column.
            person("0000000003", 町会コード="北海道函館市谷地頭町1番1号"),
            person("0000000004", 性別="山田"),
        ]
        run = self.import_rows(rows)
        self.assertEqual(run.rows_failed, 4)
        text = json.dumps(run.errors, ensure_ascii=False)
        for secret in ("山田", "タロウ", "たろう", "1970", "02-30", "谷地頭"):
            self.assertNotIn(secret, text)

    def test_it_skips_blank_lines(self):
        run = self.import_rows([person("0000000001"), [], ["", "", ""], person("0000000002")])
        self.assertEqual((run.rows_read, run.rows_imported, run.rows_failed), (2, 2, 0))

    def test_it_keeps_a_bounded_list_of_errors_but_counts_them_all(self):
        bad = [person(f"{n:010d}", 氏名カナ="") for n in range(ImportRun.MAX_ERRORS_KEPT + 5)]
        run = self.import_rows(bad)
        self.assertEqual(run.rows_failed, ImportRun.MAX_ERRORS_KEPT + 5)
        self.assertEqual(len(run.errors), ImportRun.MAX_ERRORS_KEPT)
        self.assertEqual(run.errors[0], {"line": 2, "reason": "氏名カナが空です"})

    def test_it_reads_the_codes_municipal_systems_use(self):
        rows = [
            person("0000000001", 性別="1", 避難行動要支援者="1"),
            person("0000000002", 性別="2", 避難行動要支援者="○"),
            person("0000000003", 性別="F", 避難行動要支援者="false"),
            person("0000000004", 性別="", 避難行動要支援者="0"),
            person("0000000005", 性別="女", 避難行動要支援者="true"),
        ]
        self.assertEqual(self.import_rows(rows).rows_failed, 0)
        stored = dict(
            (number, (sex, support))
            for number, sex, support in RegistryPerson.objects.values_list(
                "resident_number", "sex", "needs_support"
            )
        )
        self.assertEqual(
            stored,
            {
                "0000000001": ("M", True),
                "0000000002": ("F", True),
                "0000000003": ("F", False),
                "0000000004": ("", False),
                "0000000005": ("F", True),
            },
        )

    def test_it_stores_hiragana_and_half_width_kana_as_full_width_katakana(self):
        rows = [
            person("0000000001", 氏名カナ="やまだ　たろう"),
            person("0000000002", 氏名カナ="ﾔﾏﾀﾞ ｼﾞﾛｳ"),
        ]
        self.assertEqual(self.import_rows(rows).rows_failed, 0)
        kana = [p.name_kana for p in RegistryPerson.objects.order_by("resident_number")]
        self.assertEqual(kana, ["ヤマダ　タロウ", "ヤマダ　ジロウ"])
