import json
import re

from django.test import TestCase

from lib.geo import distance_m
from residents.tests.factories import AreaFactory
from shelters.models import Method, Shelter
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident

AOYAGI = (41.7597, 140.7176)


class ShelterSearchTestCase(TestCase):
    def setUp(self):
        self.near = ShelterFactory(
            name="近い避難所", latitude=41.7590, longitude=140.7180, for_tsunami=True, capacity=2
        )
        self.far = ShelterFactory(
            name="遠い避難所",
            latitude=41.7700,
            longitude=140.7300,
            accepts_pets=True,
            for_tsunami=True,
        )
        self.closed = ShelterFactory(
            name="閉鎖中の避難所",
            latitude=41.7597,
            longitude=140.7176,
            status=Shelter.Status.CLOSED,
        )

    def names(self, response):
        return [hit.shelter.name for hit in response.context["hits"]]

    def test_anyone_sees_open_shelters_nearest_first(self):
        response = self.client.get("/shelters/", {"lat": AOYAGI[0], "lng": AOYAGI[1]})
        self.assertEqual(self.names(response), ["近い避難所", "遠い避難所"])
        self.assertContains(response, "約")

    def test_a_town_name_stands_in_for_the_location(self):
        area = AreaFactory(code="105", name="遠い町", center_lat=41.7701, center_lng=140.7301)
        response = self.client.get("/shelters/", {"area": area.pk})
        self.assertEqual(self.names(response)[0], "遠い避難所")

    def test_filters_by_hazard_and_pets(self):
        response = self.client.get("/shelters/", {"hazard": "tsunami", "pets": "on"})
        self.assertEqual(self.names(response), ["遠い避難所"])
        response = self.client.get("/shelters/", {"hazard": "landslide"})
        self.assertContains(response, "条件に合う開設中の避難所はありません")

    def test_congestion_is_shown(self):
        stay_check_in(
            resident=make_resident(), shelter=self.near, method=Method.POSTER_QR, companions=1
        )
        response = self.client.get("/shelters/", {"lat": AOYAGI[0], "lng": AOYAGI[1]})
        self.assertContains(response, 'class="congestion full"')

    def test_bad_coordinates_are_answered_politely(self):
        response = self.client.get("/shelters/", {"lat": "999", "lng": "abc"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["hits"], [])
        self.assertContains(response, "町名から探してください")

    def map_data(self, response):
        found = re.search(
            r'<script id="shelter-map-data" type="application/json">(.*?)</script>',
            response.content.decode(),
        )
        return json.loads(found.group(1))

    def test_the_map_gets_the_open_hits_in_list_order_and_the_searched_point(self):
        stay_check_in(
            resident=make_resident(), shelter=self.near, method=Method.POSTER_QR, companions=1
        )
        response = self.client.get("/shelters/", {"lat": AOYAGI[0], "lng": AOYAGI[1]})
        data = self.map_data(response)
        self.assertEqual(data["point"], list(AOYAGI))
        self.assertEqual(
            [
                (shelter["code"], shelter["name"], shelter["lat"], shelter["lng"])
                for shelter in data["shelters"]
            ],
            [
                (self.near.code, "近い避難所", 41.7590, 140.7180),
                (self.far.code, "遠い避難所", 41.7700, 140.7300),
            ],
        )
        self.assertEqual(
            [(s["congestion"], s["congestion_label"]) for s in data["shelters"]],
            [("full", "満員"), ("available", "空きあり")],
        )
        self.assertRegex(data["shelters"][0]["distance"], r"^約 \d+\.\d km$")
        self.assertNotIn("閉鎖中の避難所", response.content.decode())

    def test_the_map_centres_a_town_search_on_the_town(self):
        area = AreaFactory(code="105", name="遠い町", center_lat=41.7701, center_lng=140.7301)
        data = self.map_data(self.client.get("/shelters/", {"area": area.pk}))
        self.assertEqual(data["point"], [41.7701, 140.7301])

    def test_before_a_search_the_map_shows_every_open_shelter_without_a_point(self):
        response = self.client.get("/shelters/")
        data = self.map_data(response)
        self.assertIsNone(data["point"])
        self.assertEqual({s["name"] for s in data["shelters"]}, {"近い避難所", "遠い避難所"})
        self.assertEqual(data["shelters"][0]["distance"], "")
        # Tiles and attribution come from settings, handed to point-picker.js.
        self.assertContains(response, '<script id="map-config" type="application/json">')
        self.assertContains(response, "cyberjapandata.gsi.go.jp")
        self.assertContains(response, '"iconUrl": "/static/leaflet/images/marker-icon.png"')
        self.assertContains(response, 'data-point-picker data-lat-input="id_lat"')

    def test_shelter_names_cannot_break_out_of_the_map_data(self):
        ShelterFactory(name="</script><script>alert(1)</script>")
        response = self.client.get("/shelters/")
        self.assertNotContains(response, "<script>alert(1)")
        names = [s["name"] for s in self.map_data(response)["shelters"]]
        self.assertIn("</script><script>alert(1)</script>", names)

    def test_distance_is_about_right(self):
        # 青柳小学校 to 函館公園 is roughly 160 m.
        self.assertAlmostEqual(distance_m(41.7597, 140.7176, 41.7586, 140.7190), 165, delta=20)
