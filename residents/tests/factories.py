import datetime

import factory

from areas.models import Area
from residents.blind_index import match_index
from residents.models import RegistryPerson


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area
        django_get_or_create = ("code",)

    code = "101"
    name = "谷地頭町会"
    kana = "ヤチガシラチョウカイ"
    center_lat = 41.7535
    center_lng = 140.716


class RegistryPersonFactory(factory.django.DjangoModelFactory):
    """A registry record as an import would store it (encrypted, indexed)."""

    class Meta:
        model = RegistryPerson

    resident_number = factory.Sequence(lambda n: f"{n + 1:010d}")
    name = "函館 太郎"
    name_kana = "ハコダテ タロウ"
    birth_date = datetime.date(1970, 3, 2)
    sex = "M"
    postcode = "040-0046"
    address = "北海道函館市谷地頭町12番5号"
    household_number = factory.Sequence(lambda n: f"{n + 1:08d}")
    area = factory.SubFactory(AreaFactory)
    needs_support = False
    match_index = factory.LazyAttribute(lambda o: match_index(o.name_kana, o.birth_date))
