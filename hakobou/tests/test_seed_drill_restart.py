"""`make run` seeds the drill on the first start only: a restart keeps what people did."""

from io import StringIO

import pytest
from django.core.management import call_command

from hakobou import drill
from shelters.models import Shelter
from shelters.services import shelter_set_status

pytestmark = pytest.mark.django_db


def seed(settings, tmp_path, *flags: str) -> str:
    settings.DATA_DIR = tmp_path
    out = StringIO()
    call_command("seed_drill", *flags, stdout=out)
    return out.getvalue()


def test_a_restart_leaves_the_drill_as_people_left_it(settings, tmp_path):
    assert "Drill data ready" in seed(settings, tmp_path, "--if-empty")
    closed = next(spec for spec in drill.SHELTERS if not spec.open)
    shelter = Shelter.objects.get(code=closed.code)
    shelter_set_status(shelter=shelter, status=Shelter.Status.OPEN, notify=False)

    again = seed(settings, tmp_path, "--if-empty")

    assert "already here" in again and "make reset-drill" in again
    assert Shelter.objects.get(code=closed.code).status == Shelter.Status.OPEN


def test_a_reset_puts_the_drill_back_as_it_starts(settings, tmp_path):
    seed(settings, tmp_path)
    closed = next(spec for spec in drill.SHELTERS if not spec.open)
    shelter = Shelter.objects.get(code=closed.code)
    shelter_set_status(shelter=shelter, status=Shelter.Status.OPEN, notify=False)

    seed(settings, tmp_path)

    assert Shelter.objects.get(code=closed.code).status == Shelter.Status.CLOSED
