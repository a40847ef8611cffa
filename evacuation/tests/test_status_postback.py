"""「わたしの状況」 in the rich menu: registered or not, and where the household is."""

import datetime

import pytest

from messaging import simulator
from messaging.models import SimulatedMessage
from messaging.tests import webhook_helpers
from messaging.tests.webhook_helpers import tap
from residents.models import Account, ResidentLink
from residents.registration import resident_create_manual
from shelters.models import Method
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def user(db):
    return simulator.simulated_user_create(display_name="函館 花子")


def inbox(user) -> list[dict]:
    return webhook_helpers.inbox(user, texts=False)


def register(account, name, relation):
    return resident_create_manual(
        account=account,
        relation=relation,
        name=name,
        name_kana="ハコダテ タロウ",
        birth_date=datetime.date(1970, 3, 2),
        address="北海道函館市谷地頭町1番1号",
    )


def test_status_of_an_unregistered_user_replies_with_the_start_link(client, user):
    assert tap(client, user, "action=status").status_code == 200
    (reply,) = inbox(user)
    assert reply["type"] == "text"
    assert reply["text"].startswith("まだ登録されていません。")
    assert reply["text"].endswith("\nhttp://127.0.0.1:8000/my/start/")
    # Asking creates nothing: the account is made when the person signs in.
    assert not Account.objects.filter(line_user_id=user.user_id).exists()
    assert SimulatedMessage.objects.get().endpoint == "reply"


def test_status_of_a_registered_user_shows_the_masked_name_and_family_count(client, user):
    account = Account.objects.create(line_user_id=user.user_id)
    register(account, "函館 太郎", ResidentLink.Relation.SELF)
    register(account, "函館 次郎", ResidentLink.Relation.FAMILY)
    register(account, "函館 三郎", ResidentLink.Relation.FAMILY)
    tap(client, user, "action=status")
    reply, where = inbox(user)
    assert reply["text"] == (
        "ご本人（函館 ＊＊ さん）の登録はお済みです（ご家族 2 人）。\nhttp://127.0.0.1:8000/my/"
    )
    assert "太郎" not in reply["text"]
    # Not at a shelter and nothing reported: how to tell the city where they are.
    assert where["text"].startswith("避難所以外（自宅・車中など）に避難しているときは")
    assert where["text"].endswith("\nhttp://127.0.0.1:8000/my/report/")


def test_status_says_which_shelter_the_household_is_at(client, user):
    account = Account.objects.create(line_user_id=user.user_id)
    resident = register(account, "函館 太郎", ResidentLink.Relation.SELF)
    stay_check_in(
        resident=resident,
        shelter=ShelterFactory(name="青柳小学校 体育館"),
        method=Method.POSTER_QR,
    )
    tap(client, user, "action=status")
    where = [m["text"] for m in inbox(user) if "入所しています" in m["text"]]
    assert where == ["「青柳小学校 体育館」に入所しています。"]
