"""The page's filters (area, need, care consideration, pickup state, updated since)
narrow the map layers and the list alike."""

import datetime

from django.utils import timezone

from dashboard.tests.seed import make_pickup, make_report
from evacuation.models import OffShelterReport
from evacuation.services import pickup_claim
from hakobou.testing.cast import BaseTestCase
from shelters.tests.factories import ShelterFactory

BBOX = "bbox=140.69,41.74,140.75,41.78&zoom=15"


class FiltersTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        shelter = ShelterFactory()
        cls.medical = make_report(cls.area_a, needs=("medical",), care=("elderly",), lat=41.751)
        cls.water = make_report(cls.area_a, needs=("water", "food"), lat=41.752)
        cls.requested = make_report(cls.area_a, needs=("transport",), care=("pet",), lat=41.753)
        make_pickup(cls.requested, shelter)
        cls.claimed = make_report(cls.area_a, needs=("nursing",), lat=41.754)
        pickup_claim(pickup=make_pickup(cls.claimed, shelter), user=cls.volunteer_a)
        cls.in_b = make_report(cls.area_b, needs=("medical",))
        # Everything was reported an hour ago except the water report.
        an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
        OffShelterReport.objects.exclude(pk=cls.water.pk).update(updated_at=an_hour_ago)
        cls.requested.pickups.update(updated_at=an_hour_ago)
        cls.claimed.pickups.update(updated_at=an_hour_ago)

    def ids(self, query):
        """The same filter on the evacuee layer and on the list must agree."""
        layer = self.client.get(f"/api/map/evacuees?{BBOX}&{query}")
        listed = self.client.get(f"/api/evacuees?{query}")
        self.assertEqual(layer.status_code, 200, layer.content)
        self.assertEqual(listed.status_code, 200, listed.content)
        on_map = {point["id"] for point in layer.json().get("points", [])}
        in_list = {row["id"] for row in listed.json()["results"]}
        self.assertEqual(on_map, in_list, query)
        return in_list

    def test_it_filters_by_need(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(self.ids("need=medical"), {self.medical.pk})
        # "medicine" is not "medical": codes are matched whole.
        self.assertEqual(self.ids("need=medicine"), set())
        self.assertEqual(self.ids("need=food"), {self.water.pk})

    def test_it_filters_by_care_consideration(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(self.ids("care=elderly"), {self.medical.pk})
        self.assertEqual(self.ids("care=pet"), {self.requested.pk})

    def test_it_filters_by_pickup_state(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(self.ids("state=requested"), {self.requested.pk})
        self.assertEqual(self.ids("state=claimed"), {self.claimed.pk})
        self.assertEqual(self.ids("state=none"), {self.medical.pk, self.water.pk})

    def test_it_filters_by_time_of_the_last_update(self):
        self.client.force_login(self.volunteer_a)
        since = (timezone.now() - datetime.timedelta(minutes=15)).isoformat()
        query = f"updated_since={since.replace('+', '%2B')}"
        self.assertEqual(self.ids(query), {self.water.pk})

    def test_staff_filter_by_area(self):
        self.client.force_login(self.staff)
        self.assertEqual(self.ids(f"area={self.area_b.pk}"), {self.in_b.pk})
        self.assertEqual(self.ids(f"need=medical&area={self.area_a.pk}"), {self.medical.pk})

    def test_a_volunteer_asking_for_another_area_gets_nothing_from_it(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(self.ids(f"area={self.area_b.pk}"), set())

    def test_the_pickup_layer_takes_the_same_filters(self):
        self.client.force_login(self.volunteer_a)
        url = f"/api/map/pickups?{BBOX}"
        pickups = self.client.get(f"{url}&care=pet").json()["points"]
        self.assertEqual([p["report_id"] for p in pickups], [self.requested.pk])
        pickups = self.client.get(f"{url}&need=nursing").json()["points"]
        self.assertEqual([p["report_id"] for p in pickups], [self.claimed.pk])

    def test_empty_filters_from_the_form_mean_all(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(len(self.ids("area=&need=&care=&state=&updated_since=")), 4)

    def test_the_page_offers_the_filters_and_keeps_the_chosen_ones(self):
        self.client.force_login(self.staff)
        page = self.client.get("/dashboard/?need=medical&care=elderly")
        self.assertContains(page, '<option value="medical" selected>医療・看護</option>', html=True)
        self.assertContains(page, '<option value="elderly" selected>高齢</option>', html=True)
        self.assertContains(page, "テスト乙町会")  # staff choose among every area
        self.client.force_login(self.volunteer_a)
        page = self.client.get("/dashboard/")
        # One area is no choice: no area filter for a volunteer of one area.
        self.assertNotContains(page, 'name="area"')
        self.assertContains(page, 'name="need"')
