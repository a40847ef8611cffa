"""The Hakodate Yachigashira drill (谷地頭町会, 2025-09-28) as demo data.

Everything here is synthetic: the areas and the school are real places, the
people and accounts are not. Later issues add shelters, evacuees and supplies.
"""

from __future__ import annotations

from dataclasses import dataclass

from lib.roles import Role
from lib.synthetic_registry import Town

DRILL_DATE = "2025-09-28"
REGISTRY_SIZE = 2_000
REGISTRY_SEED = 20250928
REGISTRY_FILE_NAME = "registry_sample.csv"


@dataclass(frozen=True)
class DrillArea:
    code: str
    name: str
    kana: str
    town: str
    postcode: str
    center_lat: float
    center_lng: float


AREAS = (
    DrillArea(
        "101", "谷地頭町会", "ヤチガシラチョウカイ", "谷地頭町", "040-0046", 41.7535, 140.7160
    ),
    DrillArea("102", "青柳町会", "アオヤギチョウカイ", "青柳町", "040-0044", 41.7587, 140.7195),
    DrillArea("103", "住吉町会", "スミヨシチョウカイ", "住吉町", "040-0045", 41.7502, 140.7232),
)


@dataclass(frozen=True)
class DrillAccount:
    username: str
    password: str
    full_name: str
    role: Role | None  # None: city staff (Django staff + superuser)
    area_codes: tuple[str, ...] = ()


# Known demo passwords: seed_drill refuses to run outside development unless told to.
ACCOUNTS = (
    DrillAccount("city-staff", "drill-staff-2025", "函館 市役所", None),
    DrillAccount("yachigashira", "drill-vol-2025", "谷地頭 防災", Role.VOLUNTEER, ("101",)),
    DrillAccount("aoyagi", "drill-vol-2025", "青柳 防災", Role.VOLUNTEER, ("102",)),
    DrillAccount("sumiyoshi", "drill-vol-2025", "住吉 防災", Role.VOLUNTEER, ("103",)),
    DrillAccount(
        "aoyagi-reception", "drill-reception-2025", "青柳小 受付", Role.RECEPTION, ("102",)
    ),
)


def registry_towns() -> list[Town]:
    return [Town(area_code=a.code, town_name=a.town, postcode=a.postcode) for a in AREAS]


@dataclass(frozen=True)
class DrillShelter:
    code: str
    name: str
    kana: str
    kind: str
    address: str
    latitude: float
    longitude: float
    capacity: int
    area_code: str
    hazards: tuple[str, ...]
    barrier_free: bool = False
    accepts_pets: bool = False
    open: bool = False


# The drill's shelters; 青柳小学校 体育館 is where the 2025 drill's evacuees checked in.
SHELTERS = (
    DrillShelter(
        "S101",
        "函館市立青柳小学校 体育館",
        "ハコダテシリツアオヤギショウガッコウ タイイクカン",
        "designated",
        "北海道函館市青柳町22番13号",
        41.7597,
        140.7176,
        300,
        "102",
        ("tsunami", "earthquake", "fire", "landslide"),
        barrier_free=True,
        open=True,
    ),
    DrillShelter(
        "S102",
        "函館公園",
        "ハコダテコウエン",
        "emergency_site",
        "北海道函館市青柳町17番",
        41.7586,
        140.7190,
        2000,
        "102",
        ("tsunami", "earthquake", "fire"),
        open=True,
    ),
    DrillShelter(
        "S103",
        "谷地頭町会館（訓練用）",
        "ヤチガシラチョウカイカン",
        "designated",
        "北海道函館市谷地頭町5番14号",
        41.7541,
        140.7152,
        60,
        "101",
        ("earthquake", "fire"),
        accepts_pets=True,
    ),
    DrillShelter(
        "S104",
        "住吉地区福祉避難所（訓練用）",
        "スミヨシチクフクシヒナンジョ",
        "welfare",
        "北海道函館市住吉町8番3号",
        41.7508,
        140.7228,
        40,
        "103",
        ("earthquake",),
        barrier_free=True,
    ),
)

# Reception accounts by shelter code.
RECEPTION = {"S101": ("aoyagi-reception",)}


@dataclass(frozen=True)
class DrillEvacuee:
    """Someone sheltering outside a shelter at the start of the drill (fictional)."""

    key: str  # stable: seeding again finds the same person
    name: str
    kana: str
    area_code: str
    latitude: float
    longitude: float
    place: str
    needs: tuple[str, ...]
    care: tuple[str, ...] = ()
    others: int = 0
    pickup: bool = False  # asks to be taken to 青柳小学校 体育館


EVACUEES = (
    DrillEvacuee(
        "e1",
        "谷地頭 トメ",
        "ヤチガシラ トメ",
        "101",
        41.7531,
        140.7149,
        "home",
        ("transport", "medicine"),
        ("elderly", "nursing_care"),
        pickup=True,
    ),
    DrillEvacuee(
        "e2",
        "谷地頭 健",
        "ヤチガシラ ケン",
        "101",
        41.7540,
        140.7171,
        "car",
        ("water", "food"),
        ("pet",),
        others=2,
    ),
    DrillEvacuee(
        "e3",
        "青柳 春子",
        "アオヤギ ハルコ",
        "102",
        41.7581,
        140.7204,
        "home",
        ("information",),
        ("elderly",),
    ),
    DrillEvacuee(
        "e4",
        "青柳 大地",
        "アオヤギ ダイチ",
        "102",
        41.7592,
        140.7211,
        "relatives",
        ("food",),
        ("infant",),
        others=1,
    ),
    DrillEvacuee(
        "e5",
        "住吉 ミツ",
        "スミヨシ ミツ",
        "103",
        41.7498,
        140.7239,
        "home",
        ("medical", "transport"),
        ("disability",),
        pickup=True,
    ),
    DrillEvacuee(
        "e6",
        "住吉 一郎",
        "スミヨシ イチロウ",
        "103",
        41.7511,
        140.7246,
        "home",
        ("water",),
        ("chronic_illness",),
    ),
)
PICKUP_SHELTER = "S101"


@dataclass(frozen=True)
class DrillDepot:
    name: str
    address: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class DrillItem:
    name: str
    unit: str
    category: str
    stock: int
    per_household: int = 0
    per_person: int = 0


DEPOT = DrillDepot("函館市 総合備蓄倉庫（訓練）", "北海道函館市東雲町4番13号", 41.7688, 140.7290)
SUPPLY_ITEMS = (
    DrillItem("飲料水 2L", "本", "water", 600, per_person=2),
    DrillItem("アルファ米", "食", "food", 900, per_person=3),
    DrillItem("乳児用液体ミルク", "本", "infant", 120),
    DrillItem("簡易トイレ", "回分", "hygiene", 500, per_household=5),
    DrillItem("毛布", "枚", "bedding", 200),
)
SUPPLY_ROUND = "第1回 在宅・車中避難の世帯への配布（訓練）"
SHELTER_REQUEST = (("毛布", 30), ("飲料水 2L", 48))
