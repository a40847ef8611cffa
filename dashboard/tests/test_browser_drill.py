"""The Hakodate drill, end to end in real browsers: a resident at home reports that she
cannot move and asks for a pickup; a volunteer watching the map sees her within one
poll, claims, picks her up and arrives; her simulated LINE inbox shows every step and
the shelter's roster lists her."""

import pytest
from playwright.sync_api import expect

from evacuation.tests.test_browser_report import sign_in_registered
from hakobou.testing.browser import PHONE, TABLET, log_in, stay_offline
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLL_MS = 10_000


def test_the_drill_from_a_report_at_home_to_the_shelter_roster(
    cast, new_page, live_server, screenshot, settings
):
    settings.LINE_WEBHOOK_URL = f"{live_server.url}/line/webhook"
    shelter = ShelterFactory(
        name="青柳小学校 体育館", latitude=cast.area_a.center_lat + 0.001, longitude=140.711
    )
    home = {"latitude": cast.area_a.center_lat, "longitude": cast.area_a.center_lng}

    # The volunteer of the area is watching the map.
    volunteer = new_page(TABLET)
    stay_offline(volunteer, live_server)
    log_in(volunteer, cast.volunteer_a.username)
    expect(volunteer.locator("#dash-map[data-ready]")).to_be_attached()
    expect(volunteer.locator(".dash-marker.u3, .dash-marker.u2")).to_have_count(0)

    # The resident, at home, reports from her phone: she needs to be fetched.
    phone = new_page(PHONE)
    stay_offline(phone, live_server)
    phone.context.grant_permissions(["geolocation"], origin=live_server.url)
    phone.context.set_geolocation({**home, "accuracy": 15})
    # Opening the LIFF app from the rich menu: she is a friend of the city's account.
    sign_in_registered(phone, "在宅 ヨシ")
    phone.reload()
    phone.get_by_role("link", name="避難所以外にいることを知らせる").click()
    phone.get_by_text("自宅", exact=True).click()
    phone.get_by_role("button", name="次へ").click()
    phone.get_by_role("button", name="現在地を使う").click()
    phone.get_by_text("現在地を使います").wait_for()
    phone.get_by_role("button", name="次へ").click()
    expect(phone.get_by_label("在宅 ヨシ")).to_be_checked()
    phone.get_by_role("button", name="次へ").click()
    phone.get_by_text("移動支援（迎え）").click()
    phone.get_by_role("button", name="次へ").click()
    phone.get_by_role("button", name="次へ").click()  # care: 高齢, from her registration
    phone.get_by_label("支援する人に伝えたいこと（任意）").fill("足が悪く、階段を下りられません")
    phone.get_by_role("button", name="次へ").click()
    phone.get_by_text(
        "入力した内容を、市と近所の支援者（ボランティア）に共有することに同意します"
    ).click()
    phone.get_by_role("button", name="送信する").click()
    expect(phone.get_by_text("送信しました。")).to_be_visible()
    phone.get_by_role("link", name="迎えを頼む（移動できない）").click()
    phone.get_by_label("車いす", exact=True).check()
    phone.get_by_label("すぐに", exact=True).check()
    phone.get_by_role("button", name="迎えを頼む").click()
    expect(phone.get_by_text("依頼中", exact=True)).to_be_visible()
    screenshot(phone, "resident-requested")

    # Within one poll the volunteer's map shows her (orange: transport) and her pickup.
    marker = volunteer.locator(".dash-marker:not(.square)").filter(has_text="迎")
    expect(marker).to_have_count(1, timeout=POLL_MS + 3000)
    # A poll between her report and her pickup request shows the pickup one poll later.
    expect(volunteer.locator(".dash-marker.square")).to_have_count(1, timeout=POLL_MS + 3000)
    marker.click()
    detail = volunteer.locator("#dash-detail")
    expect(detail.get_by_text("在宅 ヨシ")).to_be_visible()
    expect(detail.get_by_text("足が悪く、階段を下りられません")).to_be_visible()
    detail.get_by_role("button", name="担当する").click()
    expect(volunteer.locator("#dash-action-status")).to_contain_text("担当になりました")
    screenshot(volunteer, "volunteer-claimed")
    detail.get_by_role("button", name="お迎え済みにする").click()
    expect(volunteer.locator("#dash-action-status")).to_contain_text("お迎え済みにしました")
    detail.get_by_role("button", name="避難所に到着").click()
    expect(volunteer.locator("#dash-action-status")).to_contain_text("到着")
    screenshot(volunteer, "volunteer-arrived")

    # Her LINE (the simulator's inbox) told her each step, once.
    phone.goto("/line-sim/inbox/")
    chat = phone.get_by_role("log")
    for step in (
        "避難状況を受け付けました",
        "送迎の依頼を受け付けました",
        "担当者が決まりました",
        "お迎えに到着しました",
        "青柳小学校 体育館 に到着しました",
    ):
        expect(chat.get_by_text(step)).to_have_count(1)
    screenshot(phone, "resident-inbox")

    # The shelter's roster lists her; her report has ended.
    staff = new_page(TABLET)
    log_in(staff, cast.staff.username, f"/dashboard/shelters/{shelter.pk}/roster/")
    expect(staff.get_by_role("cell", name="在宅 ヨシ")).to_be_visible()
    expect(staff.get_by_text("送迎の到着")).to_be_visible()
    screenshot(staff, "roster")
