"""In a real browser, on the tablets and phones volunteers carry: the list fits beside an
open detail at 1024 px, the legend has the markers' colours, marks at one spot fan out,
a phone shows the pickup's next step, a call and the way there without scrolling, times
read as the city's clock, and the shelter board's badges stay on one line."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dashboard.tests.seed import make_pickup, make_report
from dashboard.tests.test_browser_dashboard import open_dashboard
from evacuation.models import PickupRequest
from hakobou.testing.browser import PHONE, TABLET, log_in
from shelters.models import Method, Shelter
from shelters.services import shelter_set_status, stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_TABLET = {"width": 1024, "height": 768}
POLL_MS = 10_000
# Around the cast's area A (centre 41.75, 140.71), far enough apart at zoom 15.
EAST = 0.0025


def overflow(page, selector):
    return page.locator(selector).evaluate("el => el.scrollWidth - el.clientWidth")


def background(locator):
    return locator.evaluate("el => getComputedStyle(el).backgroundColor")


def test_the_list_fits_beside_an_open_detail_on_a_1024_px_tablet(cast, new_page, screenshot):
    shelter = ShelterFactory(name="青柳小学校 体育館", latitude=41.7540, longitude=140.7150)
    for n, needs in enumerate(
        (
            ("medical", "transport", "nursing", "medicine"),
            ("water", "food", "information", "other"),
        )
    ):
        report = make_report(
            cast.area_a,
            name=f"在宅 {n}",
            needs=needs,
            care=("elderly", "disability", "nursing_care", "allergy"),
            lat=41.75 + n * 0.002,
            note="長い目印の説明" * 5,
        )
        make_pickup(report, shelter)
    for viewport, name in ((SMALL_TABLET, "1024"), (TABLET, "1280")):
        page = open_dashboard(new_page, viewport)
        expect(page.locator("#dash-list tbody tr")).to_have_count(2)
        page.locator("#dash-list .dash-open").first.click()
        expect(page.locator("#dash-detail .dash-person-name")).to_have_count(1)
        assert page.locator("#dash-detail").is_visible()
        assert overflow(page, "#dash-list-title ~ .table-wrap") <= 0
        assert overflow(page, "html") <= 0
        # Once its detail was shown (and logged), the row names the person too.
        expect(page.locator("#dash-list tr.selected .dash-row-name")).to_have_text("在宅 0")
        expect(page.locator("#dash-list tr.selected .dash-row-address")).to_have_text(
            "谷地頭町 青い屋根の家"
        )
        screenshot(page, f"tablet-{name}")


def test_the_legend_shows_the_colours_of_the_markers(cast, new_page, screenshot):
    shelter = ShelterFactory(name="開設中", latitude=41.7475, longitude=140.7050)
    for n, need in enumerate(("medical", "transport", "water", "information")):
        make_report(cast.area_a, needs=(need,), lat=41.7505, lng=140.7050 + n * EAST)
    # A pickup asks for transport (a report's urgency 2 at least): people of their own.
    for n, urgency in enumerate(PickupRequest.Urgency):
        report = make_report(cast.area_a, needs=("medical",), lat=41.7530, lng=140.7050 + n * EAST)
        make_pickup(report, shelter, urgency=urgency)
    crowded = ShelterFactory(name="混雑", latitude=41.7475, longitude=140.7075, capacity=5)
    stay_check_in(resident=make_resident(), shelter=crowded, method=Method.POSTER_QR, companions=3)
    ShelterFactory(name="満員", latitude=41.7475, longitude=140.7100, status=Shelter.Status.FULL)
    ShelterFactory(name="閉鎖", latitude=41.7475, longitude=140.7125, status=Shelter.Status.CLOSED)
    page = open_dashboard(new_page, TABLET)
    expect(page.locator(".dash-marker:not(.square)")).to_have_count(7)
    expect(page.locator(".dash-marker.square")).to_have_count(3)
    expect(page.locator(".leaflet-marker-icon.dash-shelter")).to_have_count(4)
    legend = page.locator(".dash-legend")
    expect(legend).to_be_visible()
    for level in range(4):
        swatch = legend.locator(f'[data-legend="evacuee"] .dash-swatch.u{level}')
        marker = page.locator(f".dash-marker.u{level}:not(.square)").first
        assert background(swatch) == background(marker)
    for level in (3, 2, 1):
        swatch = legend.locator(f'[data-legend="pickup"] .dash-swatch.u{level}')
        marker = page.locator(f".dash-marker.square.u{level}")
        assert background(swatch) == background(marker)
    for congestion in ("available", "crowded", "full", "closed"):
        swatch = legend.locator(f".dash-swatch.shelter.{congestion}")
        marker = page.locator(f".leaflet-marker-icon.dash-shelter.{congestion}")
        assert background(swatch) == background(marker), congestion
    # Four colours for four things: nothing in the legend shares a colour by mistake.
    colours = {background(page.locator(f".dash-marker.u{n}:not(.square)").first) for n in range(4)}
    assert len(colours) == 4
    screenshot(page, "tablet-legend")


def test_reports_from_one_spot_fan_out_instead_of_hiding_each_other(cast, new_page, screenshot):
    shelter = ShelterFactory(name="青柳小学校 体育館", latitude=41.7540, longitude=140.7150)
    reports = [
        make_report(cast.area_a, name=f"同じ家 {n}", needs=(need,), lat=41.7510, lng=140.7110)
        for n, need in enumerate(("medical", "water", "food"))
    ]
    make_pickup(reports[0], shelter)
    page = open_dashboard(new_page, TABLET)
    markers = page.locator(".dash-marker:not(.square)")
    expect(markers).to_have_count(3)

    def apart():
        # In one go in the page: the marks are drawn again after each zoom and poll.
        centres = page.evaluate(
            """() => Array.from(document.querySelectorAll(".dash-marker:not(.square)"), el => {
                const r = el.getBoundingClientRect();
                return [r.x + r.width / 2, r.y + r.height / 2];
            })"""
        )
        assert len(centres) == 3
        return min(
            ((a[0] - b[0]) ** 2 + (a[1] - b[1]) ** 2) ** 0.5
            for i, a in enumerate(centres)
            for b in centres[i + 1 :]
        )

    assert apart() >= 30
    # Each is tied to the one spot by a thin line, and each opens its own detail.
    assert page.locator(".dash-leg").count() == 3
    markers.nth(2).click()
    expect(page.locator("#dash-detail .dash-person-name")).to_have_count(1)
    screenshot(page, "tablet-fanned-out")
    for zoom in (18, 13):
        page.evaluate(
            "zoom => document.querySelector('.dash-main').map"
            ".setView([41.7510, 140.7110], zoom, {animate: false})",
            zoom,
        )
        page.wait_for_timeout(600)  # the layers asked again for the new view
        expect(markers).to_have_count(3)
        assert apart() >= 30
    # The pickup sits beside its own person's mark, not on a neighbour's.
    pickup, person = page.evaluate(
        """() => [".dash-marker.square", ".dash-marker.u3:not(.square)"].map(selector => {
            const r = document.querySelector(selector).getBoundingClientRect();
            return [r.x + r.width / 2, r.y + r.height / 2];
        })"""
    )
    assert 0 < pickup[0] - person[0] < 45 and 0 < person[1] - pickup[1] < 45


def test_on_a_phone_the_detail_starts_with_the_next_step_a_call_and_the_way(
    cast, new_page, screenshot
):
    shelter = ShelterFactory(name="青柳小学校 体育館", latitude=41.7540, longitude=140.7150)
    report = make_report(
        cast.area_a,
        name="在宅 ヨシ",
        needs=("medical", "transport", "water"),
        care=("elderly", "disability"),
        lat=41.7512,
        lng=140.7125,
        others=2,
        note="酸素吸入をしています。玄関は裏です。" * 3,
    )
    make_pickup(report, shelter, note="車いすです")
    page = open_dashboard(new_page, PHONE)
    page.locator("#dash-list .dash-open").click()
    detail = page.locator("#dash-detail")
    claim = detail.get_by_role("button", name="担当する")
    expect(claim).to_be_visible()
    for above_the_fold in (claim, detail.locator(".dash-call"), detail.locator(".dash-directions")):
        box = above_the_fold.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert detail.locator(".dash-call").get_attribute("href") == "tel:0138220001"
    assert detail.locator(".dash-call").get_attribute("aria-label") == "在宅 ヨシ さんに電話する"
    assert detail.get_by_role("link", name="0138-22-0001").get_attribute("href") == (
        "tel:0138220001"
    )
    directions = detail.locator(".dash-directions").get_attribute("href")
    assert directions.startswith("https://www.google.com/maps/dir/")
    assert "destination=41.7512,140.7125" in directions
    screenshot(page, "phone-detail")

    claim.click()
    expect(page.locator("#dash-action-status")).to_contain_text("担当になりました")
    picked_up = detail.get_by_role("button", name="お迎え済みにする")
    box = picked_up.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    screenshot(page, "phone-claimed")
    detail.get_by_role("button", name="閉じる", exact=True).click()
    expect(page.locator("#dash-list .dash-row-name")).to_have_text("在宅 ヨシ")
    assert overflow(page, "html") <= 0
    screenshot(page, "phone-list")


def test_times_read_as_the_citys_clock_on_a_tablet_set_to_another_zone(cast, new_page):
    report = make_report(cast.area_a, needs=("water",))
    page = new_page(TABLET, timezone_id="America/Los_Angeles")
    page.route("**/cyberjapandata.gsi.go.jp/**", lambda route: route.abort())
    log_in(page, "volunteer-a")
    assert page.evaluate("new Date().getTimezoneOffset()") in (420, 480)  # not the city's
    updated = page.locator("#dash-list tbody tr td").last
    expect(updated).to_have_text(timezone.localtime(report.updated_at).strftime("%H:%M"))
    expect(page.locator("#dash-status")).to_contain_text("最終更新")
    now = timezone.localtime()
    hours = {(now - datetime.timedelta(minutes=m)).strftime("%H") for m in (0, 1)}
    shown = page.locator("#dash-status").inner_text().split("最終更新 ")[1][:2]
    assert shown in hours


def test_the_board_keeps_each_status_on_one_line_and_offers_what_the_server_says(
    cast, new_page, screenshot
):
    long_name = "函館市立青柳小学校 屋内運動場（第二避難所・福祉避難室あり）"
    opened = ShelterFactory(code="S1", name=long_name, capacity=3)
    ShelterFactory(code="S2", name="函館公園 管理事務所（閉鎖中）", status=Shelter.Status.CLOSED)
    ShelterFactory(code="S3", name="谷地頭町会館", status=Shelter.Status.FULL)
    page = new_page(PHONE)
    log_in(page, "staff", "/dashboard/shelters/")
    badges = page.locator(".board-status, .board-badge")
    expect(badges).to_have_count(6)
    one_line = """el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set(Array.from(range.getClientRects(), r => Math.round(r.top)));
        return tops.size === 1 && getComputedStyle(el).whiteSpace === "nowrap";
    }"""
    assert all(badges.nth(i).evaluate(one_line) for i in range(6))
    assert overflow(page, "html") <= 0

    def buttons(shelter_code):
        row = page.locator("tr", has=page.get_by_text(shelter_code, exact=True))
        return row.locator("button[name=status]").all_inner_texts()

    assert buttons("S1") == ["閉鎖にする", "満員にする"]
    assert buttons("S2") == ["開設にする"]
    assert buttons("S3") == ["閉鎖にする", "開設にする"]
    closed_row = page.locator("tr", has=page.get_by_text("S2", exact=True))
    assert "空きあり" not in closed_row.inner_text()
    screenshot(page, "phone-board")

    # Another staff member closes the open one: within a poll its row says so and
    # offers only to open it again, as the JSON says.
    shelter_set_status(shelter=opened, status=Shelter.Status.CLOSED, notify=False)
    row = page.locator("tr", has=page.get_by_text("S1", exact=True))
    expect(row.locator(".board-status")).to_have_text("閉鎖", timeout=POLL_MS + 3000)
    expect(row.locator(".board-badge")).to_have_text("受け入れ停止")
    assert buttons("S1") == ["開設にする"]
    assert row.locator(".board-status").evaluate(one_line)
