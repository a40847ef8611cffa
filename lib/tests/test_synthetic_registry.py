"""Tests for the synthetic resident registry generator (plain pytest, no database)."""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter, defaultdict

import pytest

from lib import synthetic_registry as registry
from lib.synthetic_registry import COLUMNS, RegistryRow, Town, generate, write_csv

TODAY = datetime.date(2025, 9, 28)
TOWNS = (
    Town("101", "谷地頭町", "040-0046"),
    Town("102", "青柳町", "040-0044", max_block=12),
    Town("103", "宝来町", "040-0043"),
    Town("104", "元町", "040-0054"),
    Town("105", "入舟町", "040-0055", max_block=3),
)
ROW_COUNT = 3_000
KATAKANA_NAME = re.compile(r"^[ァ-ヶー]+\u3000[ァ-ヶー]+$")
ADDRESS = re.compile(r"^北海道函館市(?P<town>.+?)(?P<block>[0-9]+)番(?P<number>[0-9]+)号$")


@pytest.fixture(scope="module")
def rows() -> list[RegistryRow]:
    return list(generate(ROW_COUNT, towns=TOWNS))


def _age(row: RegistryRow) -> int:
    born = row.birth_date
    return TODAY.year - born.year - ((TODAY.month, TODAY.day) < (born.month, born.day))


def _households(rows: list[RegistryRow]) -> dict[str, list[RegistryRow]]:
    households: dict[str, list[RegistryRow]] = defaultdict(list)
    for row in rows:
        households[row.household_number].append(row)
    return households


def _sample_row(birth_date: datetime.date = datetime.date(1970, 3, 2)) -> RegistryRow:
    return RegistryRow(
        resident_number="0000000001",
        name="佐藤\u3000花子",
        name_kana="サトウ\u3000ハナコ",
        birth_date=birth_date,
        sex="女",
        postcode="040-0046",
        address="北海道函館市谷地頭町12番5号",
        household_number="00000001",
        area_code="101",
        needs_support=False,
    )


def test_it_yields_exactly_the_requested_number_of_rows(rows: list[RegistryRow]) -> None:
    assert len(rows) == ROW_COUNT
    assert list(generate(0, towns=TOWNS)) == []
    assert len(list(generate(7, towns=TOWNS, seed=3))) == 7


def test_it_is_deterministic_for_a_seed(rows: list[RegistryRow]) -> None:
    assert list(generate(ROW_COUNT, towns=TOWNS)) == rows
    assert list(generate(200, towns=TOWNS, seed=99)) != rows[:200]


def test_it_does_not_touch_the_global_random_state() -> None:
    import random

    random.seed(1)
    expected = random.random()
    random.seed(1)
    list(generate(100, towns=TOWNS))
    assert random.random() == expected


def test_resident_numbers_are_unique_and_increasing(rows: list[RegistryRow]) -> None:
    numbers = [row.resident_number for row in rows]
    assert all(re.fullmatch(r"[0-9]{10}", number) for number in numbers)
    assert [int(number) for number in numbers] == list(range(1, ROW_COUNT + 1))


def test_resident_numbers_start_at_start_number() -> None:
    chunk = list(generate(5, towns=TOWNS, start_number=1_234_567))
    assert chunk[0].resident_number == "0001234567"
    assert chunk[-1].resident_number == "0001234571"
    assert all(int(row.household_number) >= 1_234_567 for row in chunk)


def test_bad_arguments_are_rejected_before_iteration() -> None:
    with pytest.raises(ValueError, match="town"):
        generate(10, towns=())
    with pytest.raises(ValueError, match="negative"):
        generate(-1, towns=TOWNS)
    with pytest.raises(ValueError, match="household number"):
        generate(10, towns=TOWNS, start_number=99_999_995)


def test_households_share_address_and_number(rows: list[RegistryRow]) -> None:
    households = _households(rows)
    for members in households.values():
        assert len({(m.address, m.postcode, m.area_code) for m in members}) == 1
    # Members are emitted together, so a household number never reappears later.
    runs = [
        number
        for i, number in enumerate(r.household_number for r in rows)
        if i == 0 or rows[i - 1].household_number != number
    ]
    assert len(runs) == len(households)
    assert all(re.fullmatch(r"[0-9]{8}", number) for number in households)


def test_household_sizes_look_like_an_ageing_city(rows: list[RegistryRow]) -> None:
    sizes = Counter(len(members) for members in _households(rows).values())
    assert set(sizes) <= {1, 2, 3, 4, 5, 6}
    households = sum(sizes.values())
    assert 0.25 < sizes[1] / households < 0.55
    assert sizes[2] > sizes[3]
    assert sizes[5] + sizes[6] > 0


def test_most_households_share_a_surname_but_not_all(rows: list[RegistryRow]) -> None:
    multi = [m for m in _households(rows).values() if len(m) > 1]
    mixed = [m for m in multi if len({row.name.split("\u3000")[0] for row in m}) > 1]
    assert 0 < len(mixed) < 0.2 * len(multi)


def test_every_household_is_headed_by_an_adult(rows: list[RegistryRow]) -> None:
    for members in _households(rows).values():
        assert _age(members[0]) >= 20


def test_children_are_much_younger_than_the_head_of_household(rows: list[RegistryRow]) -> None:
    for members in _households(rows).values():
        for child in (m for m in members if _age(m) < 18):
            assert _age(members[0]) - _age(child) >= 15


def test_birth_dates_are_not_in_the_future(rows: list[RegistryRow]) -> None:
    assert all(datetime.date(1925, 1, 1) <= row.birth_date <= TODAY for row in rows)
    later = list(generate(500, towns=TOWNS, today=datetime.date(2031, 2, 3)))
    assert max(row.birth_date for row in later) <= datetime.date(2031, 2, 3)
    assert max(_age(row) for row in rows) <= 96


def test_names_are_kanji_and_katakana_with_a_full_width_space(rows: list[RegistryRow]) -> None:
    for row in rows:
        assert row.name.count("\u3000") == 1
        assert KATAKANA_NAME.match(row.name_kana), row.name_kana
        assert row.sex in {"男", "女"}


def test_name_pools_are_large_and_cover_tricky_kana() -> None:
    assert len(registry._SURNAMES) >= 60
    for pools in (registry._MALE_NAMES, registry._FEMALE_NAMES):
        assert len({pair for cohort in pools for pair in cohort}) >= 60
    readings = "".join(
        kana
        for pool in (registry._SURNAMES, *registry._MALE_NAMES, *registry._FEMALE_NAMES)
        for _, kana in pool
    )
    for mark in ("ン", "ッ", "ャ", "ュ", "ョ", "ー", "ガ", "ズ", "ブ", "ジ", "ダ"):
        assert mark in readings, mark


def test_every_field_encodes_in_cp932(rows: list[RegistryRow]) -> None:
    for row in rows:
        for field in row.as_csv_fields():
            field.encode("cp932")
        # Stricter: plain JIS X 0208, so no vendor-only kanji such as 髙 or 﨑 slip in.
        (row.name + row.name_kana + row.address).encode("shift_jis")


def test_addresses_use_the_towns_and_house_number_ranges(rows: list[RegistryRow]) -> None:
    towns = {town.town_name: town for town in TOWNS}
    for row in rows:
        match = ADDRESS.match(row.address)
        assert match, row.address
        town = towns[match["town"]]
        assert (row.area_code, row.postcode) == (town.area_code, town.postcode)
        assert 1 <= int(match["block"]) <= town.max_block
        assert 1 <= int(match["number"]) <= 30
    assert len({row.area_code for row in rows}) == len(TOWNS)


def test_city_prefix_is_configurable() -> None:
    row = next(generate(1, towns=TOWNS, city_prefix="北海道北斗市"))
    assert row.address.startswith("北海道北斗市")


def test_some_people_share_kana_and_birth_date(rows: list[RegistryRow]) -> None:
    groups: dict[tuple[str, datetime.date], list[RegistryRow]] = defaultdict(list)
    for row in rows:
        groups[(row.name_kana, row.birth_date)].append(row)
    shared = [g for g in groups.values() if len({r.household_number for r in g}) > 1]
    assert len(shared) >= 3
    assert sum(len(g) for g in shared) < 0.02 * len(rows)
    assert any(len({r.area_code for r in g}) > 1 for g in shared)


def test_support_flag_share_is_plausible(rows: list[RegistryRow]) -> None:
    flagged = sum(row.needs_support for row in rows)
    assert 0.02 < flagged / len(rows) < 0.07
    old = [row for row in rows if _age(row) >= 75]
    young = [row for row in rows if _age(row) < 75]
    old_rate = sum(r.needs_support for r in old) / len(old)
    young_rate = sum(r.needs_support for r in young) / len(young)
    assert old_rate > 4 * young_rate


def test_csv_fields_follow_the_columns() -> None:
    row = _sample_row()
    assert row.as_csv_fields() == [
        "0000000001",
        "佐藤\u3000花子",
        "サトウ\u3000ハナコ",
        "1970-03-02",
        "女",
        "040-0046",
        "北海道函館市谷地頭町12番5号",
        "00000001",
        "101",
        "",
    ]
    assert len(COLUMNS) == len(row.as_csv_fields())


@pytest.mark.parametrize(
    ("style", "birth_date", "expected"),
    [
        ("western", datetime.date(1970, 3, 2), "1970-03-02"),
        ("slash", datetime.date(1970, 3, 2), "1970/03/02"),
        ("wareki", datetime.date(1970, 3, 2), "昭和45年3月2日"),
        ("wareki", datetime.date(1989, 1, 8), "平成元年1月8日"),
        ("wareki", datetime.date(1989, 1, 7), "昭和64年1月7日"),
        ("wareki", datetime.date(2019, 5, 1), "令和元年5月1日"),
        ("wareki", datetime.date(1926, 1, 1), "大正15年1月1日"),
    ],
)
def test_birth_dates_format_in_each_date_style(
    style: str, birth_date: datetime.date, expected: str
) -> None:
    assert _sample_row(birth_date).as_csv_fields(date_style=style)[3] == expected


def test_unknown_date_style_is_rejected(tmp_path) -> None:
    with pytest.raises(ValueError, match="date_style"):
        _sample_row().as_csv_fields(date_style="iso")
    with pytest.raises(ValueError, match="date_style"):
        write_csv(tmp_path / "x.csv", [], date_style="iso")
    assert not (tmp_path / "x.csv").exists()


def test_written_csv_reads_back_in_cp932_with_crlf(rows: list[RegistryRow], tmp_path) -> None:
    path = tmp_path / "registry.csv"
    assert write_csv(path, iter(rows)) == len(rows)
    data = path.read_bytes()
    assert data.count(b"\r\n") == len(rows) + 1
    assert b"\n" not in data.replace(b"\r\n", b"")
    with open(path, encoding="cp932", newline="") as handle:
        read = list(csv.reader(handle))
    assert tuple(read[0]) == COLUMNS
    assert read[1:] == [row.as_csv_fields() for row in rows]


def test_written_csv_can_be_utf8_with_bom(rows: list[RegistryRow], tmp_path) -> None:
    path = tmp_path / "registry.csv"
    assert write_csv(str(path), rows[:10], encoding="utf-8-sig", date_style="wareki") == 10
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == ",".join(COLUMNS)
    assert "年" in lines[1]


def test_unsupported_encodings_are_rejected(tmp_path) -> None:
    with pytest.raises(ValueError, match="encoding"):
        write_csv(tmp_path / "x.csv", [], encoding="euc-jp")
    with pytest.raises(ValueError, match="encoding"):
        write_csv(tmp_path / "x.csv", [], encoding="no-such-codec")
    # Aliases of CP932 are fine.
    assert write_csv(tmp_path / "y.csv", [_sample_row()], encoding="ms932") == 1
