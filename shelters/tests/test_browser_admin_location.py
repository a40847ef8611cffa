import pytest

from hakobou.testing.browser import TABLET
from hakobou.testing.cast import PASSWORD
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_browser_search import stay_offline

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_place_a_shelter_on_the_map_in_admin(cast, new_page, live_server, screenshot):
    shelter = ShelterFactory(name="函館公園", latitude=41.7586, longitude=140.7190)
    page = new_page(TABLET)
    stay_offline(page, live_server)
    page.goto("/admin/login/")
    page.locator("#id_username").fill(cast.staff.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto(f"/admin/shelters/shelter/{shelter.pk}/change/")

    def marker():
        return page.evaluate(
            """() => {
              var latlng = document.querySelector("[data-point-picker]").pointPicker.marker
                .getLatLng();
              return [latlng.lat, latlng.lng];
            }"""
        )

    assert page.locator("[data-point-picker]").is_visible()
    assert marker() == [41.7586, 140.719]
    changes = page.evaluate_handle(
        """() => {
          var seen = [];
          ["id_latitude", "id_longitude"].forEach(function (id) {
            document.getElementById(id).addEventListener("change", function () { seen.push(id); });
          });
          return seen;
        }"""
    )
    box = page.locator("[data-point-picker]").bounding_box()
    page.locator("[data-point-picker]").click(position={"x": box["width"] / 3, "y": 60})
    latitude = page.locator("#id_latitude").input_value()
    longitude = page.locator("#id_longitude").input_value()
    assert latitude != "41.7586"
    assert len(latitude.split(".")[1]) <= 6
    assert len(longitude.split(".")[1]) <= 6
    assert marker() == [float(latitude), float(longitude)]
    assert changes.json_value() == ["id_latitude", "id_longitude"]
    screenshot(page, "picked")

    # Typing moves the marker back; what is saved is the two ordinary inputs.
    page.locator("#id_latitude").fill("41.7541")
    page.locator("#id_longitude").fill("140.7152")
    assert marker() == [41.7541, 140.7152]
    page.locator("input[name=_save]").click()
    page.wait_for_url("**/admin/shelters/shelter/")
    shelter.refresh_from_db()
    assert (shelter.latitude, shelter.longitude) == (41.7541, 140.7152)
