"""Parse and format birth dates written in 西暦 or 和暦 (Japanese era) forms.

Registry extracts and people at a shelter desk write the same date as "1970-03-02",
"昭和45年3月2日", "S45.3.2" or "昭45.3.2". The parser runs over every row of a
300,000-row registry import, so the common ISO form is tried first on the raw text and
the regexes are compiled once here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date


class InvalidDate(ValueError):
    """The text is not an acceptable birth date; the message is a short English reason."""


@dataclass(frozen=True)
class Era:
    name: str
    letter: str
    start: date
    end: date | None  # None while the era is current


ERAS: tuple[Era, ...] = (
    Era("明治", "M", date(1868, 10, 23), date(1912, 7, 29)),
    Era("大正", "T", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", "S", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", "H", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", "R", date(2019, 5, 1), None),
)

# Before 明治 there is no era to write the date in (and the calendar was lunar anyway).
EARLIEST = ERAS[0].start

# Every way an era is named: 昭和, 昭, S, s.
_ERA_BY_TOKEN: dict[str, Era] = {}
for _era in ERAS:
    for _token in (_era.name, _era.name[0], _era.letter, _era.letter.lower()):
        _ERA_BY_TOKEN[_token] = _era
del _era, _token

# The separator is captured and back-referenced so "1970-3/2" is not taken for a date.
_SEPARATED = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")
_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_KANJI = re.compile(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日")
_ERA = re.compile(
    r"(明治|大正|昭和|平成|令和|[明大昭平令MTSHRmtshr])\s*(元|[0-9]{1,2})\s*"
    r"(?:年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日|([-/.])([0-9]{1,2})\5([0-9]{1,2}))"
)


def parse_birth_date(text: str, *, today: date | None = None) -> date:
    """Read a birth date in any accepted 西暦/和暦 form; raise InvalidDate otherwise.

    Callers in a loop should pass ``today`` so it is not looked up on every row.
    """
    # Hot path: a clean ISO date from the registry export. date.fromisoformat is C code
    # and several times cheaper than regex + int(); the shape check keeps out the other
    # ISO 8601 forms it would also accept (week dates, "19700302"). Anything it rejects
    # goes through the full parser below, which gives the precise reason.
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            value = date.fromisoformat(text)
        except ValueError:
            pass
        else:
            if EARLIEST <= value <= (date.today() if today is None else today):
                return value

    # Full-width digits, letters and punctuation (１９７０／３／２, Ｓ４５．３．２) and the
    # era ligatures ㍼ ㍻ ㋿ all become their plain forms under NFKC.
    text = unicodedata.normalize("NFKC", text).strip()
    for pattern in (_SEPARATED, _COMPACT, _KANJI):
        match = pattern.fullmatch(text)
        if match is not None:
            groups = match.groups()
            year, month, day = groups[0], groups[-2], groups[-1]
            return _checked(int(year), int(month), int(day), None, today)

    match = _ERA.fullmatch(text)
    if match is None:
        raise InvalidDate("unrecognised format")
    token, era_year, month1, day1, _, month2, day2 = match.groups()
    era = _ERA_BY_TOKEN[token]
    number = 1 if era_year == "元" else int(era_year)
    if number < 1:
        raise InvalidDate("era year must be 1 (元年) or later")
    month, day = (month1, day1) if month1 is not None else (month2, day2)
    return _checked(era.start.year + number - 1, int(month), int(day), era, today)


def _checked(year: int, month: int, day: int, era: Era | None, today: date | None) -> date:
    try:
        value = date(year, month, day)
    except ValueError:
        raise InvalidDate("not a calendar date") from None
    if era is not None:
        if value < era.start or (era.end is not None and value > era.end):
            until = "" if era.end is None else era.end.isoformat()
            raise InvalidDate(f"outside the {era.name} era ({era.start.isoformat()}..{until})")
    elif value < EARLIEST:
        raise InvalidDate("before the Meiji era (1868-10-23)")
    if value > (date.today() if today is None else today):
        raise InvalidDate("in the future")
    return value


def to_wareki(value: date) -> tuple[Era, int]:
    """The era a date falls in and its year within that era (1 is 元年)."""
    for era in reversed(ERAS):
        if value >= era.start:
            return era, value.year - era.start.year + 1
    raise InvalidDate("before the Meiji era (1868-10-23)")


# A year this large is a Western one (西暦): an era year never passes 64 (昭和).
WESTERN_YEAR_MIN = 1000


def eras_of_year(year: int) -> list[tuple[Era, int]]:
    """The eras a Western year falls in, with its year in each (1 is 元年): 1932 is
    昭和7年; 1989 is both 昭和64年 and 平成元年."""
    found = []
    for era in ERAS:
        last = era.end.year if era.end is not None else None
        if era.start.year <= year and (last is None or year <= last):
            found.append((era, year - era.start.year + 1))
    return found


def era_year_text(year: int) -> str:
    """A Western year written in its era(s): "昭和7年", "昭和64年・平成元年"; "" before 明治."""
    return "・".join(
        f"{era.name}{'元' if number == 1 else number}年" for era, number in eras_of_year(year)
    )


def format_wareki(value: date) -> str:
    """Write a date the way a registry does: "昭和45年3月2日", "平成元年1月8日"."""
    era, year = to_wareki(value)
    return f"{era.name}{'元' if year == 1 else year}年{value.month}月{value.day}日"
