from django.contrib.staticfiles import finders

from hakobou.testing.cast import BaseTestCase
from shelters.tests.factories import ShelterFactory


def as_posted(response) -> dict:
    """The admin change form's own values, as a browser would post them unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or value is False:
            continue
        data[form.add_prefix(name)] = "on" if value is True else value
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
    return data


class ShelterLocationAdminTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="函館公園", latitude=41.7586, longitude=140.7190)
        self.url = f"/admin/shelters/shelter/{self.shelter.pk}/change/"
        self.client.force_login(self.staff)

    def test_the_change_form_has_a_map_right_under_latitude_and_longitude(self):
        response = self.client.get(self.url)
        self.assertContains(
            response, 'data-point-picker data-lat-input="id_latitude" data-lng-input="id_longitude"'
        )
        self.assertContains(response, '<script id="map-config" type="application/json">')
        self.assertContains(response, "leaflet/leaflet.js")
        self.assertContains(response, "js/point-picker.js")
        fieldsets = response.context["adminform"].fieldsets
        shown = [name for _title, options in fieldsets for name in options["fields"]]
        at = shown.index("latitude")
        self.assertEqual(shown[at : at + 3], ["latitude", "longitude", "location_map"])

    def test_the_add_form_has_the_map_too(self):
        self.assertContains(self.client.get("/admin/shelters/shelter/add/"), "data-point-picker")

    def test_latitude_and_longitude_are_still_saved_as_ordinary_fields(self):
        data = as_posted(self.client.get(self.url))
        data.update(latitude="41.754100", longitude="140.715200")
        response = self.client.post(self.url, data)
        self.assertRedirects(response, "/admin/shelters/shelter/")
        self.shelter.refresh_from_db()
        self.assertEqual((self.shelter.latitude, self.shelter.longitude), (41.7541, 140.7152))
        self.assertEqual(self.shelter.name, "函館公園")

    def test_a_location_off_the_globe_is_refused(self):
        data = as_posted(self.client.get(self.url))
        data.update(latitude="91", longitude="140.7152")
        response = self.client.post(self.url, data)
        self.assertEqual(response.status_code, 200)
        self.shelter.refresh_from_db()
        self.assertEqual(self.shelter.latitude, 41.7586)

    def test_the_map_scripts_are_found_as_static_files(self):
        for path in ("leaflet/leaflet.js", "leaflet/leaflet.css", "js/point-picker.js"):
            with self.subTest(path=path):
                self.assertIsNotNone(finders.find(path))
