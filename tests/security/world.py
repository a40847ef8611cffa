"""A small city for the security suite: two areas (X and Y), a shelter in each, and
three residents whose personal details are marker strings found nowhere else, so a
response body can be searched for anybody's data that its reader may not see.

- resident A lives in area X, reports from home, asks for a pickup, is in a supply
  round; signs in with LINE;
- resident B is the same in area Y;
- resident C is checked in at shelter SX (area X), has no LINE.

The people who call the routes, one per role: anonymous, resident A, resident B,
volunteer of X, volunteer of Y, reception of SX, an agency user (a partner
organisation's login with no role in Hakobou), staff (a city employee with the
dashboard and no admin rights beyond viewing) and a superuser.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client

from areas.models import Area
from areas.services import area_upsert, responder_upsert
from dashboard.supply_views import sign_delivery
from evacuation.models import Mobility, OffShelterReport, PickupRequest
from evacuation.services import pickup_request, report_start, report_submit, report_update
from lib.roles import Role
from lib.wareki import format_wareki
from messaging import simulator
from messaging.friends import line_friend_followed
from notices.models import Notice
from notices.services import notice_create
from residents.identity import ACCOUNT_KEY
from residents.models import Account, Resident
from residents.registration import resident_create_manual
from shelters.models import Method, Shelter
from shelters.services import shelter_upsert, stay_check_in
from shelters.tokens import personal_token, poster_token
from supplies.deliveries import deliveries_take
from supplies.models import Delivery, DeliveryBatch, DistributionRound, Item, RoundItem
from supplies.requests import supply_request_create
from supplies.rounds import round_open
from supplies.tests.supply_helpers import stocked_depot

User = get_user_model()

PASSWORD = "correct-horse-battery-staple"

ANONYMOUS = "anonymous"
RESIDENT_A = "resident A"
RESIDENT_B = "resident B"
VOLUNTEER_X = "volunteer X"
VOLUNTEER_Y = "volunteer Y"
RECEPTION = "reception SX"
AGENCY = "agency"
STAFF = "staff"
SUPERUSER = "superuser"

# Least privileged first: a role that may act on a record comes after those who may
# not, so a refused call is always made against the record as it was built.
ROLES = (
    ANONYMOUS,
    AGENCY,
    RESIDENT_B,
    RESIDENT_A,
    VOLUNTEER_Y,
    VOLUNTEER_X,
    RECEPTION,
    STAFF,
    SUPERUSER,
)
CITY = frozenset({STAFF, SUPERUSER})


@dataclass(frozen=True)
class Person:
    """One resident's personal details (each found nowhere else in the world) and who
    may read them."""

    name: str
    kana: str
    phone: str
    birth_date: datetime.date
    address: str
    note: str
    readers: frozenset[str]
    # A birth date is for the person and the city only (volunteers never see one).
    birth_date_readers: frozenset[str] = field(default=CITY)

    def markers(self) -> dict[str, frozenset[str]]:
        """{text in a body: the roles allowed to see it}."""
        birth = self.birth_date
        birth_forms = (
            birth.isoformat(),
            f"{birth.year}年{birth.month}月{birth.day}日",
            format_wareki(birth),
        )
        return {
            self.name: self.readers,
            self.kana: self.readers,
            self.phone: self.readers,
            self.address: self.readers,
            self.note: self.readers,
            **{form: self.birth_date_readers for form in birth_forms},
        }


PERSON_A = Person(
    name="甲斐 秘子",
    kana="カイ ヒメコ",
    phone="0138-41-7391",
    birth_date=datetime.date(1941, 5, 6),
    address="函館市青柳町9番9号 甲斐方",
    note="甲斐さんの合鍵は植木鉢の下",
    readers=CITY | {RESIDENT_A, VOLUNTEER_X},
    birth_date_readers=CITY | {RESIDENT_A},
)
PERSON_B = Person(
    name="乙部 秘男",
    kana="オトベ ヒデオ",
    phone="0138-42-8264",
    birth_date=datetime.date(1952, 7, 8),
    address="函館市谷地頭町8番8号 乙部方",
    note="乙部さんは夜間透析あり",
    readers=CITY | {RESIDENT_B, VOLUNTEER_Y},
    birth_date_readers=CITY | {RESIDENT_B},
)
PERSON_C = Person(
    name="丙野 秘江",
    kana="ヘイノ ヒデエ",
    phone="0138-43-9157",
    birth_date=datetime.date(1960, 9, 10),
    address="函館市青柳町7番7号 丙野方",
    note="",
    readers=CITY | {RECEPTION},
)
PEOPLE = (PERSON_A, PERSON_B, PERSON_C)


@dataclass
class World:
    area_x: Area
    area_y: Area
    shelter_x: Shelter
    shelter_y: Shelter
    users: dict[str, object]
    accounts: dict[str, Account]
    resident_a: Resident
    resident_b: Resident
    resident_c: Resident
    report_a: OffShelterReport
    report_b: OffShelterReport
    pickup_a: PickupRequest
    pickup_b: PickupRequest
    round: DistributionRound
    delivery_a: Delivery
    delivery_b: Delivery
    batch_x: DeliveryBatch
    notice: Notice
    line_user_a: str
    line_user_b: str

    def client(self, role: str) -> Client:
        """A client signed in as ``role`` (a resident through their session, everyone
        else through Django's login)."""
        client = Client()
        if role in (RESIDENT_A, RESIDENT_B):
            session = client.session
            session[ACCOUNT_KEY] = self.accounts[role].pk
            session.save()
        elif role != ANONYMOUS:
            client.force_login(self.users[role])
        return client

    def markers(self) -> dict[str, frozenset[str]]:
        found: dict[str, frozenset[str]] = {}
        for person in PEOPLE:
            found.update(person.markers())
        return {text: readers for text, readers in found.items() if text}


def _resident(account: Account, person: Person, area: Area) -> Resident:
    resident = resident_create_manual(
        account=account,
        relation="self",
        name=person.name,
        name_kana=person.kana,
        birth_date=person.birth_date,
        address=person.address,
        phone=person.phone,
        area=area,
    )
    resident.care = ["elderly"]
    resident.save(update_fields=["care"])
    return resident


def _line_account(display_name: str) -> tuple[Account, str]:
    user = simulator.simulated_user_create(display_name=display_name)
    line_friend_followed(user_id=user.user_id, display_name=display_name, language="ja")
    account, _ = Account.objects.get_or_create(
        line_user_id=user.user_id, defaults={"display_name": display_name}
    )
    return account, user.user_id


def _report(account: Account, resident: Resident, area: Area, note: str) -> OffShelterReport:
    report = report_update(
        report=report_start(account=account),
        people=[resident],
        place="home",
        latitude=area.center_lat,
        longitude=area.center_lng,
        location_source="gps",
        accuracy_m=10,
        address_text=resident.address,
        needs=["water", "transport"],
        care=["elderly"],
        note=note,
    )
    return report_submit(report=report)


def _pickup(report: OffShelterReport, destination: Shelter, note: str) -> PickupRequest:
    return pickup_request(
        report=report,
        people_count=1,
        mobility=Mobility.WHEELCHAIR,
        urgency=PickupRequest.Urgency.NOW,
        destination=destination,
        by_account=report.account,
        note=note,
    )


def build_world() -> World:
    area_x = area_upsert(
        code="981",
        name="試験甲町会",
        kana="シケンコウチョウカイ",
        center_lat=41.75,
        center_lng=140.71,
    )
    area_y = area_upsert(
        code="982",
        name="試験乙町会",
        kana="シケンオツチョウカイ",
        center_lat=41.77,
        center_lng=140.73,
    )
    shelters = {}
    for code, area, lat in (("SX", area_x, 41.751), ("SY", area_y, 41.771)):
        shelters[code] = shelter_upsert(
            code=f"sec-{code}",
            name=f"試験避難所{code}",
            kana="シケンヒナンジョ",
            kind=Shelter.Kind.DESIGNATED,
            address=f"函館市 試験{code}",
            latitude=lat,
            longitude=140.711,
            capacity=100,
            area=area,
            barrier_free=True,
        )
        shelters[code].status = Shelter.Status.OPEN
        shelters[code].save(update_fields=["status"])

    users = {
        VOLUNTEER_X: responder_upsert(
            username="sec-volunteer-x", password=PASSWORD, role=Role.VOLUNTEER, areas=[area_x]
        ),
        VOLUNTEER_Y: responder_upsert(
            username="sec-volunteer-y", password=PASSWORD, role=Role.VOLUNTEER, areas=[area_y]
        ),
        RECEPTION: responder_upsert(
            username="sec-reception-sx", password=PASSWORD, role=Role.RECEPTION, areas=[area_x]
        ),
        AGENCY: User.objects.create_user(username="sec-agency", password=PASSWORD),
        STAFF: User.objects.create_user(username="sec-staff", password=PASSWORD, is_staff=True),
        SUPERUSER: User.objects.create_superuser(username="sec-superuser", password=PASSWORD),
    }
    # A city employee whose admin rights the city narrowed to viewing.
    users[STAFF].user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    shelters["SX"].reception.set([users[RECEPTION]])

    account_a, line_user_a = _line_account("かいひめ")
    account_b, line_user_b = _line_account("おとべ")
    account_c = Account.objects.create()
    resident_a = _resident(account_a, PERSON_A, area_x)
    resident_b = _resident(account_b, PERSON_B, area_y)
    resident_c = _resident(account_c, PERSON_C, area_x)
    stay_check_in(resident=resident_c, shelter=shelters["SX"], method=Method.STAFF)

    report_a = _report(account_a, resident_a, area_x, PERSON_A.note)
    report_b = _report(account_b, resident_b, area_y, PERSON_B.note)
    pickup_a = _pickup(report_a, shelters["SX"], PERSON_A.note)
    pickup_b = _pickup(report_b, shelters["SY"], PERSON_B.note)

    water = Item.objects.get_or_create(
        name="飲料水 2L", defaults={"unit": "本", "category": "water"}
    )[0]
    round = DistributionRound.objects.create(
        name="試験 第1回", depot=stocked_depot({water: 1000}), created_by=users[SUPERUSER]
    )
    round.areas.set([area_x, area_y])
    RoundItem.objects.create(round=round, item=water, per_household=2, per_person=0)
    round = round_open(round=round, by_user=users[SUPERUSER]).round
    delivery_a = Delivery.objects.get(round=round, report=report_a)
    delivery_b = Delivery.objects.get(round=round, report=report_b)
    batch_x = deliveries_take(round=round, user=users[VOLUNTEER_X], ids=[delivery_a.pk]).batch
    supply_request_create(
        shelter=shelters["SX"], quantities={water: 10}, by_user=None, note="毛布が足りません"
    )

    notice = notice_create(
        title="試験のお知らせ",
        segment={"if": "everyone"},
        texts={"ja": "これは試験のお知らせです。"},
        by_user=users[SUPERUSER],
    )
    return World(
        area_x=area_x,
        area_y=area_y,
        shelter_x=shelters["SX"],
        shelter_y=shelters["SY"],
        users=users,
        accounts={RESIDENT_A: account_a, RESIDENT_B: account_b},
        resident_a=resident_a,
        resident_b=resident_b,
        resident_c=resident_c,
        report_a=report_a,
        report_b=report_b,
        pickup_a=pickup_a,
        pickup_b=pickup_b,
        round=round,
        delivery_a=delivery_a,
        delivery_b=delivery_b,
        batch_x=batch_x,
        notice=notice,
        line_user_a=line_user_a,
        line_user_b=line_user_b,
    )


def personal_qr(world: World) -> str:
    return personal_token(world.resident_c)


def poster(world: World) -> str:
    return poster_token(world.shelter_x)


def delivery_scan_token(world: World) -> str:
    return sign_delivery(world.delivery_a.pk)
