"""Small registry extracts written from code, and a base class for the import tests."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Sequence
from pathlib import Path

from hakobou.testing.cast import BaseTestCase
from lib.synthetic_registry import COLUMNS
from residents.importer import registry_import
from residents.models import ImportRun

Row = dict[str, str] | Sequence[str]


def person(number: str = "0000000001", **values: str) -> dict[str, str]:
    """One line of an extract, by column name; area code 901 is the cast's area A."""
    row = {
        "宛名番号": number,
        "氏名": "山田　太郎",
        "氏名カナ": "ヤマダ　タロウ",
        "生年月日": "1970-03-02",
        "性別": "男",
        "郵便番号": "040-0046",
        "住所": "北海道函館市谷地頭町1番1号",
        "世帯番号": "00000001",
        "町会コード": "901",
        "避難行動要支援者": "",
    }
    row.update(values)
    return row


def write_extract(
    path: Path,
    rows: Sequence[Row],
    *,
    encoding: str = "cp932",
    header: Sequence[str] = COLUMNS,
) -> Path:
    """A CSV as the registry system writes it (CRLF); a list row is written as given."""
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header] if isinstance(row, dict) else row)
    return path


class ImportTestCase(BaseTestCase):
    """The cast, a temporary directory, and a one-call import."""

    def setUp(self) -> None:
        super().setUp()
        self.tmp = Path(self.enterContext(tempfile.TemporaryDirectory()))

    def extract(self, rows: Sequence[Row], *, name: str = "extract.csv", **options) -> Path:
        return write_extract(self.tmp / name, rows, **options)

    def import_rows(
        self,
        rows: Sequence[Row],
        *,
        encoding: str = "cp932",
        run_encoding: str = "auto",
        full_extract: bool = True,
        batch_size: int = 2_000,
    ) -> ImportRun:
        path = self.extract(rows, encoding=encoding)
        run = ImportRun.objects.create(
            file_name=path.name, encoding=run_encoding, full_extract=full_extract
        )
        return registry_import(run=run, source=path, batch_size=batch_size)
