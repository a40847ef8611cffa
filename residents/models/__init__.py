"""Residents' models: the registry, residents and their accounts (people.py)."""

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
