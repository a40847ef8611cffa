"""Project-wide services that orchestrate several apps (the demo drill)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from hakobou import drill
from hakobou.lib import synthetic_registry
from residents.models import Area
from residents.services import area_upsert, responder_upsert, staff_upsert
from shelters.models import Shelter
from shelters.services import shelter_set_status, shelter_upsert


@dataclass(frozen=True)
class DrillSeedResult:
    areas: int
    accounts: int
    shelters: int
    registry_rows: int
    registry_path: Path


def drill_registry_path() -> Path:
    return Path(settings.DATA_DIR) / "drill" / drill.REGISTRY_FILE_NAME


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
        shelter_set_status(shelter=shelter, status=status, note="drill seed")

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
        registry_rows=written,
        registry_path=path,
    )
