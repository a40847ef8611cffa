import pytest

from hakobou.testing.browser import PHONE
from residents.tests.factories import AreaFactory
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_the_nearest_open_shelter_from_a_town(new_page, screenshot):
    AreaFactory(code="101", name="谷地頭町会", center_lat=41.7535, center_lng=140.7160)
    ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152, for_tsunami=True)
    ShelterFactory(name="函館公園", latitude=41.7586, longitude=140.7190, for_tsunami=True)
    page = new_page(PHONE)
    page.goto("/shelters/")
    page.get_by_label("町名から探す").select_option(label="谷地頭町会")
    page.get_by_label("災害の種類").select_option(label="津波のとき")
    page.get_by_role("button", name="さがす").click()
    names = page.locator(".shelter-hit h3").all_inner_texts()
    assert names == ["谷地頭町会館", "函館公園"]
    screenshot(page, "results")
