"""The composer's segment tools: the conditions and the live count, for city staff only."""

import pytest

from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.cast import PASSWORD
from shelters.tests.factories import ShelterFactory

pytestmark = pytest.mark.django_db

COUNT = "/api/segments/count"


def as_user(client, username: str):
    client.login(username=username, password=PASSWORD)
    return client


def test_staff_see_every_condition_with_its_values(client, cast):
    conditions = as_user(client, "staff").get("/api/segments/conditions").json()
    by_key = {condition["key"]: condition for condition in conditions}
    assert {"off_shelter", "mobility", "at_shelter", "lives_in", "language"} <= set(by_key)
    assert [cast.area_a.name, cast.area_b.name] == [
        label for _value, label in by_key["lives_in"]["choices"]
    ]
    assert by_key["at_shelter"]["any_value"] and not by_key["everyone"]["takes_value"]


def test_staff_count_out_of_shelter_wheelchair_users_of_an_area(client, cast):
    shelter = ShelterFactory()
    wheelchair = family_report(cast.area_a, line_user_id="U" + "1" * 32)
    request_pickup(wheelchair, shelter, mobility="wheelchair")
    walks = family_report(cast.area_a)
    request_pickup(walks, shelter, mobility="walks_with_help")
    family_report(cast.area_b, line_user_id="U" + "2" * 32)
    segment = {
        "all": [
            {"if": "off_shelter", "value": str(cast.area_a.pk)},
            {"if": "mobility", "value": "wheelchair"},
        ]
    }
    response = as_user(client, "staff").post(COUNT, {"segment": segment}, "application/json")
    assert response.json() == {"reachable": 1, "blocked": 0, "web_only": 0, "total": 1}


def test_a_segment_that_cannot_be_read_answers_400_politely(client, cast):
    staff = as_user(client, "staff")
    for body in ({}, {"segment": {"if": "nope"}}, {"segment": "all"}, []):
        response = staff.post(COUNT, body, "application/json")
        assert response.status_code == 400, body
        assert response.json()["code"] == "invalid_segment"
    bad = staff.post(COUNT, "{not json", "application/json")
    assert bad.status_code == 400


def test_volunteers_and_anonymous_may_not_count(client, cast):
    body = {"segment": {"if": "everyone"}}
    assert client.post(COUNT, body, "application/json").status_code == 403
    volunteer = as_user(client, "volunteer-a")
    response = volunteer.post(COUNT, body, "application/json")
    assert response.status_code == 403
    assert response.json()["message"] == "配信の対象を作れるのは市の職員だけです。"
    assert volunteer.get("/api/segments/conditions").status_code == 403
