"""The search's 「町名から探す」 lists towns (青柳町), not the town associations' names
(青柳町会): a resident knows their address, not their 町会. Areas carry no town of their
own, so it is read from the association's name, which is exactly the registry's towns
in the drill."""

from django.test import TestCase

from areas.models import Area
from areas.selectors import town_areas, town_name
from areas.services import area_upsert
from hakobou import drill
from residents.tests.factories import AreaFactory


class SearchTownsTestCase(TestCase):
    def test_the_drills_associations_stand_for_the_registrys_towns(self):
        for area in drill.AREAS:
            with self.subTest(area=area.name):
                self.assertEqual(town_name(Area(name=area.name)), area.town)

    def test_other_ways_of_naming_an_association(self):
        for name, town in (
            ("元町町会", "元町"),
            ("大森町内会", "大森町"),
            ("湯川町三丁目町会", "湯川町三丁目"),
            ("西部地区自主防災会", "西部地区自主防災会"),
        ):
            with self.subTest(name=name):
                self.assertEqual(town_name(Area(name=name)), town)

    def test_the_choice_lists_towns_in_order_of_their_reading_once_each(self):
        for area in drill.AREAS:
            area_upsert(
                code=area.code,
                name=area.name,
                kana=area.kana,
                center_lat=area.center_lat,
                center_lng=area.center_lng,
            )
        # A second association in 青柳町 does not make a second 青柳町.
        AreaFactory(code="104", name="青柳町内会", kana="アオヤギチョウナイカイ")
        self.assertEqual([name for _area, name in town_areas()], ["青柳町", "住吉町", "谷地頭町"])
        page = self.client.get("/shelters/").content.decode()
        options = page.split('name="area"')[1].split("</select>")[0]
        for town in ("青柳町", "住吉町", "谷地頭町"):
            self.assertIn(f">{town}</option>", options)
        self.assertNotIn("町会", options)
        self.assertEqual(options.count(">青柳町</option>"), 1)
