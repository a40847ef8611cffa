from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from hakobou.testing.browser import PHONE, stay_offline
from lib.geo import distance_m
from residents.tests.factories import AreaFactory
from shelters.models import Shelter
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_the_nearest_open_shelter_from_a_town(new_page, screenshot):
    AreaFactory(code="101", name="谷地頭町会", center_lat=41.7535, center_lng=140.7160)
    ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152, for_tsunami=True)
    ShelterFactory(name="函館公園", latitude=41.7586, longitude=140.7190, for_tsunami=True)
    page = new_page(PHONE)
    page.goto("/shelters/")
    # Towns as addresses name them (谷地頭町), not the town association (谷地頭町会).
    page.get_by_label("町名から探す").select_option(label="谷地頭町")
    page.get_by_text("条件を追加").click()
    page.get_by_label("災害の種類").select_option(label="津波のとき")
    page.get_by_role("button", name="さがす").click()
    names = page.locator(".shelter-hit h3").all_inner_texts()
    assert names == ["谷地頭町会館", "函館公園"]
    assert (
        page.locator("#location-status").inner_text() == "「谷地頭町」から近い順に表示しています。"
    )
    screenshot(page, "results")


def test_a_visitor_taps_the_map_and_gets_shelters_nearest_that_point(
    new_page, live_server, screenshot
):
    ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152)
    ShelterFactory(
        name="函館公園", latitude=41.7586, longitude=140.7190, status=Shelter.Status.FULL
    )
    ShelterFactory(name="閉鎖中の避難所", latitude=41.7560, longitude=140.7170, status="closed")
    page = new_page(PHONE)
    stay_offline(page, live_server)
    page.goto("/shelters/")

    map_ = page.locator("#shelter-map")
    assert map_.is_visible()
    markers = page.locator(".shelter-marker")
    assert markers.count() == 2
    assert [markers.nth(i).get_attribute("title") for i in range(2)] == ["谷地頭町会館", "函館公園"]
    assert "full" in markers.nth(1).get_attribute("class")
    assert "地理院タイル" in page.locator(".leaflet-control-attribution").inner_text()
    markers.nth(1).click()
    assert page.locator(".leaflet-popup-content").inner_text().startswith("函館公園\n満員")

    # Tap a little south-west of 函館公園's marker (not on it): nearer the park than the hall.
    x, y = page.evaluate(
        """([lat, lng]) => {
          var point = document.getElementById("shelter-map").pointPicker.map
            .latLngToContainerPoint([lat, lng]);
          return [point.x, point.y];
        }""",
        [41.7586, 140.7190],
    )
    with page.expect_navigation():
        map_.click(position={"x": x - 30, "y": y + 30})

    query = parse_qs(urlparse(page.url).query)
    lat, lng = float(query["lat"][0]), float(query["lng"][0])
    assert all(len(query[key][0].split(".")[1]) <= 6 for key in ("lat", "lng"))
    assert distance_m(lat, lng, 41.7586, 140.7190) < distance_m(lat, lng, 41.7541, 140.7152)
    assert page.locator(".shelter-hit h3").all_inner_texts() == ["函館公園", "谷地頭町会館"]
    searched = page.get_by_role("button", name="探した地点")
    assert searched.is_visible()
    assert searched.evaluate("image => image.complete && image.naturalWidth > 0")
    assert page.locator(".shelter-marker").count() == 2
    screenshot(page, "map")


def test_the_location_button_says_what_it_found_and_the_list_is_in_sight_on_a_phone(
    new_page, live_server, screenshot
):
    for n in range(6):
        ShelterFactory(
            name=f"避難所 {n}", latitude=41.7541 + n * 0.002, longitude=140.7152, for_tsunami=True
        )
    page = new_page(
        PHONE,
        geolocation={"latitude": 41.7541, "longitude": 140.7152},
        permissions=["geolocation"],
    )
    stay_offline(page, live_server)
    page.goto("/shelters/")
    with page.expect_navigation():
        page.get_by_role("button", name="現在地から探す").click()
    status = page.locator("#location-status")
    assert status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == "現在地から近い順に表示しています。"
    assert parse_qs(urlparse(page.url).query)["origin"] == ["gps"]
    first = page.locator(".shelter-hit").first
    assert first.locator("h3").inner_text() == "避難所 0"
    # The nearest shelter is on the first screen, not 1,400 px down below the filters.
    box = first.locator("h3").bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    # Hazards are words, each a tag.
    assert first.locator(".tag.hazard").all_inner_texts() == ["津波"]
    screenshot(page, "gps")


def test_a_refused_location_is_explained_politely(new_page, live_server):
    ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152)
    page = new_page(PHONE)  # no permission given: the browser refuses
    stay_offline(page, live_server)
    page.goto("/shelters/")
    page.get_by_role("button", name="現在地から探す").click()
    status = page.locator("#location-status")
    expect(status).to_contain_text("位置情報の利用が許可されていない")
    assert status.inner_text().endswith("町名を選ぶか、地図をタップして探してください。")
    assert page.url.endswith("/shelters/")
