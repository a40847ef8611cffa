"""CSV that opens correctly in Excel (UTF-8 with BOM) and cannot smuggle formulas."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)  # a number (-3 in a ledger) is never a formula
    text = "" if value is None else str(value)
    # A cell starting like a formula would be evaluated by Excel (CSV injection).
    return "'" + text if text.startswith(_FORMULA_START) else text


def excel_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
