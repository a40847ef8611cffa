"""Import of the municipal resident registry extract (住民基本台帳の抽出データ).

The city's registry system exports a CSV (CP932 as a rule, sometimes UTF-8) with
Japanese column names. It is read as a stream and written in batches, so memory stays
flat whatever the size of the city; each batch is one transaction, so a crash or a fatal
error never leaves a half-written batch behind.

Bad rows are reported (line + short Japanese reason) and the rest imports. The reasons
are shown to staff in admin and printed by the command, so they never contain a name,
kana, birth date or address: only the line, the resident number and the bad value of a
code column (and that only when it looks like a code — a row with a missing comma can
shift an address into the 町会コード column).
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import connection, reset_queries, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from areas.models import Area
from lib.kana import is_katakana_name
from lib.wareki import InvalidDate, parse_birth_date
from residents.blind_index import match_index
from residents.fields import EncryptedTextField
from residents.models import ImportRun, RegistryPerson

logger = logging.getLogger(__name__)

BATCH_SIZE = 2_000
# Enough of the file to tell UTF-8 from CP932: a registry extract has Japanese on
# every line, and CP932 text is almost never valid UTF-8.
SNIFF_BYTES = 64 * 1024

ENCODINGS = ("auto", "cp932", "utf-8")

# Model field → column name in the extract.
COLUMNS: dict[str, str] = {
    "resident_number": "宛名番号",
    "name": "氏名",
    "name_kana": "氏名カナ",
    "birth_date": "生年月日",
    "sex": "性別",
    "postcode": "郵便番号",
    "address": "住所",
    "household_number": "世帯番号",
    "area": "町会コード",
    "needs_support": "避難行動要支援者",
}

# What _person() returns for a good row, in this order (model attribute names).
ROW_FIELDS = (
    "resident_number",
    "name",
    "name_kana",
    "birth_date",
    "sex",
    "postcode",
    "address",
    "household_number",
    "area_id",
    "needs_support",
    "match_index",
)
# Every upserted row is active and carries the run that saw it.
_MARKS = ("is_active", "last_import_id", "updated_at")

# What an upsert of a known 宛名番号 rewrites: everything (field names, for bulk_create).
UPSERT_FIELDS = [
    RegistryPerson._meta.get_field(name).name
    for name in (*ROW_FIELDS, *_MARKS)
    if name != "resident_number"
]

# Municipal systems code sex as 1 = male, 2 = female.
_SEX = dict.fromkeys(("男", "男性", "M", "1"), "M") | dict.fromkeys(("女", "女性", "F", "2"), "F")
_SEX[""] = ""
# 避難行動要支援者: registry exports leave a false flag empty.
_FLAG = dict.fromkeys(("1", "TRUE", "○", "〇", "◯"), True)
_FLAG |= dict.fromkeys(("0", "FALSE", ""), False)
_CODE = re.compile(r"[0-9A-Za-z-]{1,20}")
_HIRAGANA_TO_KATAKANA = {c: c + 0x60 for c in range(0x3041, 0x3097)}

ProgressCallback = Callable[[ImportRun], None]


class ImportFailed(Exception):
    """The file as a whole cannot be imported; the message is shown to staff."""


class _RowError(Exception):
    pass


# --- services ----------------------------------------------------------------------------


def registry_import(
    *,
    run: ImportRun,
    source: BinaryIO | str | os.PathLike[str],
    batch_size: int = BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> ImportRun:
    """Load an extract into RegistryPerson (upsert by 宛名番号) and record the outcome in ``run``.

    ``source`` is a path or a seekable binary file. A run is executed once: a run that is
    no longer queued (a redelivered task, a second click) is returned unchanged. Runs
    execute one at a time: a full extract retires everyone its own run did not touch, so
    two runs side by side would retire each other's people.
    """
    with _one_import_at_a_time():
        now = timezone.now()
        if not ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.QUEUED).update(
            status=ImportRun.Status.RUNNING, started_at=now
        ):
            logger.warning("import run %s is not queued; not started again", run.pk)
            run.refresh_from_db()
            return run
        run.status, run.started_at = ImportRun.Status.RUNNING, now
        return _registry_import_run(run, source, batch_size=batch_size, on_progress=on_progress)


def _registry_import_run(
    run: ImportRun,
    source: BinaryIO | str | os.PathLike[str],
    *,
    batch_size: int,
    on_progress: ProgressCallback | None,
) -> ImportRun:
    job = _RegistryImport(run, batch_size=batch_size, on_progress=on_progress)
    try:
        with _binary(source) as binary:
            job.read(binary)
    except ImportFailed as exc:
        return _run_finish(run, status=ImportRun.Status.FAILED, message=str(exc))
    except Exception:
        _run_finish(
            run,
            status=ImportRun.Status.FAILED,
            message=_("取込中に予期しないエラーが発生しました。サーバーのログを確認してください。"),
        )
        raise

    deactivated = 0
    note = ""
    if run.full_extract and run.rows_imported == 0:
        # An empty or entirely broken "full" extract would otherwise retire the whole city.
        note = _("取り込めた行がないため、無効化はしていません。")
    elif run.full_extract:
        with transaction.atomic():
            deactivated = (
                RegistryPerson.objects.filter(is_active=True)
                .exclude(last_import=run)
                .update(is_active=False, updated_at=timezone.now())
            )
    run.rows_deactivated = deactivated
    message = _(
        "%(read)s 行を読み込み、%(imported)s 件を取り込みました"
        "（エラー %(failed)s 件、無効化 %(deactivated)s 件、文字コード %(encoding)s）。"
    ) % {
        "read": run.rows_read,
        "imported": run.rows_imported,
        "failed": run.rows_failed,
        "deactivated": deactivated,
        "encoding": job.encoding_label,
    }
    return _run_finish(run, status=ImportRun.Status.DONE, message=message + note)


def registry_import_stored(*, run: ImportRun) -> ImportRun:
    """Import the file an upload stored for ``run``, then delete that file."""
    path = Path(run.stored_path)
    try:
        return registry_import(run=run, source=path)
    finally:
        run.refresh_from_db(fields=["status"])
        if run.status in (ImportRun.Status.DONE, ImportRun.Status.FAILED):
            path.unlink(missing_ok=True)


# --- the work ----------------------------------------------------------------------------


class _RegistryImport:
    def __init__(
        self, run: ImportRun, *, batch_size: int, on_progress: ProgressCallback | None
    ) -> None:
        self.run = run
        self.batch_size = batch_size
        self.on_progress = on_progress
        self.today = timezone.localdate()  # once, not per row
        self.area_ids = dict(Area.objects.values_list("code", "id"))
        self.encoding_label = ""
        self._reset_batch()
        run.rows_read = run.rows_imported = run.rows_failed = run.rows_deactivated = 0
        run.errors = []

    def _reset_batch(self) -> None:
        self.people: list[tuple] = []
        self.lines: dict[str, int] = {}  # resident number → line, for this batch
        self.failed_numbers: list[str] = []
        self.batch_errors: list[tuple[int, str]] = []

    def read(self, binary: BinaryIO) -> None:
        codec, self.encoding_label = _encoding(binary, self.run.encoding)
        text = io.TextIOWrapper(binary, encoding=codec, errors="strict", newline="")
        line = 0  # the last line read; an error is "near" the next one
        try:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                raise ImportFailed(_("ファイルが空です。"))
            line = 1
            index = self._columns(header)
            needed = max(index.values()) + 1
            for line, fields in enumerate(reader, start=2):
                if not any(field.strip() for field in fields):
                    continue  # blank line, or an all-empty row left by a spreadsheet
                self.run.rows_read += 1
                if len(fields) < needed:
                    self._reject(line, _("列の数が足りません"), None)
                else:
                    self._take(line, fields, index)
                if self.run.rows_read % self.batch_size == 0:
                    self._flush()
            self._flush()
        except UnicodeDecodeError as exc:
            logger.warning(
                "import run %s: undecodable bytes near line %s: %s", self.run.pk, line, exc
            )
            raise ImportFailed(
                _(
                    "%(line)s 行目付近に %(encoding)s として読めない文字があります。"
                    "文字コードを確かめて取り込み直してください。"
                )
                % {"line": line + 1, "encoding": self.encoding_label}
            ) from None
        except csv.Error as exc:
            logger.warning("import run %s: CSV error near line %s: %s", self.run.pk, line, exc)
            raise ImportFailed(
                _("%(line)s 行目付近の CSV の形式が不正です。") % {"line": line + 1}
            ) from None
        finally:
            text.detach()  # the caller owns (and closes) the binary file

    def _columns(self, header: list[str]) -> dict[str, int]:
        positions: dict[str, int] = {}
        for position, label in enumerate(header):
            positions.setdefault(label.strip().lstrip("\ufeff"), position)
        missing = [label for label in COLUMNS.values() if label not in positions]
        if missing:
            raise ImportFailed(
                _("必須の列がありません：%(columns)s") % {"columns": "、".join(missing)}
            )
        return {field: positions[label] for field, label in COLUMNS.items()}

    def _take(self, line: int, fields: list[str], index: dict[str, int]) -> None:
        number = fields[index["resident_number"]].strip()
        if not number:
            self._reject(line, _("宛名番号が空です"), None)
            return
        if _CODE.fullmatch(number) is None:
            self._reject(line, _("宛名番号が不正です"), None)
            return
        if number in self.lines:
            self._reject(line, _duplicate(number), None)
            return
        self.lines[number] = line
        try:
            person = self._person(number, fields, index)
        except _RowError as exc:
            self._reject(line, str(exc), number)
        else:
            self.people.append(person)

    def _person(self, number: str, fields: list[str], index: dict[str, int]) -> tuple:
        name = fields[index["name"]].strip()
        if not name:
            raise _RowError(_("氏名が空です"))

        kana = _display_kana(fields[index["name_kana"]])
        if not kana:
            raise _RowError(_("氏名カナが空です"))
        if not is_katakana_name(kana):
            raise _RowError(_("氏名カナにカタカナ以外の文字があります"))

        birth_text = fields[index["birth_date"]].strip()
        if not birth_text:
            raise _RowError(_("生年月日が空です"))
        try:
            birth_date = parse_birth_date(birth_text, today=self.today)
        except InvalidDate as exc:
            raise _RowError(_birth_date_reason(exc)) from None

        sex_text = fields[index["sex"]]
        sex = _SEX.get(unicodedata.normalize("NFKC", sex_text).strip().upper())
        if sex is None:
            raise _RowError(_bad_code(_("性別"), sex_text))

        address = fields[index["address"]].strip()
        if not address:
            raise _RowError(_("住所が空です"))

        household = fields[index["household_number"]].strip()
        if _CODE.fullmatch(household) is None:
            raise _RowError(
                _("世帯番号が空です") if not household else _bad_code(_("世帯番号"), household)
            )

        area_code = fields[index["area"]].strip()
        area_id = self.area_ids.get(area_code)
        if area_id is None:
            if not area_code:
                raise _RowError(_("町会コードが空です"))
            if _CODE.fullmatch(area_code):
                raise _RowError(_("町会コード %(code)s が登録されていません") % {"code": area_code})
            raise _RowError(_("町会コードが登録されていません"))

        flag_text = fields[index["needs_support"]]
        needs_support = _FLAG.get(unicodedata.normalize("NFKC", flag_text).strip().upper())
        if needs_support is None:
            raise _RowError(_bad_code(_("避難行動要支援者"), flag_text))

        return (  # in ROW_FIELDS order
            number,
            name,
            kana,
            birth_date,
            sex,
            unicodedata.normalize("NFKC", fields[index["postcode"]]).strip(),
            address,
            household,
            area_id,
            needs_support,
            match_index(kana, birth_date),
        )

    def _reject(self, line: int, reason: str, number: str | None) -> None:
        self.batch_errors.append((line, reason))
        if number is not None:
            self.failed_numbers.append(number)

    def _flush(self) -> None:
        if not (self.people or self.batch_errors):
            return
        run = self.run
        with transaction.atomic():
            repeated = _written_by(run, [person[0] for person in self.people])
            if len(repeated) < len(self.people):
                _upsert([p for p in self.people if p[0] not in repeated], run=run)
            if self.failed_numbers:
                # A bad line still proves the person is in the extract: keep them active.
                RegistryPerson.objects.filter(resident_number__in=self.failed_numbers).update(
                    last_import=run
                )
            errors = self.batch_errors + [
                (self.lines[number], _duplicate(number)) for number in repeated
            ]
            run.rows_imported += len(self.people) - len(repeated)
            run.rows_failed += len(errors)
            progress = {
                "rows_read": run.rows_read,
                "rows_imported": run.rows_imported,
                "rows_failed": run.rows_failed,
            }
            room = ImportRun.MAX_ERRORS_KEPT - len(run.errors)
            if errors and room > 0:
                errors.sort()
                run.errors.extend({"line": n, "reason": r} for n, r in errors[:room])
                progress["errors"] = run.errors
            ImportRun.objects.filter(pk=run.pk).update(**progress)
        self._reset_batch()
        if settings.DEBUG:
            reset_queries()  # DEBUG keeps every SQL string; an import's are megabytes each
        if self.on_progress is not None:
            self.on_progress(run)


def _written_by(run: ImportRun, numbers: list[str]) -> set[str]:
    """The numbers among ``numbers`` that an earlier batch of ``run`` has written.

    A number repeated in the file is found this way without keeping a set of the whole
    file. The run is compared here, not in SQL: with ``last_import = run`` in the query
    the planner walks all of this run's rows through the last_import index (its
    statistics cannot know a run that is still going), which made imports quadratic.
    """
    if not numbers:
        return set()
    seen = RegistryPerson.objects.filter(resident_number__in=numbers).values_list(
        "resident_number", "last_import_id"
    )
    return {number for number, last_import_id in seen if last_import_id == run.pk}


def _upsert(people: list[tuple], *, run: ImportRun) -> None:
    """Insert or update people by 宛名番号, marking them active and seen by ``run``."""
    if connection.vendor == "postgresql":
        _upsert_by_copy(people, run=run)
        return
    RegistryPerson.objects.bulk_create(
        [
            RegistryPerson(
                **dict(zip(ROW_FIELDS, person, strict=True)), is_active=True, last_import=run
            )
            for person in people
        ],
        update_conflicts=True,
        unique_fields=["resident_number"],
        update_fields=UPSERT_FIELDS,
    )


def _upsert_by_copy(people: list[tuple], *, run: ImportRun) -> None:
    """_upsert() on PostgreSQL: COPY into a temporary table, then INSERT … ON CONFLICT.

    bulk_create(update_conflicts=True) does the same job, but compiling and adapting a
    2,000-row statement cost more than the rest of the import together (300,000 rows
    took ~90 s); COPY streams the rows through psycopg's C code. Values are still
    encrypted by the model fields.
    """
    meta = RegistryPerson._meta
    fields = [meta.get_field(name) for name in (*ROW_FIELDS, *_MARKS)]
    encrypted = [
        (position, field.get_prep_value)
        for position, field in enumerate(fields)
        if isinstance(field, EncryptedTextField)
    ]
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    updates = ", ".join(
        f"{quote(field.column)} = EXCLUDED.{quote(field.column)}"
        for field in fields
        if field.name != "resident_number"
    )
    marks = (True, run.pk, timezone.now())
    # Table and column names come from the model, never from the file.
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE registry_import_batch AS "  # noqa: S608
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY registry_import_batch ({columns}) FROM STDIN") as copy:
            for person in people:
                values = [*person, *marks]
                for position, encrypt in encrypted:
                    values[position] = encrypt(values[position])
                copy.write_row(values)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) "  # noqa: S608
            f"SELECT {columns} FROM registry_import_batch "
            f"ON CONFLICT ({quote(meta.get_field('resident_number').column)}) "
            f"DO UPDATE SET {updates}"
        )
        cursor.execute("DROP TABLE registry_import_batch")


def _run_finish(run: ImportRun, *, status: str, message: str) -> ImportRun:
    run.status, run.message, run.finished_at = status, message, timezone.now()
    ImportRun.objects.filter(pk=run.pk).update(
        status=run.status,
        message=run.message,
        finished_at=run.finished_at,
        rows_read=run.rows_read,
        rows_imported=run.rows_imported,
        rows_failed=run.rows_failed,
        rows_deactivated=run.rows_deactivated,
        errors=run.errors,
    )
    return run


# --- helpers -----------------------------------------------------------------------------


# Any constant: the key of the PostgreSQL advisory lock that serialises imports.
_IMPORT_LOCK = 0x48414B4F  # "HAKO"


@contextmanager
def _one_import_at_a_time() -> Iterator[None]:
    """Wait until no other registry import runs (PostgreSQL; SQLite imports run inline).

    A session-level advisory lock, so the database frees it if the worker dies.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [_IMPORT_LOCK])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_IMPORT_LOCK])


@contextmanager
def _binary(source: BinaryIO | str | os.PathLike[str]) -> Iterator[BinaryIO]:
    if isinstance(source, str | os.PathLike):
        try:
            handle = open(source, "rb")  # noqa: SIM115 (closed below)
        except OSError as exc:
            logger.warning("cannot open registry extract %s: %s", source, exc)
            raise ImportFailed(_("ファイルを開けません。")) from None
        with handle:
            yield handle
    else:
        yield source


def _encoding(binary: BinaryIO, requested: str) -> tuple[str, str]:
    """(codec, label for people) for the stream, which is left at its start."""
    if requested == "cp932":
        return "cp932", "CP932"
    if requested == "utf-8":
        return "utf-8-sig", "UTF-8"  # utf-8-sig: a BOM, if any, is not part of the header
    if requested != "auto":
        raise ImportFailed(_("文字コードの指定が不正です。"))
    start = binary.tell()
    head = binary.read(SNIFF_BYTES)
    binary.seek(start)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8"
    try:
        # final=False: the sample may end in the middle of a multi-byte character.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp932", "CP932"
    return "utf-8-sig", "UTF-8"


def _display_kana(text: str) -> str:
    """Full-width katakana, one ideographic space between words, as registries print it."""
    text = unicodedata.normalize("NFKC", text).translate(_HIRAGANA_TO_KATAKANA)
    return "\u3000".join(text.split())


def _duplicate(number: str) -> str:
    return _("宛名番号 %(number)s がファイル内で重複しています") % {"number": number}


def _bad_code(column: str, value: str) -> str:
    value = value.strip()
    if _CODE.fullmatch(value):
        return _("%(column)s の値 %(value)s が不正です") % {"column": column, "value": value}
    return _("%(column)s の値が不正です") % {"column": column}


def _birth_date_reason(exc: InvalidDate) -> str:
    # Never the value itself: the reason is shown in admin and printed by the command.
    text = str(exc)
    if "era" in text:
        return _("生年月日が元号の期間外です")
    if "future" in text:
        return _("生年月日が未来の日付です")
    if "calendar" in text:
        return _("生年月日が存在しない日付です")
    return _("生年月日が不正です")
