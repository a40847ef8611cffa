from django.core.exceptions import ValidationError
from django.test import TestCase

from areas.services import area_upsert

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[140.71, 41.75], [140.72, 41.75], [140.72, 41.76], [140.71, 41.75]]],
}


class AreaTestCase(TestCase):
    def upsert(self, **overrides):
        fields = dict(
            code="101",
            name="谷地頭町会",
            kana="ヤチガシラチョウカイ",
            center_lat=41.7535,
            center_lng=140.716,
        )
        fields.update(overrides)
        return area_upsert(**fields)

    def test_upsert_by_code_updates_instead_of_duplicating(self):
        first = self.upsert()
        second = self.upsert(name="谷地頭町会（改）", boundary=SQUARE)
        self.assertEqual(first.pk, second.pk)
        second.refresh_from_db()
        self.assertEqual(second.name, "谷地頭町会（改）")
        self.assertEqual(second.boundary, SQUARE)

    def test_it_rejects_a_boundary_that_is_not_a_polygon(self):
        with self.assertRaisesMessage(ValidationError, "Polygon または MultiPolygon"):
            self.upsert(boundary={"type": "Point", "coordinates": [140.7, 41.7]})

    def test_it_rejects_an_open_ring(self):
        open_ring = {
            "type": "Polygon",
            "coordinates": [[[140.71, 41.75], [140.72, 41.75], [140.72, 41.76], [140.70, 41.70]]],
        }
        with self.assertRaisesMessage(ValidationError, "end where it starts"):
            self.upsert(boundary=open_ring)

    def test_it_rejects_kana_that_is_not_katakana_and_coordinates_out_of_range(self):
        with self.assertRaises(ValidationError) as caught:
            self.upsert(kana="やちがしら", center_lat=141.0)
        self.assertIn("kana", caught.exception.message_dict)
        self.assertIn("center_lat", caught.exception.message_dict)
