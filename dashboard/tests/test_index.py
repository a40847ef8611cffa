import json
import re

from django.contrib.auth import get_user_model

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from shelters.tests.factories import ShelterFactory


class DashboardIndexTestCase(BaseTestCase):
    url = "/dashboard/"

    def test_it_sends_anonymous_users_to_login(self):
        response = self.client.get(self.url)
        self.assertRedirects(response, "/login/?next=/dashboard/")

    def test_it_shows_a_volunteer_only_their_own_areas(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get(self.url)
        self.assertContains(response, "テスト甲町会")
        self.assertNotContains(response, "テスト乙町会")

    def test_it_shows_staff_every_area(self):
        self.client.force_login(self.staff)
        response = self.client.get(self.url)
        self.assertContains(response, "テスト甲町会")
        self.assertContains(response, "テスト乙町会")

    def test_it_refuses_a_logged_in_user_without_a_role(self):
        nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
        self.client.force_login(nobody)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "権限がありません", status_code=403)

    def test_it_refuses_a_deactivated_volunteer(self):
        self.volunteer_a.is_active = False
        self.volunteer_a.save()
        self.client.force_login(self.volunteer_a)
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 302)


class DashboardMapPageTestCase(BaseTestCase):
    """The map dashboard keeps the other work one tap away and holds no one's data."""

    def config(self, response, element_id="dashboard-config"):
        script = rf'<script id="{element_id}" type="application/json">(.*?)</script>'
        return json.loads(re.search(script, response.content.decode(), re.S).group(1))

    def test_it_gives_the_map_the_api_tiles_and_labels(self):
        ShelterFactory(name="青柳小学校 体育館")
        self.client.force_login(self.volunteer_a)
        response = self.client.get("/dashboard/")
        self.assertContains(response, 'id="dash-map"')
        self.assertContains(response, "leaflet/leaflet.js")
        self.assertContains(response, "js/dashboard.js")
        (tiles,) = self.config(response, "map-config")["tiles"]  # from settings
        self.assertIn("地理院タイル", tiles["options"]["attribution"])
        config = self.config(response)
        self.assertEqual(config["urls"]["evacueeLayer"], "/api/map/evacuees")
        self.assertEqual(config["urls"]["detail"], "/api/evacuees/{id}")
        self.assertEqual(config["urls"]["claim"], "/api/pickups/{id}/claim")
        self.assertEqual(config["urls"]["board"], "/api/shelters/board")
        self.assertEqual(config["areas"], [[41.75, 140.71]])
        self.assertEqual([s["name"] for s in config["shelters"]], ["青柳小学校 体育館"])
        self.assertEqual(config["needGlyphs"]["medical"], "医")

    def test_it_keeps_registration_the_shelter_board_and_reception_reachable(self):
        self.client.force_login(self.volunteer_a)
        response = self.client.get("/dashboard/")
        self.assertContains(response, "/dashboard/register/")
        self.assertContains(response, "/dashboard/shelters/")
        shelter = ShelterFactory()
        reception = responder_upsert(
            username="reception-a", password=PASSWORD, role=Role.RECEPTION, areas=[self.area_a]
        )
        shelter.reception.add(reception)
        self.client.force_login(reception)
        self.assertContains(self.client.get("/dashboard/"), f"/dashboard/reception/{shelter.pk}/")

    def test_staff_see_the_whole_city(self):
        self.client.force_login(self.staff)
        response = self.client.get("/dashboard/")
        self.assertContains(response, "市全域")
        self.assertEqual(self.config(response)["areas"], [])  # the city's default view

    def test_it_greets_a_volunteer_family_name_first(self):
        self.client.force_login(self.volunteer_a)
        self.assertContains(self.client.get("/dashboard/"), "甲野 一郎 さん")
