"""Helpers for tests of the residents' out-of-shelter report pages: a signed-in LINE
user with a registration, and the wizard's answers posted as the pages would."""

from __future__ import annotations

import datetime

from evacuation.models import OffShelterReport
from residents.registration import resident_create_manual, resident_update
from residents.tests.base import ResidentClientMixin

# Inside the city's default bounds (谷地頭町).
IN_CITY = {"latitude": "41.7535", "longitude": "140.716"}
# Sapporo: a real place, outside the city.
OUTSIDE_CITY = {"latitude": "43.0621", "longitude": "141.3544"}


class ReportClientMixin(ResidentClientMixin):
    def sign_in_with_family(self, display_name="函館 花子"):
        """A LINE user registered as 在宅 ヨシ (elderly) with a grandchild (infant)."""
        self.account = self.sign_in_as_line_user(display_name)
        self.me = self.register("在宅 ヨシ", "self", care=["elderly"])
        self.child = self.register("在宅 ミナ", "family", care=["infant"])
        return self.account

    def register(self, name, relation, care=(), account=None):
        resident = resident_create_manual(
            account=account or self.account,
            relation=relation,
            name=name,
            name_kana="ザイタク",
            birth_date=datetime.date(1940, 2, 3),
            address="函館市谷地頭町",
        )
        if care:
            resident_update(resident=resident, care=list(care))
        return resident

    def post_step(self, step, data, query="", **kwargs):
        return self.client.post(f"/my/report/{step}/{query}", data, **kwargs)

    def answer_until_people(self):
        self.post_step("place", {"place": "home"})
        self.post_step("location", {**IN_CITY, "location_source": "map"})
        return self.post_step("people", {"people": [self.me.pk], "others_count": "1"})

    def answer_all(self):
        self.answer_until_people()
        self.post_step("needs", {"needs": ["water", "medicine"]})
        self.post_step("care", {"care": ["elderly"]})
        return self.post_step("note", {"note": "2階にいます。"})

    def send(self):
        self.answer_all()
        return self.post_step("confirm", {"share": "on"})

    def report(self) -> OffShelterReport:
        return OffShelterReport.objects.get(account=self.account)
