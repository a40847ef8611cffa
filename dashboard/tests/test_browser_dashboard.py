"""In a real browser: a volunteer watches the map, a new report appears within one poll,
and they take its pickup from claim to arrival at the shelter."""

from unittest import mock

import pytest
from playwright.sync_api import expect

from dashboard.tests.seed import make_pickup, make_report
from hakobou.testing.browser import PHONE, SCREENSHOT_DIR, TABLET, log_in
from lib import map_layers
from shelters.selectors import shelter_roster
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

POLL_MS = 10_000


def open_dashboard(new_page, viewport, username="volunteer-a"):
    page = new_page(viewport)
    # Map tiles cannot load here: refuse them at once instead of waiting on the network.
    page.route("**/cyberjapandata.gsi.go.jp/**", lambda route: route.abort())
    log_in(page, username)
    expect(page.locator("#dash-map[data-ready]")).to_be_attached()
    return page


def test_a_volunteer_sees_a_new_report_and_brings_the_person_to_the_shelter(
    cast, new_page, screenshot
):
    shelter = ShelterFactory(name="青柳小学校 体育館", latitude=41.7540, longitude=140.7150)
    make_report(cast.area_a, name="水野 一", needs=("water",), lat=41.7512, lng=140.7125)
    make_report(cast.area_b, name="乙川 住民", needs=("medical",))
    page = open_dashboard(new_page, TABLET)
    expect(page.locator(".dash-marker")).to_have_count(1)
    expect(page.locator("#dash-list tbody tr")).to_have_count(1)
    assert "地理院タイル" in page.locator(".leaflet-control-attribution").inner_text()

    report = make_report(
        cast.area_a,
        name="在宅 ヨシ",
        needs=("medical",),
        care=("elderly",),
        lat=41.7495,
        lng=140.7085,
        note="酸素吸入をしています",
    )
    make_pickup(report, shelter, note="車いすです")
    # Within one poll, without a reload: a red marker (and its pickup) and a list row.
    marker = page.locator(".dash-marker.u3:not(.square)")
    expect(marker).to_have_count(1, timeout=POLL_MS + 3000)
    assert marker.inner_text() == "医"
    expect(page.locator(".dash-marker.square")).to_have_count(1)
    expect(page.locator("#dash-list tbody tr")).to_have_count(2)
    assert page.locator("#dash-list tbody tr").first.inner_text().startswith("緊急")
    assert "在宅 ヨシ" not in page.locator("#dash-list").inner_text()

    marker.click()
    detail = page.locator("#dash-detail")
    expect(detail.get_by_text("在宅 ヨシ")).to_be_visible()
    expect(detail.get_by_text("酸素吸入をしています")).to_be_visible()
    detail.get_by_role("button", name="担当する").click()
    expect(page.locator("#dash-action-status")).to_contain_text("担当になりました")
    expect(detail.locator(".dash-countdown")).to_contain_text("担当の期限まであと")
    assert detail.locator(".dash-countdown").inner_text() in (
        "担当の期限まであと 29 分",
        "担当の期限まであと 30 分",
    )
    screenshot(page, "tablet-claimed")

    detail.get_by_role("button", name="お迎え済みにする").click()
    expect(page.locator("#dash-action-status")).to_contain_text(
        "青柳小学校 体育館 へ向かってください"
    )
    detail.get_by_role("button", name="避難所に到着").click()
    expect(page.locator("#dash-action-status")).to_contain_text("受付を済ませました")
    expect(detail.locator(".dash-state")).to_have_text("避難所に到着")
    (stay,) = shelter_roster(shelter)
    assert stay.resident.display_name == "在宅 ヨシ"
    # The next poll drops the person from the map and the list.
    expect(page.locator(".dash-marker.u3:not(.square)")).to_have_count(0, timeout=POLL_MS + 3000)
    expect(page.locator("#dash-list tbody tr")).to_have_count(1)
    screenshot(page, "tablet-arrived")


def test_on_a_phone_the_list_opens_a_full_screen_detail(cast, new_page, screenshot, request):
    shelter = ShelterFactory(name="青柳小学校 体育館", latitude=41.7540, longitude=140.7150)
    report = make_report(
        cast.area_a, name="在宅 ヨシ", needs=("medical", "water"), care=("elderly",), others=1
    )
    make_pickup(report, shelter, urgency="today")
    make_report(cast.area_a, name="水野 一", needs=("food",), lat=41.7512, lng=140.7125)
    page = open_dashboard(new_page, PHONE)
    expect(page.locator("#dash-list tbody tr")).to_have_count(2)
    expect(page.locator(".dash-marker:not(.square)")).to_have_count(2)
    screenshot(page, "phone-list")

    page.get_by_role("button", name="自宅（テスト甲町会）").first.click()
    detail = page.locator("#dash-detail")
    expect(detail.get_by_text("在宅 ヨシ")).to_be_visible()
    box = detail.bounding_box()
    assert box["width"] == PHONE["width"]
    detail.get_by_role("button", name="担当する").click()
    expect(detail.locator(".dash-countdown")).to_contain_text("担当の期限まであと")
    # The detail covers the screen: a picture of the screen, not of the whole page.
    page.screenshot(path=SCREENSHOT_DIR / f"{request.node.name}-phone-detail.png")
    page.get_by_role("button", name="閉じる", exact=True).click()
    expect(detail).to_be_hidden()
    # Focus returns to the row the detail was opened from.
    assert page.evaluate("document.activeElement.dataset.open") == str(report.pk)


def test_at_the_closest_zoom_a_dense_block_says_the_rest_are_in_the_list(
    cast, new_page, screenshot
):
    for n in range(3):
        make_report(cast.area_a, name=f"在宅 {n}郎", lat=41.7512 + n * 0.0001, lng=140.7125)
    with mock.patch.object(map_layers, "POINT_LIMIT", 2):
        page = open_dashboard(new_page, TABLET)
        more = page.locator("#dash-map-more")
        expect(page.locator(".dash-cluster")).to_have_count(1)
        expect(more).to_be_hidden()
        zoom_to = "(z) => document.querySelector('.dash-main').map.setView([41.7513, 140.7125], z)"
        page.evaluate(zoom_to, 18)
        # Only the most urgent two fit: the map says so and where the third one is.
        expect(more).to_be_visible()
        expect(more).to_contain_text("緊急度の高い 2 件だけを地図に表示しています")
        expect(page.locator(".dash-marker:not(.square)")).to_have_count(2)
        expect(page.locator("#dash-list tbody tr")).to_have_count(3)
        screenshot(page, "truncated")
        page.evaluate(zoom_to, 15)
        expect(more).to_be_hidden()
