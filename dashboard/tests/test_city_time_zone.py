"""Times on the dashboard read as the city's clock (settings.TIME_ZONE), whatever the
device's zone: the pages hand the zone to the shared clock script (city-time.js)."""

import json
import re

from django.test import override_settings

from hakobou.testing.cast import BaseTestCase


def json_script(page: str, element_id: str) -> dict:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


class CityTimeZoneTestCase(BaseTestCase):
    def test_the_map_page_hands_over_the_citys_zone(self):
        self.client.force_login(self.volunteer_a)
        page = self.client.get("/dashboard/").content.decode()
        self.assertEqual(json_script(page, "dashboard-config")["timeZone"], "Asia/Tokyo")
        self.assertLess(page.index("js/city-time.js"), page.index("js/dashboard.js"))

    def test_the_shelter_board_hands_over_the_citys_zone(self):
        self.client.force_login(self.volunteer_a)
        page = self.client.get("/dashboard/shelters/").content.decode()
        self.assertEqual(json_script(page, "board-texts")["timeZone"], "Asia/Tokyo")
        self.assertLess(page.index("js/city-time.js"), page.index("js/board.js"))

    @override_settings(TIME_ZONE="Asia/Seoul")
    def test_another_city_gets_its_own(self):
        self.client.force_login(self.staff)
        page = self.client.get("/dashboard/").content.decode()
        self.assertEqual(json_script(page, "dashboard-config")["timeZone"], "Asia/Seoul")
