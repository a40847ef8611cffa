"""After a search the page's status line (aria-live) says what the list is nearest to:
the phone's location, a point tapped on the map, or a town; and each shelter's hazards
are words under a label, never a colour or an icon alone."""

from django.test import TestCase

from residents.tests.factories import AreaFactory
from shelters.tests.factories import ShelterFactory

AOYAGI = {"lat": "41.7597", "lng": "140.7176"}


class SearchStatusTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        ShelterFactory(name="青柳小学校", for_tsunami=True, for_earthquake=True, accepts_pets=True)

    def status(self, **params):
        page = self.client.get("/shelters/", params).content.decode()
        line = page.split('id="location-status"')[1].split("</p>")[0]
        self.assertIn('aria-live="polite"', line)
        return line.split(">", 1)[1].strip()

    def test_a_search_from_the_phones_location_says_so(self):
        self.assertEqual(self.status(**AOYAGI, origin="gps"), "現在地から近い順に表示しています。")

    def test_a_point_tapped_on_the_map_says_so(self):
        self.assertEqual(
            self.status(**AOYAGI, origin="map"), "地図で選んだ地点から近い順に表示しています。"
        )

    def test_a_town_says_which(self):
        area = AreaFactory(code="102", name="青柳町会", center_lat=41.7587, center_lng=140.7195)
        self.assertEqual(self.status(area=area.pk), "「青柳町」から近い順に表示しています。")

    def test_before_a_search_it_is_empty(self):
        self.assertEqual(self.status(), "")

    def test_hazards_and_facilities_are_labelled_words(self):
        page = self.client.get("/shelters/").content.decode()
        self.assertIn("対応する災害", page)
        self.assertIn('<span class="tag hazard">津波</span>', page)
        self.assertIn('<span class="tag hazard">地震</span>', page)
        self.assertIn('<span class="tag">ペット同行可</span>', page)

    def test_filters_fold_away_unless_one_is_in_use(self):
        self.assertNotIn('class="search-more" open', self.client.get("/shelters/").content.decode())
        page = self.client.get("/shelters/", {"hazard": "tsunami"}).content.decode()
        self.assertIn('class="search-more" open', page)
