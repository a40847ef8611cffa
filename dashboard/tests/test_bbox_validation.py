"""A layer's viewport and zoom are checked before any query: a malformed, out-of-range
or far too large one answers 400 with a sentence a person can act on."""

from dashboard.api.layers import MAX_GRID_CELLS, cluster_zoom
from hakobou.testing.cast import BaseTestCase
from lib.map_layers import cluster_cell_degrees


class BboxValidationTestCase(BaseTestCase):
    def setUp(self):
        self.client.force_login(self.volunteer_a)

    def layer(self, query, url="/api/map/evacuees"):
        return self.client.get(f"{url}?{query}")

    def assert_refused(self, query, code, text):
        for url in ("/api/map/evacuees", "/api/map/pickups"):
            with self.subTest(url=url, query=query):
                response = self.layer(query, url)
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response.json()["code"], code)
                self.assertIn(text, response.json()["message"])

    def test_it_accepts_a_city_viewport(self):
        self.assertEqual(self.layer("bbox=140.69,41.74,140.75,41.78&zoom=15").status_code, 200)

    def test_it_asks_for_a_missing_viewport(self):
        self.assert_refused("zoom=15", "invalid_bbox", "表示範囲（bbox）を指定してください")

    def test_it_refuses_a_malformed_viewport(self):
        for bbox in ("", "1,2,3", "a,b,c,d", "1,2,3,4,5", "nan,41,141,42", "140,41,inf,42"):
            with self.subTest(bbox=bbox):
                response = self.layer(f"bbox={bbox}&zoom=15")
                self.assertEqual(response.status_code, 400)
                self.assertIn("表示範囲", response.json()["message"])

    def test_it_refuses_a_viewport_off_the_globe_or_inside_out(self):
        for bbox in ("140,41,141,95", "-181,41,141,42", "141,41,140,42", "140,42,141,41"):
            with self.subTest(bbox=bbox):
                self.assert_refused(f"bbox={bbox}&zoom=10", "invalid_bbox", "西,南,東,北")

    def test_it_refuses_a_viewport_no_screen_could_show_at_its_zoom(self):
        self.assert_refused("bbox=-180,-85,180,85&zoom=15", "invalid_bbox", "広すぎます")
        # The same box is fine from far enough out.
        self.assertEqual(self.layer("bbox=-180,-85,180,85&zoom=2").status_code, 200)

    def test_it_refuses_a_zoom_out_of_range_or_not_a_number(self):
        for zoom in ("", "-1", "23", "1.5", "abc", "99999999999999999999999"):
            with self.subTest(zoom=zoom):
                self.assert_refused(
                    f"bbox=140.69,41.74,140.75,41.78&zoom={zoom}", "invalid_zoom", "0〜22"
                )

    def test_it_refuses_filters_that_are_not_choices(self):
        bbox = "bbox=140.69,41.74,140.75,41.78&zoom=15"
        self.assert_refused(f"{bbox}&need=cake", "invalid_need", "支援ニーズ")
        self.assert_refused(f"{bbox}&area=x", "invalid_area", "地区")
        self.assert_refused(f"{bbox}&updated_since=yesterday", "invalid_updated_since", "更新日時")

    def test_a_large_viewport_is_clustered_on_a_coarser_grid(self):
        # 4000 px wide at zoom 14 would be 62 cells a side: cluster one zoom out.
        span = 4000 * 360 / 256 / 2**14
        bbox = (140.5, 41.7, 140.5 + span, 41.7 + span / 2)
        zoom = cluster_zoom(bbox, 14)
        self.assertEqual(zoom, 13)
        self.assertLessEqual(span / cluster_cell_degrees(zoom), MAX_GRID_CELLS)
        self.assertEqual(cluster_zoom((140.7, 41.7, 140.8, 41.8), 14), 14)
