"""Residents' models: the registry, residents and their accounts (people.py), and
people sheltering outside shelters with their pickup requests (evacuation.py)."""

from residents.models.evacuation import (  # noqa: F401
    Mobility,
    Need,
    OffShelterReport,
    PickupEvent,
    PickupRequest,
)
from residents.models.people import (  # noqa: F401
    Account,
    Area,
    CareConsideration,
    DetailView,
    ImportRun,
    MatchAttempt,
    RegistryPerson,
    Resident,
    ResidentLink,
    ResponderProfile,
    TakeoverRequest,
    katakana_validator,
    validate_boundary,
    validate_care,
)
