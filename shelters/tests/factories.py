import factory

from shelters.models import Shelter


class ShelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shelter

    code = factory.Sequence(lambda n: f"S{n + 1:03d}")
    name = factory.Sequence(lambda n: f"テスト避難所{n + 1}")
    kana = "テストヒナンジョ"
    address = "北海道函館市青柳町22番13号"
    latitude = 41.7597
    longitude = 140.7176
    capacity = 10
    status = Shelter.Status.OPEN
