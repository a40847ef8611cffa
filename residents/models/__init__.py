"""Residents' models: the registry, residents and their accounts (people.py)."""

from residents.models.people import (  # noqa: F401
    WITHDRAWN_NAME,
    Account,
    CareConsideration,
    DetailView,
    ImportRun,
    MatchAttempt,
    RegistryPerson,
    Resident,
    ResidentLink,
    TakeoverRequest,
    validate_care,
)
