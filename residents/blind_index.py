"""The keyed blind index that finds a registry record, or a resident entered by hand, by
furigana + birth date."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from lib.crypto import resident_index
from lib.kana import normalize_kana

if TYPE_CHECKING:
    from residents.models import Resident


def _message(kana: str, birth_date: datetime.date) -> str:
    return f"{normalize_kana(kana)}|{birth_date.isoformat()}"


def match_index(kana: str, birth_date: datetime.date) -> str:
    """The value stored in RegistryPerson.match_index (under the current index key)."""
    return resident_index().current(_message(kana, birth_date))


def match_candidates(kana: str, birth_date: datetime.date) -> list[str]:
    """Values to look up: one per configured index key, so matching keeps working
    while keys are being rotated."""
    return resident_index().candidates(_message(kana, birth_date))


def resident_match_index(resident: Resident) -> str:
    """The value stored in Resident.match_index: the index of what was entered by hand,
    empty for a verified resident (found through the registry record instead)."""
    if resident.registry_person_id is not None or not resident.name_kana:
        return ""
    if resident.birth_date is None:
        return ""
    return match_index(resident.name_kana, resident.birth_date)
