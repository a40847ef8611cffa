import pytest
from django.conf import settings

from messaging import simulator
from messaging.models import SimulatedMessage


@pytest.fixture
def line_users(db):
    """Simulated LINE users who are friends of the city's account."""

    def make(count: int) -> list[str]:
        return [
            simulator.simulated_user_create(display_name=f"住民{n}").user_id for n in range(count)
        ]

    return make


@pytest.fixture
def user(db):
    """A simulated LINE user, friend of the city's account (the webhook tests' resident)."""
    return simulator.simulated_user_create(display_name="函館 花子")


@pytest.fixture
def fast_faults(settings):
    """Short timeouts so injected faults cost milliseconds, and no real back-off waits."""
    settings.LINE_API_TIMEOUT_SECONDS = 0.3
    settings.OUTBOX_BACKOFF_BASE_SECONDS = 0
    return settings


def received(user_id: str) -> int:
    return SimulatedMessage.objects.filter(user__user_id=user_id).count()


__all__ = ["received", "settings"]
