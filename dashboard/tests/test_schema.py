"""The API is described by an OpenAPI schema at /api/schema/."""

import yaml

from hakobou.testing.cast import BaseTestCase

PATHS = [
    "/api/map/evacuees",
    "/api/map/pickups",
    "/api/evacuees",
    "/api/evacuees/{id}",
    "/api/pickups/{id}/claim",
    "/api/pickups/{id}/release",
    "/api/pickups/{id}/hand-over",
    "/api/pickups/{id}/handover-candidates",
    "/api/pickups/{id}/picked-up",
    "/api/pickups/{id}/arrived",
    "/api/pickups/{id}/unable",
    "/api/pickups/{id}/notes",
]


class SchemaTestCase(BaseTestCase):
    def test_it_renders_and_lists_the_dashboard_api(self):
        self.client.force_login(self.staff)
        response = self.client.get("/api/schema/")
        self.assertEqual(response.status_code, 200)
        schema = yaml.safe_load(response.content)
        for path in PATHS:
            with self.subTest(path=path):
                self.assertIn(path, schema["paths"])
        layer = schema["paths"]["/api/map/evacuees"]["get"]
        parameters = {p["name"] for p in layer["parameters"]}
        self.assertLessEqual({"bbox", "zoom", "area", "need", "care", "updated_since"}, parameters)
        claim = schema["paths"]["/api/pickups/{id}/claim"]["post"]
        self.assertEqual(set(claim["responses"]), {"200", "400", "403", "404", "409"})
        hand_over = schema["paths"]["/api/pickups/{id}/hand-over"]["post"]
        self.assertIn("requestBody", hand_over)
