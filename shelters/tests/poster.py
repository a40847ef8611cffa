"""A signed-in resident with one family member in front of a shelter's poster."""

import datetime

from residents.models import ResidentLink
from residents.registration import resident_create_manual
from residents.tests.base import ResidentClientMixin
from shelters import tokens
from shelters.tests.factories import ShelterFactory


class FamilyAtThePosterMixin(ResidentClientMixin):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館")
        self.account = self.sign_in_as_line_user()
        self.me = self.register("避難 花子", ResidentLink.Relation.SELF)
        self.child = self.register("避難 一郎", ResidentLink.Relation.FAMILY)
        self.url = tokens.poster_path(self.shelter)

    def register(self, name, relation):
        return resident_create_manual(
            account=self.account,
            relation=relation,
            name=name,
            name_kana="ヒナン",
            birth_date=datetime.date(1980, 1, 1),
            address="函館市谷地頭町",
        )
