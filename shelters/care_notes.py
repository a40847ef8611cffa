"""What people bring to a shelter's door besides their registration: the care they said
they need on the way in (an out-of-shelter report's 配慮事項, a pickup's 車いす, the notes
they wrote), for reception, the roster and the status board.

Shelters knows nothing of reports or pickups (evacuation stands above it): an app that
knows such things registers a provider here in its AppConfig.ready(). A provider reads a
batch at once: given residents and, for each, the moment that counts (their arrival, or
now for someone at the desk), it returns what each of them told, for those it knows of.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from residents.models import CareConsideration


@dataclass(frozen=True)
class CareNote:
    """What one person told on the way in."""

    # Codes: CareConsideration's, or a provider's own (its ``labels`` name them, e.g.
    # "wheelchair"); counted on the board like a registration's care.
    codes: tuple[str, ...] = ()
    # What they wrote, as (what it is, the text): ("本人からのメモ", "2階にいます").
    notes: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.codes or self.notes)


@dataclass(frozen=True)
class Provider:
    read: Callable[[Mapping[int, datetime]], Mapping[int, CareNote]]
    # The codes it adds beyond CareConsideration, labelled in the active language.
    labels: Callable[[], Mapping[str, str]] = field(default=lambda: {})


_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def labels() -> dict[str, str]:
    """Every code's label: the care considerations, then what providers add."""
    found = {code: str(label) for code, label in CareConsideration.choices}
    for provider in _providers:
        found.update({code: str(label) for code, label in provider.labels().items()})
    return found


def care_notes(people: Mapping[int, datetime]) -> dict[int, CareNote]:
    """``people``: resident id → the moment that counts. Only people someone told of."""
    if not people or not _providers:
        return {}
    found: dict[int, CareNote] = {}
    for provider in _providers:
        for resident_id, note in provider.read(people).items():
            if not note:
                continue
            before = found.get(resident_id, CareNote())
            found[resident_id] = CareNote(
                codes=tuple(dict.fromkeys(before.codes + note.codes)),
                notes=before.notes + note.notes,
            )
    return found
