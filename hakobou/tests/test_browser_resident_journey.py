"""The resident's journey without dead ends, on a phone, in each language the site
speaks: scan a shelter's poster before registering, register (typing the birth year in
西暦) and land back on that check-in; report sheltering at home with care needs; ask
for a pickup in a wheelchair (barrier-free shelters first); a volunteer brings them in;
/my/ says where they are; reception scans their QR and sees what they told.

The pages are driven by what does not change with the language (names, ids, URLs);
what the page says is compared with the catalogue's words for that language.
やさしい日本語's catalogue may still fall back to Japanese: the test only asks that the
page speaks the language chosen and says the same words gettext does."""

import datetime

import pytest
from django.utils import translation

from areas.services import responder_upsert
from evacuation.models import Mobility, Need, OffShelterReport, PickupRequest
from evacuation.services import pickup_arrived, pickup_claim, pickup_picked_up
from hakobou.testing.browser import PHONE, TABLET, log_in, stay_offline
from hakobou.testing.cast import PASSWORD
from lib.roles import Role
from residents.models import CareConsideration, ResidentLink
from residents.tests.factories import RegistryPersonFactory
from shelters import tokens
from shelters.models import Stay
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOME = (41.7503, 140.7105)  # in テスト甲町会 (the cast's area A), a volunteer's area
NOTE = "2階にいます。呼び鈴が鳴りません。"
PICKUP_NOTE = "車いすは自分のものがあります。"


def switch_language(page, language: str) -> None:
    """The footer's switcher, as a resident uses it; the page comes back in it."""
    page.locator("#language").select_option(language)
    with page.expect_navigation():
        page.locator("form.language-form button[type=submit]").click()
    assert page.locator("#language").input_value() == language


def submit(page) -> None:
    """The page's own form (not the footer's language form)."""
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").last.click()


def words(language: str, *texts) -> list[str]:
    with translation.override(language):
        return [str(text) for text in texts]


@pytest.mark.parametrize("language", ["ja", "en", "ja-easy"])
def test_a_resident_goes_from_a_poster_to_a_shelter_with_their_care_known(
    language, cast, new_page, live_server, screenshot
):
    from playwright.sync_api import expect

    RegistryPersonFactory(
        name="中嶋 和樹", name_kana="ナカジマ カズキ", birth_date=datetime.date(1932, 3, 2)
    )
    poster_shelter = ShelterFactory(name="函館市立青柳小学校 体育館", capacity=300)
    near = ShelterFactory(name="谷地頭町会館", latitude=41.7510, longitude=140.7112)
    ramp = ShelterFactory(
        name="函館アリーナ", latitude=41.7560, longitude=140.7160, barrier_free=True
    )
    clerk = responder_upsert(
        username="reception-arena", password=PASSWORD, role=Role.RECEPTION, areas=[]
    )
    ramp.reception.add(clerk)

    phone = new_page(PHONE)
    stay_offline(phone, live_server)
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({"latitude": HOME[0], "longitude": HOME[1], "accuracy": 15})

    # 1. The poster, before registering: sign in first, in the resident's language.
    check_in = tokens.poster_path(poster_shelter)
    phone.goto(check_in)
    assert "/my/start/" in phone.url
    switch_language(phone, language)
    phone.locator("#display_name").fill("なかじま")
    with phone.expect_navigation():
        phone.locator("form.sim-login button[type=submit]").click()
    assert phone.url.endswith(check_in)
    screenshot(phone, "1-register-first")
    phone.locator("main a.button.primary[href*='/my/register/']").click()

    # 2. Registration: consent, furigana, the birth year in 西暦 (no era is chosen).
    phone.locator("input[name=agree]").check()
    submit(phone)
    phone.locator("#id_kana").fill("ナカジマ カズキ")
    submit(phone)
    assert phone.locator("#id_era").input_value() == ""
    phone.locator("#id_year").fill("1932")
    phone.locator("#id_month").select_option("3")
    phone.locator("#id_day").select_option("2")
    screenshot(phone, "2-birth")
    submit(phone)
    expect(phone.locator(".messages")).to_contain_text("1932")
    phone.locator("form[action$='/my/register/confirm/'] button").click()

    # 3. Back on the poster's check-in, registered.
    phone.wait_for_url(f"**{check_in}")
    expect(phone.locator("input[name=residents]")).to_be_checked()
    expect(phone.locator("h1")).to_have_text("函館市立青柳小学校 体育館")
    screenshot(phone, "3-back-on-check-in")
    resident = ResidentLink.objects.get(relation="self").resident

    # 4. Sheltering at home instead: the report, with care needs and a note.
    phone.goto("/my/")
    screenshot(phone, "4-my-page")
    phone.locator("main a.button.primary[href='/my/report/']").click()
    phone.locator("input[name=place][value=home]").check()
    submit(phone)
    phone.locator("#report-map").wait_for(state="visible")
    phone.locator("#use-location").click()
    expect(phone.locator("#id_location_source")).to_have_value("gps")
    submit(phone)
    expect(phone.locator(f"input[name=people][value='{resident.pk}']")).to_be_checked()
    submit(phone)
    phone.locator("input[name=needs][value=medical]").check()
    submit(phone)
    phone.locator("input[name=care][value=elderly]").check()
    phone.locator("input[name=care][value=disability]").check()
    submit(phone)
    phone.locator("#id_note").fill(NOTE)
    submit(phone)
    phone.locator("#id_share").check()
    submit(phone)
    report = OffShelterReport.objects.get(account=ResidentLink.objects.get().account)
    assert report.status == OffShelterReport.Status.ACTIVE

    # 5. A pickup in a wheelchair: barrier-free shelters come first.
    phone.locator("main a[href='/my/report/pickup/']").click()
    first = phone.locator("input[name=destination]").first
    expect(first).to_have_value(str(near.pk))  # nearest first
    phone.locator("input[name=mobility][value=wheelchair]").check()
    first = phone.locator("input[name=destination]").first
    expect(first).to_have_value(str(ramp.pk))
    expect(first).to_be_checked()
    expect(phone.locator("#barrier-free-first")).to_be_visible()
    phone.locator("input[name=urgency][value=now]").check()
    phone.locator("#id_note").fill(PICKUP_NOTE)
    screenshot(phone, "5-pickup")
    submit(phone)
    pickup = PickupRequest.objects.get(report=report)
    assert (pickup.mobility, pickup.destination) == ("wheelchair", ramp)

    # 6. A volunteer of the area claims it, picks them up and arrives.
    pickup_claim(pickup=pickup, user=cast.volunteer_a)
    phone.goto("/my/")
    expect(phone.locator(".situation-person.where-outside")).to_contain_text("函館アリーナ")
    pickup_picked_up(pickup=pickup, user=cast.volunteer_a)
    phone.reload()
    expect(phone.locator(".situation-person.where-transport")).to_contain_text("函館アリーナ")
    pickup_arrived(pickup=pickup, user=cast.volunteer_a)
    assert Stay.objects.get(resident=resident, checked_out_at=None).shelter == ramp

    # 7. /my/ says where they are, and leads with reporting no more.
    phone.reload()
    expect(phone.locator(".situation-person.where-shelter")).to_contain_text("函館アリーナ")
    expect(phone.locator("main a.button.primary[href='/my/report/']")).to_have_count(0)
    expect(phone.locator("main a[href='/my/qr/']")).to_be_visible()
    screenshot(phone, "6-my-page-at-the-shelter")

    # 8. Reception scans their QR: what they told on the way in is on the card.
    tablet = new_page(TABLET)
    log_in(tablet, clerk.username, next_path=f"/dashboard/reception/{ramp.pk}/")
    switch_language(tablet, language)
    tablet.locator("#scan-code").fill(tokens.personal_token(resident))
    tablet.locator("#scan-code").press("Enter")
    told = tablet.locator(".person-told")
    expect(told).to_be_visible()
    for label in words(
        language,
        CareConsideration.ELDERLY.label,
        CareConsideration.DISABILITY.label,
        Need.MEDICAL.label,
        Mobility.WHEELCHAIR.label,
    ):
        expect(told).to_contain_text(label)
    expect(told).to_contain_text(NOTE)
    expect(told).to_contain_text(PICKUP_NOTE)
    expect(tablet.locator(".person-where")).to_have_class("person-where where-here")
    screenshot(tablet, "7-reception")

    # The roster lists it too.
    tablet.goto(f"/dashboard/shelters/{ramp.pk}/roster/")
    expect(tablet.locator("table.roster")).to_contain_text(NOTE)
    (wheelchair,) = words(language, Mobility.WHEELCHAIR.label)
    expect(tablet.locator("table.roster")).to_contain_text(wheelchair)
    screenshot(tablet, "8-roster")
