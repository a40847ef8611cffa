"""Project-wide services that orchestrate several apps (the demo drill)."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from areas.models import Area
from areas.services import area_upsert, responder_upsert, staff_upsert
from evacuation.models import Mobility, PickupRequest
from evacuation.services import pickup_request, report_start, report_submit, report_update
from hakobou import drill
from lib import synthetic_registry
from messaging.friends import line_friend_followed
from messaging.models import SimulatedUser
from residents.models import Account
from residents.registration import resident_create_manual
from shelters.models import Shelter
from shelters.services import CheckEveryoneOut, shelter_set_status, shelter_upsert
from supplies.ledger import stock_receive
from supplies.models import Depot, DistributionRound, Item, RoundItem, SupplyRequest
from supplies.requests import supply_request_create
from supplies.rounds import round_open


@dataclass(frozen=True)
class DrillSeedResult:
    areas: int
    accounts: int
    shelters: int
    evacuees: int
    registry_rows: int
    registry_path: Path


def drill_registry_path() -> Path:
    return Path(settings.DATA_DIR) / "drill" / drill.REGISTRY_FILE_NAME


def drill_seeded() -> bool:
    """Whether the drill's data is already in this database (its first area is)."""
    return Area.objects.filter(code=drill.AREAS[0].code).exists()


@transaction.atomic
def drill_seed(*, registry_path: Path | None = None) -> DrillSeedResult:
    """Create or refresh the drill's areas and accounts and write its synthetic registry.

    Idempotent and deterministic: running it again changes nothing and rewrites the
    same bytes, so a drill can be reset to its starting point at any time.
    """
    areas = {
        spec.code: area_upsert(
            code=spec.code,
            name=spec.name,
            kana=spec.kana,
            center_lat=spec.center_lat,
            center_lng=spec.center_lng,
        )
        for spec in drill.AREAS
    }
    users = {}
    for account in drill.ACCOUNTS:
        if account.role is None:
            users[account.username] = staff_upsert(
                username=account.username,
                password=account.password,
                full_name=account.full_name,
            )
        else:
            users[account.username] = responder_upsert(
                username=account.username,
                password=account.password,
                role=account.role,
                areas=[areas[code] for code in account.area_codes],
                full_name=account.full_name,
            )

    for spec in drill.SHELTERS:
        shelter = shelter_upsert(
            code=spec.code,
            name=spec.name,
            kana=spec.kana,
            kind=spec.kind,
            address=spec.address,
            latitude=spec.latitude,
            longitude=spec.longitude,
            capacity=spec.capacity,
            area=areas[spec.area_code],
            hazards=spec.hazards,
            barrier_free=spec.barrier_free,
            accepts_pets=spec.accepts_pets,
        )
        shelter.reception.set([users[name] for name in drill.RECEPTION.get(spec.code, ())])
        status = Shelter.Status.OPEN if spec.open else Shelter.Status.CLOSED
        # Seeding again puts the drill back as it starts: a shelter the drill closes
        # sends home whoever a previous run checked in there.
        shelter_set_status(
            shelter=shelter,
            status=status,
            note="drill seed",
            people_inside=CheckEveryoneOut(reason="訓練の初期状態に戻すため"),
            notify=False,  # a reset to the drill's start announces nothing
        )

    evacuees = _drill_evacuees(areas, Shelter.objects.get(code=drill.PICKUP_SHELTER))
    _drill_supplies(areas, users)

    path = registry_path or drill_registry_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = synthetic_registry.generate(
        drill.REGISTRY_SIZE, towns=drill.registry_towns(), seed=drill.REGISTRY_SEED
    )
    written = synthetic_registry.write_csv(path, rows, encoding="cp932")
    return DrillSeedResult(
        areas=Area.objects.filter(code__in=areas).count(),
        accounts=len(drill.ACCOUNTS),
        shelters=len(drill.SHELTERS),
        evacuees=evacuees,
        registry_rows=written,
        registry_path=path,
    )


def _drill_supplies(areas: dict[str, Area], users: dict) -> None:
    """A city depot with stock, an open distribution round to the drill's households
    outside shelters (so the map shows its layer and a resident can confirm receipt in
    the simulator inbox), and one shelter's open request. Stock is received only when
    the depot is first made; the round is opened again to take in new households."""
    staff = users[drill.ACCOUNTS[0].username]
    depot, created = Depot.objects.get_or_create(
        name=drill.DEPOT.name,
        defaults={
            "address": drill.DEPOT.address,
            "latitude": drill.DEPOT.latitude,
            "longitude": drill.DEPOT.longitude,
        },
    )
    items = {}
    for spec in drill.SUPPLY_ITEMS:
        items[spec.name] = Item.objects.get_or_create(
            name=spec.name, defaults={"unit": spec.unit, "category": spec.category}
        )[0]
        if created:
            stock_receive(
                depot=depot,
                item=items[spec.name],
                quantity=spec.stock,
                by_user=staff,
                reason="訓練の初期在庫",
            )
    round, round_created = DistributionRound.objects.get_or_create(
        name=drill.SUPPLY_ROUND, defaults={"depot": depot, "created_by": staff}
    )
    if round_created:
        round.areas.set(areas.values())
        for spec in drill.SUPPLY_ITEMS:
            if spec.per_household or spec.per_person:
                RoundItem.objects.create(
                    round=round,
                    item=items[spec.name],
                    per_household=spec.per_household,
                    per_person=spec.per_person,
                )
    if round.status != DistributionRound.Status.CLOSED:
        round_open(round=round, by_user=staff)
    shelter = Shelter.objects.get(code=drill.PICKUP_SHELTER)
    if not SupplyRequest.objects.filter(shelter=shelter).exists():
        supply_request_create(
            shelter=shelter,
            quantities={items[name]: quantity for name, quantity in drill.SHELTER_REQUEST},
            by_user=None,
            note="毛布が足りません（訓練）",
        )


def _drill_evacuees(areas: dict[str, Area], pickup_shelter: Shelter) -> int:
    """People at home, in a car or with relatives, each with a simulated LINE account
    (their inbox shows what the city tells them), a report and sometimes a pickup.
    Someone whose report the drill already ended is left alone: seeding again must
    not bring back people who reached a shelter."""
    for spec in drill.EVACUEES:
        user_id = "U" + hashlib.sha256(f"hakobou-drill-{spec.key}".encode()).hexdigest()[:32]
        SimulatedUser.objects.get_or_create(
            user_id=user_id, defaults={"display_name": spec.name, "language": "ja"}
        )
        # As LINE's follow webhook would have told us: the drill's people are friends.
        line_friend_followed(user_id=user_id, display_name=spec.name, language="ja")
        account, created = Account.objects.get_or_create(
            line_user_id=user_id, defaults={"display_name": spec.name}
        )
        if not created:
            continue
        resident = resident_create_manual(
            account=account,
            relation="self",
            name=spec.name,
            name_kana=spec.kana,
            birth_date=datetime.date(1948, 4, 1),
            address=f"北海道函館市{next(a.town for a in drill.AREAS if a.code == spec.area_code)}",
            area=areas[spec.area_code],
        )
        resident.care = list(spec.care)
        resident.save(update_fields=["care"])
        report = report_update(
            report=report_start(account=account),
            people=[resident],
            place=spec.place,
            latitude=spec.latitude,
            longitude=spec.longitude,
            location_source="gps",
            accuracy_m=15,
            others_count=spec.others,
            needs=list(spec.needs),
            care=list(spec.care),
        )
        report = report_submit(report=report)
        if spec.pickup:
            pickup_request(
                report=report,
                people_count=1 + spec.others,
                mobility=Mobility.WHEELCHAIR,
                urgency=PickupRequest.Urgency.NOW,
                destination=pickup_shelter,
                by_account=account,
            )
    return len(drill.EVACUEES)
