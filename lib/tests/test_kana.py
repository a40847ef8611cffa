import pytest

from lib.kana import is_katakana_name, normalize_kana

SAME_READING = [
    ("ナカジマカズキ", ["なかじま かずき", "ﾅｶｼﾞﾏ ｶｽﾞｷ", "ナカジマ　カズキ", "ナカジマ・カズキ"]),
    ("ジョージ", ["ｼﾞｮｰｼﾞ", "ジョ－ジ", "ジョ-ジ", "じょーじ", "ジョ—ジ", "ジョ−ジ"]),
    ("ヴィクトル", ["ｳﾞｨｸﾄﾙ", "ゔぃくとる"]),
    ("パ", ["ﾊﾟ", "ぱ"]),
    ("ガ", ["ｶﾞ", "カ゛"]),
]


@pytest.mark.parametrize(
    ("expected", "spelling"),
    [(expected, spelling) for expected, spellings in SAME_READING for spelling in spellings],
)
def test_every_spelling_of_a_reading_normalises_to_the_same_katakana(expected, spelling):
    assert normalize_kana(spelling) == expected


@pytest.mark.parametrize(
    "spaced",
    [
        "ナカジマ カズキ",
        "ナカジマ\u3000カズキ",
        "ナカジマ\tカズキ",
        "ナカジマ\u00a0カズキ",
        " ナカジマ･カズキ\n",
    ],
)
def test_whitespace_of_every_width_and_middle_dots_are_removed(spaced):
    assert normalize_kana(spaced) == "ナカジマカズキ"


@pytest.mark.parametrize(("large", "small"), [("キヨシ", "キョシ"), ("ユウキ", "ユゥキ")])
def test_small_kana_are_kept_distinct_because_they_are_different_readings(large, small):
    assert normalize_kana(large) != normalize_kana(small)


def test_the_wave_dash_is_not_taken_for_a_long_vowel():
    assert normalize_kana("ア〜") == "ア〜"


@pytest.mark.parametrize(
    "sample",
    [
        "なかじま かずき",
        "ﾅｶｼﾞﾏ ｶｽﾞｷ",
        "ジョ－ジ",
        "ｳﾞｨｸﾄﾙ",
        "カ゛",
        "カ ﾞ",
        "ﾝﾞ",
        "いすゞ",
        "ＡＢＣ　ｄｅｆ",
        "山田・太郎",
        "",
        "  ",
    ],
)
def test_normalising_twice_changes_nothing(sample):
    once = normalize_kana(sample)
    assert normalize_kana(once) == once


@pytest.mark.parametrize("reading", ["やまだ たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "ジョージ", "いすゞ"])
def test_it_accepts_a_reading_written_in_kana(reading):
    assert is_katakana_name(reading)


@pytest.mark.parametrize("not_a_reading", ["山田", "yamada", "ヤマダ1", "", "   ", "\u3000"])
def test_it_rejects_kanji_latin_digits_and_blank_input_in_a_furigana_field(not_a_reading):
    assert not is_katakana_name(not_a_reading)
