"""The keyed blind index that finds a registry record by furigana + birth date."""

from __future__ import annotations

import datetime

from hakobou.lib.crypto import resident_index
from hakobou.lib.kana import normalize_kana


def _message(kana: str, birth_date: datetime.date) -> str:
    return f"{normalize_kana(kana)}|{birth_date.isoformat()}"


def match_index(kana: str, birth_date: datetime.date) -> str:
    """The value stored in RegistryPerson.match_index (under the current index key)."""
    return resident_index().current(_message(kana, birth_date))


def match_candidates(kana: str, birth_date: datetime.date) -> list[str]:
    """Values to look up: one per configured index key, so matching keeps working
    while keys are being rotated."""
    return resident_index().candidates(_message(kana, birth_date))
