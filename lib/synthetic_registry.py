"""Synthetic municipal resident registry (住民基本台帳) extracts for demos and benchmarks.

Nobody in the output is real: names are random combinations of common Japanese surnames and
given names, addresses are random house numbers in the towns the caller passes in. The output
mimics what a city's registry system exports as CSV (CP932, CRLF, fixed column names) so that
import and matching code can be exercised without personal data.

Generation is a plain generator over a private ``random.Random(seed)``, so the same arguments
always give the same rows, memory stays constant, and 1,500,000 rows can be streamed to disk.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import os
import random
from bisect import bisect
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate

__all__ = [
    "COLUMNS",
    "DATE_STYLES",
    "RegistryRow",
    "Town",
    "format_date",
    "generate",
    "write_csv",
]

COLUMNS: tuple[str, ...] = (
    "宛名番号",
    "氏名",
    "氏名カナ",
    "生年月日",
    "性別",
    "郵便番号",
    "住所",
    "世帯番号",
    "町会コード",
    "避難行動要支援者",
)

DATE_STYLES: tuple[str, ...] = ("western", "slash", "wareki")

# Registry exports use a full-width space between family and given name, in kanji and kana.
_SEP = "\u3000"
_EARLIEST_BIRTH = datetime.date(1925, 1, 1)
_DAYS_PER_YEAR = 365.2425
_MAX_HOUSEHOLD_NUMBER = 99_999_999
_ALLOWED_ENCODINGS = ("cp932", "utf-8-sig", "utf-8")


@dataclass(frozen=True, slots=True)
class Town:
    """A 町会 (neighbourhood association area) that residents are spread across."""

    area_code: str  # 町会コード, e.g. "101"
    town_name: str  # e.g. "谷地頭町"
    postcode: str  # e.g. "040-0046"
    max_block: int = 40  # house numbers go 1..max_block 番 and 1..30 号


@dataclass(frozen=True, slots=True)
class RegistryRow:
    """One resident, in the shape of one line of the registry CSV."""

    resident_number: str  # 宛名番号: zero-padded 10 digits, unique, increasing
    name: str  # 氏名 "姓　名" with U+3000
    name_kana: str  # 氏名カナ "セイ　メイ" in full-width katakana with U+3000
    birth_date: datetime.date
    sex: str  # "男" or "女"
    postcode: str
    address: str  # e.g. "北海道函館市谷地頭町12番5号"
    household_number: str  # 世帯番号: zero-padded 8 digits, shared by a household
    area_code: str
    needs_support: bool  # 避難行動要支援者

    def as_csv_fields(self, *, date_style: str = "western") -> list[str]:
        """Fields in COLUMNS order.

        date_style: "western" → "1970-03-02", "slash" → "1970/03/02",
        "wareki" → "昭和45年3月2日" (first era year written 元年, as on paper forms).
        The support flag is "1" or "" because registry exports leave false flags empty.
        """
        return [
            self.resident_number,
            self.name,
            self.name_kana,
            # isoformat() directly: the common case, and this runs once per exported row.
            self.birth_date.isoformat()
            if date_style == "western"
            else format_date(self.birth_date, date_style),
            self.sex,
            self.postcode,
            self.address,
            self.household_number,
            self.area_code,
            "1" if self.needs_support else "",
        ]


# Newest first so the first era that started on or before a date is the right one.
_ERAS: tuple[tuple[datetime.date, str], ...] = (
    (datetime.date(2019, 5, 1), "令和"),
    (datetime.date(1989, 1, 8), "平成"),
    (datetime.date(1926, 12, 25), "昭和"),
    (datetime.date(1912, 7, 30), "大正"),
)


def format_date(value: datetime.date, date_style: str = "western") -> str:
    """Format a birth date the way the chosen export style writes it."""
    if date_style == "western":
        return value.isoformat()
    if date_style == "slash":
        return f"{value.year:04d}/{value.month:02d}/{value.day:02d}"
    if date_style == "wareki":
        for start, era in _ERAS:
            if value >= start:
                year = value.year - start.year + 1
                year_text = "元" if year == 1 else str(year)
                return f"{era}{year_text}年{value.month}月{value.day}日"
        raise ValueError(f"no Japanese era defined for {value.isoformat()}")
    raise ValueError(f"unknown date_style {date_style!r}; expected one of {DATE_STYLES}")


# --- name pools -------------------------------------------------------------------------------
# "kanji:kana" pairs. Every kanji is in JIS X 0208 (not only in CP932's vendor extensions such
# as 髙 or 﨑), so the output survives any Shift_JIS-based system. Several readings have more
# than one spelling (サイトウ, ワタナベ, ヒロシ, ...) because matching code must cope with that.


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((kanji, kana) for kanji, kana in (item.split(":") for item in text.split()))


# Roughly in order of frequency in Hokkaido; weights below fall off with the position.
_SURNAMES = _pairs(
    """
    佐藤:サトウ 高橋:タカハシ 佐々木:ササキ 鈴木:スズキ 伊藤:イトウ 田中:タナカ 渡辺:ワタナベ
    小林:コバヤシ 中村:ナカムラ 斎藤:サイトウ 吉田:ヨシダ 山本:ヤマモト 加藤:カトウ 工藤:クドウ
    山田:ヤマダ 菅原:スガワラ 村上:ムラカミ 山口:ヤマグチ 松本:マツモト 井上:イノウエ 木村:キムラ
    林:ハヤシ 清水:シミズ 山崎:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ
    山下:ヤマシタ 中島:ナカジマ 石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ 長谷川:ハセガワ
    藤田:フジタ 後藤:ゴトウ 近藤:コンドウ 遠藤:エンドウ 青木:アオキ 坂本:サカモト 斉藤:サイトウ
    福田:フクダ 太田:オオタ 西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ
    中野:ナカノ 三浦:ミウラ 原田:ハラダ 中川:ナカガワ 松田:マツダ 竹内:タケウチ 小野:オノ
    田村:タムラ 中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上田:ウエダ 原:ハラ 内田:ウチダ
    柴田:シバタ 酒井:サカイ 菊地:キクチ 成田:ナリタ 千葉:チバ 佐野:サノ 今井:イマイ 本田:ホンダ
    新田:ニッタ 服部:ハットリ 堀田:ホッタ 庄司:ショウジ 神田:カンダ 秋山:アキヤマ 大橋:オオハシ
    菊池:キクチ 渡邊:ワタナベ 齋藤:サイトウ 東海林:ショウジ 澤田:サワダ 濱田:ハマダ
    百武:ヒャクタケ 謝花:ジャハナ
    """
)

# Given names by birth cohort (before 1960, 1960-1989, 1990 onwards) so that a 90-year-old is
# not called 陽翔. A couple of katakana names carry the long-vowel mark ー.
_MALE_NAMES = (
    _pairs(
        """
        茂:シゲル 清:キヨシ 勇:イサム 博:ヒロシ 実:ミノル 進:ススム 正男:マサオ 和夫:カズオ
        昭:アキラ 武:タケシ 勝:マサル 三郎:サブロウ 一郎:イチロウ 豊:ユタカ 正:タダシ 弘:ヒロシ
        昇:ノボル 幸雄:ユキオ 栄一:エイイチ 修:オサム 隆:タカシ 義雄:ヨシオ 次郎:ジロウ
        譲二:ジョウジ 勝利:カツトシ
        """
    ),
    _pairs(
        """
        誠:マコト 浩:ヒロシ 明:アキラ 健一:ケンイチ 秀樹:ヒデキ 俊介:シュンスケ 健太:ケンタ
        大輔:ダイスケ 直樹:ナオキ 拓也:タクヤ 哲也:テツヤ 達也:タツヤ 慎吾:シンゴ 貴之:タカユキ
        賢治:ケンジ 徹:トオル 亮:リョウ 淳:アツシ 敦:アツシ 純一:ジュンイチ 剛:ツヨシ 学:マナブ
        崇:タカシ 雄一:ユウイチ 哲平:テッペイ ジョージ:ジョージ
        """
    ),
    _pairs(
        """
        翔太:ショウタ 大樹:ダイキ 翔:ショウ 蓮:レン 悠真:ユウマ 陽翔:ハルト 湊:ミナト 蒼:アオイ
        樹:イツキ 大翔:ヒロト 悠斗:ユウト 優斗:ユウト 陸:リク 颯太:ソウタ 律:リツ 朝陽:アサヒ
        涼介:リョウスケ 海斗:カイト 匠:タクミ 拓海:タクミ 勇気:ユウキ 健:ケン 駿:シュン 隼人:ハヤト
        一輝:カズキ 雄太:ユウタ 一平:イッペイ 瑛太:エイタ
        """
    ),
)
_FEMALE_NAMES = (
    _pairs(
        """
        和子:カズコ 幸子:サチコ 節子:セツコ 京子:キョウコ 洋子:ヨウコ 恵子:ケイコ 順子:ジュンコ
        美智子:ミチコ 文子:フミコ 千代:チヨ ハナ:ハナ キヨ:キヨ トメ:トメ 静江:シズエ 美代子:ミヨコ
        悦子:エツコ 久子:ヒサコ 昭子:アキコ 典子:ノリコ 信子:ノブコ 敏子:トシコ 弘子:ヒロコ
        澄子:スミコ 雪子:ユキコ
        """
    ),
    _pairs(
        """
        久美子:クミコ 由美子:ユミコ 直美:ナオミ 裕子:ユウコ 真由美:マユミ 明美:アケミ 陽子:ヨウコ
        智子:トモコ 恵美:エミ 純子:ジュンコ 香織:カオリ 愛:アイ 舞:マイ 麻衣:マイ 彩:アヤ 美穂:ミホ
        沙織:サオリ 瞳:ヒトミ 恵:メグミ 優子:ユウコ 理恵:リエ 絵美:エミ 聡子:サトコ 祥子:ショウコ
        律子:リツコ 美雪:ミユキ 千尋:チヒロ エミリー:エミリー
        """
    ),
    _pairs(
        """
        美咲:ミサキ 彩香:アヤカ 七海:ナナミ 萌:モエ 葵:アオイ 陽菜:ヒナ 結衣:ユイ 凛:リン 芽依:メイ
        結愛:ユア 紬:ツムギ 陽葵:ヒマリ 澪:ミオ さくら:サクラ 咲良:サクラ 杏:アン 莉子:リコ
        瑞希:ミズキ 栞:シオリ 菜々子:ナナコ 琴音:コトネ 楓:カエデ 梨沙:リサ 紗希:サキ 優奈:ユウナ
        美優:ミユ 心春:コハル 詩織:シオリ 日向:ヒナタ 千夏:チナツ
        """
    ),
)

_SURNAME_CUM_WEIGHTS = tuple(accumulate(1.0 / (rank + 8) for rank in range(len(_SURNAMES))))


def _spellings(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    by_kana: dict[str, list[str]] = {}
    for kanji, kana in pairs:
        if kanji not in by_kana.setdefault(kana, []):
            by_kana[kana].append(kanji)
    return {kana: tuple(kanjis) for kana, kanjis in by_kana.items()}


_SURNAME_SPELLINGS = _spellings(_SURNAMES)
_GIVEN_SPELLINGS = {
    "男": _spellings(pair for cohort in _MALE_NAMES for pair in cohort),
    "女": _spellings(pair for cohort in _FEMALE_NAMES for pair in cohort),
}

# --- households -------------------------------------------------------------------------------
# Household kinds and weights, loosely after the census profile of an ageing Hokkaido city:
# lots of people living alone (young and old), many elderly couples, fewer families.
_SINGLE_ELDERLY, _SINGLE_ADULT, _ELDERLY_COUPLE, _COUPLE = range(4)
_ELDER_WITH_CHILD, _SINGLE_PARENT, _FAMILY, _THREE_GENERATIONS = range(4, 8)
_KIND_CUM_WEIGHTS = tuple(accumulate((24, 18, 18, 9, 6, 3, 18, 4)))
_CHILD_COUNT_CUM_WEIGHTS = (40, 84, 97, 100)  # 1, 2, 3 or 4 children

# Copy an earlier adult's kana and birth date into a new household every ~500 rows (0.2%),
# so there are always people whom kana + birth date alone cannot tell apart.
_CLONE_GAP = (250, 750)

_Member = tuple[tuple[str, str], str, int]  # (surname pair, sex, age)


def generate(
    count: int,
    *,
    towns: Sequence[Town],
    seed: int = 2025,
    start_number: int = 1,
    city_prefix: str = "北海道函館市",
    today: datetime.date = datetime.date(2025, 9, 28),
) -> Iterator[RegistryRow]:
    """Yield exactly ``count`` synthetic residents, household by household.

    Resident numbers run start_number, start_number + 1, ...; household numbers are counted
    from start_number as well, so chunks generated with disjoint number ranges never share a
    household number. Arguments are checked here, before the first row is requested.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if not towns:
        raise ValueError("at least one town is needed")
    if any(town.max_block < 1 for town in towns):
        raise ValueError("every town needs max_block >= 1")
    if start_number < 0:
        raise ValueError("start_number must not be negative")
    if start_number + count - 1 > _MAX_HOUSEHOLD_NUMBER:
        # Household numbers have 8 digits and are drawn from the same range.
        raise ValueError("start_number + count exceeds the 8-digit household number range")
    if today < _EARLIEST_BIRTH:
        raise ValueError(f"today must not be before {_EARLIEST_BIRTH.isoformat()}")
    return _generate(count, tuple(towns), seed, start_number, city_prefix, today)


def _generate(
    count: int,
    towns: tuple[Town, ...],
    seed: int,
    start_number: int,
    city_prefix: str,
    today: datetime.date,
) -> Iterator[RegistryRow]:
    # Seeded and private: reproducibility is the point, not unpredictability.
    rng = random.Random(seed)  # noqa: S311
    random_ = rng.random
    today_ord = today.toordinal()
    earliest_ord = _EARLIEST_BIRTH.toordinal()
    from_ordinal = datetime.date.fromordinal
    cohort_1960 = datetime.date(1960, 1, 1).toordinal()
    cohort_1990 = datetime.date(1990, 1, 1).toordinal()
    n_towns = len(towns)
    prefixes = {town: f"{city_prefix}{town.town_name}" for town in towns}

    # (surname pair, given pair, sex, birth date, area code) of recent adults, for cloning.
    recent_adults: deque[tuple[tuple[str, str], tuple[str, str], str, datetime.date, str]]
    recent_adults = deque(maxlen=64)
    next_clone_at = _between(random_, *_CLONE_GAP)

    number = start_number
    household = start_number
    end = start_number + count
    while number < end:
        town = towns[int(random_() * n_towns)]
        block = _between(random_, 1, town.max_block)
        address = f"{prefixes[town]}{block}番{_between(random_, 1, 30)}号"
        household_number = f"{household:08d}"
        household += 1

        if number - start_number >= next_clone_at and recent_adults:
            next_clone_at += _between(random_, *_CLONE_GAP)
            surname, given, sex, birth = _pick_clone_source(rng, recent_adults, town.area_code)
            yield RegistryRow(  # positional, in field order: keywords cost ~1 µs a row
                f"{number:010d}",
                f"{surname[0]}{_SEP}{given[0]}",
                f"{surname[1]}{_SEP}{given[1]}",
                birth,
                sex,
                town.postcode,
                address,
                household_number,
                town.area_code,
                random_() < _support_probability(_age_on(birth, today)),
            )
            number += 1
            continue

        for surname, sex, age in _household(rng):
            if number >= end:
                break  # the last household may be cut short; its head always comes first
            birth_ord = today_ord - int((age + random_()) * _DAYS_PER_YEAR)
            if birth_ord < earliest_ord:
                # Only reachable with a `today` close to 1925; keep within [1925-01-01, today].
                birth_ord = earliest_ord + int(random_() * min(365, today_ord - earliest_ord + 1))
            cohort = 0 if birth_ord < cohort_1960 else 1 if birth_ord < cohort_1990 else 2
            names = (_MALE_NAMES if sex == "男" else _FEMALE_NAMES)[cohort]
            given = names[int(random_() * len(names))]
            birth = from_ordinal(birth_ord)
            if age >= 20:
                recent_adults.append((surname, given, sex, birth, town.area_code))
            yield RegistryRow(  # positional, in field order: keywords cost ~1 µs a row
                f"{number:010d}",
                f"{surname[0]}{_SEP}{given[0]}",
                f"{surname[1]}{_SEP}{given[1]}",
                birth,
                sex,
                town.postcode,
                address,
                household_number,
                town.area_code,
                random_() < _support_probability(age),
            )
            number += 1


def _pick_clone_source(
    rng: random.Random,
    recent_adults: deque[tuple[tuple[str, str], tuple[str, str], str, datetime.date, str]],
    area_code: str,
) -> tuple[tuple[str, str], tuple[str, str], str, datetime.date]:
    """Take a recent adult from another town, respelling the name half of the time.

    Same kana and birth date, but possibly 斉藤 instead of 斎藤: exactly the case where only
    kana-based matching finds several candidates.
    """
    start = rng.randrange(len(recent_adults))
    source = recent_adults[start]
    for offset in range(len(recent_adults)):
        candidate = recent_adults[(start + offset) % len(recent_adults)]
        if candidate[4] != area_code:
            source = candidate
            break
    surname, given, sex, birth, _ = source
    if rng.random() < 0.5:
        surname = (rng.choice(_SURNAME_SPELLINGS[surname[1]]), surname[1])
        given = (rng.choice(_GIVEN_SPELLINGS[sex][given[1]]), given[1])
    return surname, given, sex, birth


def _household(rng: random.Random) -> list[_Member]:
    """Members of one household as (surname, sex, age), head of household first."""
    random_ = rng.random

    surname = _surname(rng)
    kind = bisect(_KIND_CUM_WEIGHTS, random_() * _KIND_CUM_WEIGHTS[-1])

    if kind == _SINGLE_ELDERLY:
        # Widows outnumber widowers.
        return [(surname, "女" if random_() < 0.65 else "男", _elder_age(rng))]
    if kind == _SINGLE_ADULT:
        age = min(64, int(rng.triangular(20, 65, 24)))
        return [(surname, "男" if random_() < 0.55 else "女", age)]
    if kind == _ELDERLY_COUPLE:
        husband = _elder_age(rng)
        wife = _clamp(husband - _between(random_, -2, 5), 65, 95)
        return [(surname, "男", husband), (_spouse_surname(rng, surname, 0.01), "女", wife)]
    if kind == _COUPLE:
        husband = _between(random_, 25, 64)
        wife = _clamp(husband - _between(random_, -3, 6), 22, 64)
        return [(surname, "男", husband), (_spouse_surname(rng, surname, 0.03), "女", wife)]
    if kind == _ELDER_WITH_CHILD:
        parent = _between(random_, 75, 95)
        child = _between(random_, 45, min(65, parent - 20))
        # An unmarried child, or a married daughter who moved back in.
        child_surname = _spouse_surname(rng, surname, 0.1)
        return [
            (surname, "女" if random_() < 0.7 else "男", parent),
            (child_surname, "男" if random_() < 0.5 else "女", child),
        ]

    members: list[_Member]
    if kind == _SINGLE_PARENT:
        parent = _between(random_, 25, 55)
        members = [(surname, "女" if random_() < 0.85 else "男", parent)]
        mother = parent
        children = _between(random_, 1, 2)
    else:
        father = _between(random_, 27, 55)
        mother = _clamp(father - _between(random_, -3, 5), 25, 55)
        members = [(surname, "男", father), (_spouse_surname(rng, surname, 0.02), "女", mother)]
        if kind == _FAMILY:
            children = 1 + bisect(_CHILD_COUNT_CUM_WEIGHTS, random_() * 100)
        else:
            children = _between(random_, 1, 2)

    oldest_child = min(20, mother - 18)
    ages = sorted((_between(random_, 0, oldest_child) for _ in range(children)), reverse=True)
    for age in ages:
        # A few stepchildren keep the other parent's surname.
        members.append(
            (_spouse_surname(rng, surname, 0.03), "男" if random_() < 0.51 else "女", age)
        )

    if kind == _THREE_GENERATIONS:
        # Often the wife's parents, hence another surname.
        grandparent_surname = _spouse_surname(rng, surname, 0.35)
        youngest = max(65, max(members[0][2], members[1][2]) + 20)
        if random_() < 0.6:
            members.append((grandparent_surname, "女", _between(random_, min(youngest, 95), 95)))
        else:
            grandfather = _between(random_, min(youngest, 95), 95)
            grandmother = _clamp(grandfather - _between(random_, -2, 5), min(youngest, 95), 95)
            members.append((grandparent_surname, "男", grandfather))
            members.append((grandparent_surname, "女", grandmother))
    return members


def _surname(rng: random.Random) -> tuple[str, str]:
    return _SURNAMES[bisect(_SURNAME_CUM_WEIGHTS, rng.random() * _SURNAME_CUM_WEIGHTS[-1])]


def _between(random_: Callable[[], float], low: int, high: int) -> int:
    # Cheaper than Random.randint, which matters at a million rows.
    return low + int(random_() * (high - low + 1))


def _spouse_surname(
    rng: random.Random, surname: tuple[str, str], other_share: float
) -> tuple[str, str]:
    return _surname(rng) if rng.random() < other_share else surname


def _elder_age(rng: random.Random) -> int:
    # Mode in the early 70s; few people reach 95.
    return 65 + min(30, int(rng.triangular(0, 31, 6)))


def _clamp(value: int, low: int, high: int) -> int:
    return low if value < low else high if value > high else value


def _age_on(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _support_probability(age: int) -> float:
    # Disability and frailty register entries concentrate in the over-75s; overall about 4%.
    if age >= 75:
        return 0.15
    if age >= 65:
        return 0.03
    return 0.007


def write_csv(
    path: str | os.PathLike[str],
    rows: Iterable[RegistryRow],
    *,
    encoding: str = "cp932",
    date_style: str = "western",
) -> int:
    """Write a registry export and return the number of data rows.

    Header row = COLUMNS, then one line per row, CRLF line endings as municipal systems export.
    encoding is "cp932" (what the city's system produces), "utf-8-sig" or "utf-8". Rows are
    consumed lazily, so a generator of any length is written in constant memory.
    """
    try:
        codec = codecs.lookup(encoding).name  # so that aliases such as "ms932" are accepted
    except LookupError:
        codec = encoding
    if codec not in _ALLOWED_ENCODINGS:
        raise ValueError(f"unsupported encoding {encoding!r}; use one of {_ALLOWED_ENCODINGS}")
    if date_style not in DATE_STYLES:
        raise ValueError(f"unknown date_style {date_style!r}; expected one of {DATE_STYLES}")

    written = 0
    with open(path, "w", encoding=codec, newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writerow = writer.writerow
        for row in rows:
            writerow(row.as_csv_fields(date_style=date_style))
            written += 1
    return written
