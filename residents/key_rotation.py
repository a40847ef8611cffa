"""Re-encryption of residents' personal data after a key change (see lib/crypto.py):
the registry, residents, and the outbox's LINE messages (which may name a person).

An operator puts a new key first in RESIDENT_DATA_KEY / RESIDENT_INDEX_KEY ("new,old"),
restarts, and runs ``manage.py rotate_resident_keys``. Every row still under an old key
is rewritten under the new one; the old key can be removed from the settings after that.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models, transaction
from django.db.models.functions import Cast

from lib.crypto import resident_cipher
from lib.fields import EncryptedJSONField
from messaging.models import OutboxMessage
from residents.blind_index import match_index, resident_match_index
from residents.fields import EncryptedTextField
from residents.models import RegistryPerson, Resident

BATCH_SIZE = 1_000


@dataclass
class RotationCount:
    model: str
    checked: int = 0
    rewritten: int = 0


# Each model's blind index of kana + birth date, rewritten under the current index key
# (None: the model has encrypted fields but no index).
_INDEX_OF: dict[type[models.Model], Callable[[models.Model], str] | None] = {
    RegistryPerson: lambda row: match_index(row.name_kana, row.birth_date),
    Resident: resident_match_index,
    # Messages that may name a person (lib.fields.EncryptedJSONField).
    OutboxMessage: None,
}


def resident_keys_rotate(
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[RotationCount], None] | None = None,
) -> list[RotationCount]:
    """Rewrite every encrypted value (and match index) not under the current key.

    Idempotent: a second run finds nothing to rewrite. Each batch is one transaction and
    locks its rows, so an import running at the same time is not overwritten with
    stale values.
    """
    return [_rotate(model, batch_size=batch_size, on_batch=on_batch) for model in _INDEX_OF]


def _rotate(
    model: type[models.Model],
    *,
    batch_size: int,
    on_batch: Callable[[RotationCount], None] | None,
) -> RotationCount:
    cipher = resident_cipher()
    encrypted = [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, (EncryptedTextField, EncryptedJSONField))
    ]
    index_of = _INDEX_OF[model]
    update_fields = [f.name for f in encrypted] + (["match_index"] if index_of else [])
    # The stored text itself, next to the decrypted value the field gives: it names the
    # key it was written with.
    raw = {f"raw_{f.name}": Cast(f.name, output_field=models.TextField()) for f in encrypted}
    count = RotationCount(model=model._meta.label)
    last_pk = 0
    while True:
        with transaction.atomic():
            rows = list(
                model.objects.select_for_update()
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .annotate(**raw)[:batch_size]
            )
            if not rows:
                break
            stale = []
            for row in rows:
                outdated = any(
                    value and not cipher.is_current(value)
                    for value in (getattr(row, name) for name in raw)
                )
                if index_of is not None:
                    index = index_of(row)
                    outdated = outdated or row.match_index != index
                    row.match_index = index
                if outdated:
                    stale.append(row)
            if stale:
                # Saving re-encrypts every listed field under the current key.
                model.objects.bulk_update(stale, update_fields)
        last_pk = rows[-1].pk
        count.checked += len(rows)
        count.rewritten += len(stale)
        if on_batch is not None:
            on_batch(count)
    return count
