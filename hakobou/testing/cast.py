"""The shared cast for tests: staff, a volunteer of area A, a volunteer of area B,
and anonymous (no user). Later issues add residents, shelters and reception."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import TestCase

from areas.models import Area
from areas.services import area_upsert, responder_upsert, staff_upsert
from lib.roles import Role

User = get_user_model()

PASSWORD = "correct-horse-battery-staple"


@dataclass
class Cast:
    area_a: Area
    area_b: Area
    staff: User
    volunteer_a: User
    volunteer_b: User


def make_cast() -> Cast:
    area_a = area_upsert(
        code="901",
        name="テスト甲町会",
        kana="テストコウチョウカイ",
        center_lat=41.75,
        center_lng=140.71,
    )
    area_b = area_upsert(
        code="902",
        name="テスト乙町会",
        kana="テストオツチョウカイ",
        center_lat=41.77,
        center_lng=140.73,
    )
    staff = staff_upsert(username="staff", password=PASSWORD, full_name="市 職員")
    volunteer_a = responder_upsert(
        username="volunteer-a",
        password=PASSWORD,
        role=Role.VOLUNTEER,
        areas=[area_a],
        full_name="甲野 一郎",
    )
    volunteer_b = responder_upsert(
        username="volunteer-b",
        password=PASSWORD,
        role=Role.VOLUNTEER,
        areas=[area_b],
        full_name="乙川 花子",
    )
    return Cast(area_a, area_b, staff, volunteer_a, volunteer_b)


class BaseTestCase(TestCase):
    """Builds the cast once per class; tests read ``self.volunteer_a`` etc."""

    @classmethod
    def setUpTestData(cls) -> None:
        cast = make_cast()
        cls.cast = cast
        cls.area_a, cls.area_b = cast.area_a, cast.area_b
        cls.staff, cls.volunteer_a, cls.volunteer_b = cast.staff, cast.volunteer_a, cast.volunteer_b
