"""The map's legend is written once (dashboard.legend) with the codes the markers use:
every urgency, every pickup urgency with the rank the page colours it by, every shelter
congestion; its swatches carry the markers' classes, so they share their colours."""

import json
import re

from dashboard.legend import map_legend, pickup_ranks
from dashboard.tests.seed import make_report
from evacuation.models import NEED_URGENCY, PickupRequest
from hakobou.testing.cast import BaseTestCase
from shelters.selectors import CONGESTION_LABELS


class MapLegendTestCase(BaseTestCase):
    def entries(self, kind):
        return [entry for entry in map_legend() if entry["kind"] == kind]

    def test_every_urgency_has_its_colour_and_the_needs_that_give_it(self):
        entries = self.entries("evacuee")
        self.assertEqual([entry["classes"] for entry in entries], ["u3", "u2", "u1", "u0"])
        self.assertEqual(entries[0]["label"], "緊急：医療・看護")
        self.assertEqual(entries[1]["label"], "高：移動支援（迎え）、介護、医薬品")
        self.assertEqual(set(NEED_URGENCY.values()), {3, 2, 1, 0})

    def test_every_pickup_urgency_is_coloured_by_the_rank_the_page_uses(self):
        ranks = pickup_ranks()
        self.assertEqual(set(ranks), set(PickupRequest.Urgency.values))
        self.assertEqual(
            [entry["classes"] for entry in self.entries("pickup")],
            [f"square u{ranks[code]}" for code in ("now", "today", "whenever")],
        )

    def test_every_shelter_congestion_has_its_own_swatch(self):
        self.assertEqual(
            [entry["classes"] for entry in self.entries("shelter")],
            [f"shelter {code}" for code in CONGESTION_LABELS],
        )

    def test_the_page_draws_the_legend_and_hands_the_ranks_to_the_markers(self):
        make_report(self.area_a)
        self.client.force_login(self.volunteer_a)
        page = self.client.get("/dashboard/").content.decode()
        for entry in map_legend():
            self.assertIn(f'<span class="dash-swatch {entry["classes"]}">', page)
        config = json.loads(
            re.search(
                r'<script id="dashboard-config" type="application/json">(.*?)</script>', page
            ).group(1)
        )
        self.assertEqual(config["pickupRanks"], pickup_ranks())
