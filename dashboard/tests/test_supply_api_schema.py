"""The supplies endpoints are described in the OpenAPI schema at /api/schema/."""

import pytest
import yaml

pytestmark = pytest.mark.django_db

PATHS = {
    "/api/deliveries": "get",
    "/api/deliveries/{id}": "get",
    "/api/deliveries/{id}/deliver": "post",
    "/api/deliveries/{id}/not-home": "post",
    "/api/deliveries/{id}/refuse": "post",
    "/api/deliveries/{id}/release": "post",
    "/api/deliveries/{id}/resolve": "post",
    "/api/rounds/{id}/take": "post",
    "/api/batches/{id}/hand-over": "post",
    "/api/batches/{id}/handover-candidates": "get",
}


def test_every_supplies_endpoint_is_in_the_schema(client, cast):
    client.force_login(cast.staff)
    schema = yaml.safe_load(client.get("/api/schema/").content)
    for path, method in PATHS.items():
        assert method in schema["paths"][path], path
    deliver = schema["paths"]["/api/deliveries/{id}/deliver"]["post"]
    assert set(deliver["responses"]) == {"200", "400", "403", "404", "409"}
    assert "requestBody" in deliver
    listing = schema["paths"]["/api/deliveries"]["get"]
    assert {"round", "lat", "lng", "mine", "status", "area"} <= {
        p["name"] for p in listing["parameters"]
    }
