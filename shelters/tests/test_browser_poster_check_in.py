import datetime

import pytest

from hakobou.testing.browser import PHONE, TABLET, log_in, sign_in_as_new_line_user
from residents.registration import resident_create_manual
from shelters import tokens
from shelters.models import Stay
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_scans_the_poster_and_checks_in_with_family(cast, new_page, screenshot):
    shelter = ShelterFactory(name="函館市立青柳小学校 体育館", capacity=300)
    shelter.reception.add(cast.volunteer_a)
    phone = new_page(PHONE)
    account = sign_in_as_new_line_user(phone, "避難 花子")
    for name, relation in (("避難 花子", "self"), ("避難 一郎", "family")):
        resident_create_manual(
            account=account,
            relation=relation,
            name=name,
            name_kana="ヒナン",
            birth_date=datetime.date(1980, 1, 1),
            address="函館市谷地頭町",
        )

    reception = new_page(TABLET)
    log_in(reception, cast.volunteer_a.username)
    reception.goto(f"/shelters/{shelter.pk}/poster/")
    assert reception.locator(".qr svg").is_visible()
    screenshot(reception, "poster")

    phone.goto(tokens.poster_path(shelter))
    assert phone.get_by_role("heading", name="函館市立青柳小学校 体育館").is_visible()
    phone.get_by_label("一緒に来た、登録していない方の人数").fill("1")
    screenshot(phone, "check-in")
    phone.get_by_role("button", name="チェックインする").click()
    assert phone.get_by_role("heading", name="チェックインしました").is_visible()
    screenshot(phone, "done")
    assert Stay.objects.filter(shelter=shelter, checked_out_at__isnull=True).count() == 2
