"""A check-in tells the person's LINE accounts where they arrived, once per arrival."""

import pytest

from messaging import simulator
from messaging.tests.webhook_helpers import inbox
from residents.models import Account, ResidentLink
from shelters.models import Method
from shelters.services import stay_check_in, stay_check_out, stay_transfer
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def family():
    """A resident registered through LINE, and a daughter's LINE account linked as family."""
    me = simulator.simulated_user_create(display_name="避難 花子")
    daughter = simulator.simulated_user_create(display_name="娘", language="en")
    resident = make_resident("避難 花子")
    own = resident.links.get().account
    own.line_user_id, own.is_following, own.language = me.user_id, True, "ja"
    own.save()
    other = Account.objects.create(line_user_id=daughter.user_id, is_following=True, language="en")
    ResidentLink.objects.create(account=other, resident=resident, relation="family")
    return resident, me, daughter


def check_in(resident, shelter):
    return stay_check_in(resident=resident, shelter=shelter, method=Method.PERSONAL_QR)


def test_both_accounts_hear_of_the_arrival_in_their_language(family):
    resident, me, daughter = family
    check_in(resident, ShelterFactory(name="青柳小学校 体育館"))
    (mine,) = inbox(me)
    assert mine.startswith("避難 花子 さんが「青柳小学校 体育館」に到着しました")
    (hers,) = inbox(daughter)
    assert hers.startswith("避難 花子 has arrived at 青柳小学校 体育館")


def test_a_double_scan_sends_nothing_more(family):
    resident, me, _ = family
    shelter = ShelterFactory()
    check_in(resident, shelter)
    check_in(resident, shelter)
    assert len(inbox(me)) == 1


def test_a_transfer_is_an_arrival_and_a_check_out_is_not(family):
    resident, me, _ = family
    check_in(resident, ShelterFactory())
    stay_transfer(resident=resident, to_shelter=ShelterFactory(name="函館公園"))
    stay_check_out(resident=resident)
    messages = inbox(me)
    assert len(messages) == 2
    assert "「函館公園」に到着しました" in messages[1]


def test_an_account_that_blocked_the_city_is_not_messaged(family):
    resident, me, daughter = family
    Account.objects.filter(line_user_id=daughter.user_id).update(is_following=False)
    check_in(resident, ShelterFactory())
    assert len(inbox(me)) == 1
    assert inbox(daughter) == []


def test_someone_without_line_is_checked_in_without_a_message():
    resident = make_resident()
    outcome = check_in(resident, ShelterFactory())
    assert outcome.stay.pk
    from messaging.models import OutboxMessage

    assert not OutboxMessage.objects.exists()
