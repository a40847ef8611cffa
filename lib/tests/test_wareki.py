from datetime import date, timedelta

import pytest

from lib.wareki import (
    ERAS,
    InvalidDate,
    era_year_text,
    eras_of_year,
    format_wareki,
    parse_birth_date,
    to_wareki,
)

TODAY = date(2026, 1, 1)
ERA = {era.name: era for era in ERAS}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 西暦
        ("1970-03-02", date(1970, 3, 2)),
        ("1970-3-2", date(1970, 3, 2)),
        ("1970/3/2", date(1970, 3, 2)),
        ("1970/03/02", date(1970, 3, 2)),
        ("1970.3.2", date(1970, 3, 2)),
        ("19700302", date(1970, 3, 2)),
        ("1970年3月2日", date(1970, 3, 2)),
        ("  1970-03-02\n", date(1970, 3, 2)),
        ("１９７０／３／２", date(1970, 3, 2)),
        # 和暦, era in kanji
        ("昭和45年3月2日", date(1970, 3, 2)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("令和2年1月1日", date(2020, 1, 1)),
        ("昭和 45 年 3 月 2 日", date(1970, 3, 2)),
        ("昭和４５年３月２日", date(1970, 3, 2)),
        ("㍼45年3月2日", date(1970, 3, 2)),
        # 和暦, era as a letter
        ("S45.3.2", date(1970, 3, 2)),
        ("H1.1.8", date(1989, 1, 8)),
        ("R2.1.1", date(2020, 1, 1)),
        ("s45.3.2", date(1970, 3, 2)),
        ("S45/3/2", date(1970, 3, 2)),
        ("S45-3-2", date(1970, 3, 2)),
        ("H01.01.08", date(1989, 1, 8)),
        ("Ｓ４５．３．２", date(1970, 3, 2)),
        # 和暦, era abbreviated to one kanji
        ("昭45.3.2", date(1970, 3, 2)),
        ("明45.7.29", date(1912, 7, 29)),
        ("大1.7.30", date(1912, 7, 30)),
        ("平31.4.30", date(2019, 4, 30)),
        ("令1.5.1", date(2019, 5, 1)),
    ],
)
def test_it_reads_every_accepted_form(text, expected):
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("S64.1.7", date(1989, 1, 7)),
        ("H1.1.8", date(1989, 1, 8)),
        ("H31.4.30", date(2019, 4, 30)),
        ("R1.5.1", date(2019, 5, 1)),
        ("T15.12.24", date(1926, 12, 24)),
        ("S1.12.25", date(1926, 12, 25)),
        ("M1.10.23", date(1868, 10, 23)),
        ("1868-10-23", date(1868, 10, 23)),
    ],
)
def test_it_accepts_the_first_and_last_day_of_each_era(text, expected):
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text", ["H1.1.7", "S64.1.8", "H31.5.1", "R1.4.30", "T15.12.25", "S1.12.24", "M1.10.22"]
)
def test_it_rejects_an_era_date_outside_that_era(text):
    with pytest.raises(InvalidDate, match="outside the"):
        parse_birth_date(text, today=TODAY)


@pytest.mark.parametrize("text", ["S0.3.2", "昭和0年3月2日", "H00.1.8"])
def test_it_rejects_era_year_zero(text):
    with pytest.raises(InvalidDate, match="era year"):
        parse_birth_date(text, today=TODAY)


@pytest.mark.parametrize(
    "text", ["1970-02-30", "1970-13-01", "1970-03-00", "1970/2/29", "19700230", "H1.2.29"]
)
def test_it_rejects_dates_that_are_not_on_the_calendar(text):
    with pytest.raises(InvalidDate, match="not a calendar date"):
        parse_birth_date(text, today=TODAY)


@pytest.mark.parametrize("text", ["1868-10-22", "1800/1/1", "18000101"])
def test_it_rejects_dates_before_meiji(text):
    with pytest.raises(InvalidDate, match="before the Meiji era"):
        parse_birth_date(text, today=TODAY)


@pytest.mark.parametrize("text", ["2026-01-02", "R8.1.2", "令和8年1月2日"])
def test_it_rejects_a_date_in_the_future(text):
    with pytest.raises(InvalidDate, match="in the future"):
        parse_birth_date(text, today=TODAY)


def test_today_itself_is_not_in_the_future():
    assert parse_birth_date("2026-01-01", today=TODAY) == TODAY


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "yesterday",
        "1970",
        "70-3-2",
        "1970-3/2",
        "1970-03-02T00:00",
        "1970-W10-1",
        "X45.3.2",
        "S-1.3.2",
        "昭和45年3月",
        "S45.3.2.1",
    ],
)
def test_it_rejects_text_it_does_not_recognise(text):
    with pytest.raises(InvalidDate, match="unrecognised format"):
        parse_birth_date(text, today=TODAY)


def test_invalid_date_is_a_value_error_so_form_code_can_catch_either():
    assert issubclass(InvalidDate, ValueError)


@pytest.mark.parametrize(
    ("value", "era", "year"),
    [
        (date(2019, 5, 1), "令和", 1),
        (date(2019, 4, 30), "平成", 31),
        (date(1989, 1, 8), "平成", 1),
        (date(1989, 1, 7), "昭和", 64),
        (date(1970, 3, 2), "昭和", 45),
        (date(1868, 10, 23), "明治", 1),
    ],
)
def test_to_wareki_gives_the_era_and_its_year(value, era, year):
    assert to_wareki(value) == (ERA[era], year)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(1970, 3, 2), "昭和45年3月2日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(1926, 12, 24), "大正15年12月24日"),
    ],
)
def test_format_wareki_writes_dates_as_a_registry_does(value, text):
    assert format_wareki(value) == text


def test_dates_before_meiji_cannot_be_written_in_an_era():
    with pytest.raises(InvalidDate):
        to_wareki(date(1868, 10, 22))


def _sample_dates() -> list[date]:
    day, last, dates = date(1868, 10, 23), date(2025, 12, 31), []
    while day <= last:
        dates.append(day)
        day += timedelta(days=97)
    # The sample stride skips most boundaries, so add each era's first and last day.
    dates += [era.start for era in ERAS] + [era.end for era in ERAS if era.end is not None]
    return dates


@pytest.mark.parametrize("value", _sample_dates(), ids=str)
def test_a_formatted_date_parses_back_to_itself(value):
    assert parse_birth_date(format_wareki(value), today=TODAY) == value


@pytest.mark.parametrize(
    ("year", "text"),
    [
        (1932, "昭和7年"),
        (1926, "大正15年・昭和元年"),
        (1989, "昭和64年・平成元年"),
        (2019, "平成31年・令和元年"),
        (1868, "明治元年"),
        (1800, ""),
    ],
)
def test_a_western_year_is_written_in_its_eras(year, text):
    assert era_year_text(year) == text


def test_eras_of_year_gives_each_era_and_its_year():
    assert [(era.name, number) for era, number in eras_of_year(1989)] == [("昭和", 64), ("平成", 1)]
