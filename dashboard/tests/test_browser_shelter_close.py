"""On a phone: city staff close a shelter with people inside from the board, are asked
where they go, move them to another open shelter, and the board shows it closed."""

import pytest
from playwright.sync_api import expect

from hakobou.testing.browser import PHONE, log_in
from shelters.models import Method, Shelter, Stay
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_close_a_shelter_with_people_inside_by_moving_them(cast, new_page, screenshot):
    gym = ShelterFactory(code="S101", name="青柳小学校 体育館", capacity=200)
    hall = ShelterFactory(code="S102", name="谷地頭町会館", capacity=80)
    ShelterFactory(code="S103", name="函館公園", status=Shelter.Status.CLOSED)
    for name, companions in (("避難 花子", 1), ("避難 一郎", 0), ("谷地頭 ウメ", 0)):
        stay_check_in(
            resident=make_resident(name),
            shelter=gym,
            method=Method.POSTER_QR,
            companions=companions,
        )

    page = new_page(PHONE)
    log_in(page, "staff", "/dashboard/shelters/")
    gym_row = page.locator(f'tr[data-shelter="{gym.pk}"]')
    # A closed shelter is never offered to be marked full.
    closed_row = page.locator("tr", has_text="函館公園")
    expect(closed_row.get_by_role("button", name="満員にする")).to_have_count(0)
    expect(closed_row).to_contain_text("受け入れ停止")

    gym_row.get_by_role("button", name="閉鎖にする").click()
    expect(page.get_by_role("heading", name="「青柳小学校 体育館」を閉鎖する")).to_be_visible()
    expect(page.get_by_text("いま 4 人が入所しています。")).to_be_visible()
    screenshot(page, "phone-confirmation")
    page.get_by_role("button", name="閉鎖する").click()  # without choosing: asked politely
    expect(page.get_by_text("移動するか退所にするかを選んでください。")).to_be_visible()

    page.get_by_label("ほかの避難所へ移動する").check()
    destination = page.get_by_label("移動先の避難所（移動するとき）")
    expect(destination.locator("option")).to_have_count(2)  # the prompt, and the open hall
    destination.select_option(label="谷地頭町会館（空きあり・入所 0 人 / 定員 80 人）")

    page.get_by_role("button", name="閉鎖する").click()
    page.wait_for_url("**/dashboard/shelters/")
    expect(page.get_by_text("入所中だった方は「谷地頭町会館」へ移動しました。")).to_be_visible()
    expect(gym_row.locator(".status")).to_have_text("閉鎖")
    expect(gym_row.locator(".congestion")).to_have_text("受け入れ停止")
    expect(page.locator(f'tr[data-shelter="{hall.pk}"] .people')).to_have_text("4")
    screenshot(page, "phone-board-after")
    assert not Stay.objects.filter(shelter=gym, checked_out_at__isnull=True).exists()
