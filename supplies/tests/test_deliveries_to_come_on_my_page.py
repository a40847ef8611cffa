"""/my/ shows what is still on its way to the household's door (a delivery not yet
brought), beside the question about what was brought."""

import pytest

from messaging import simulator
from supplies.models import Delivery
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delivery_on_its_way_is_listed_on_my_page(client, cast):
    user = simulator.simulated_user_create(display_name="在宅 ヨシ")
    round, _ = open_round(cast.area_a, households=1, line_user_ids=[user.user_id])
    client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
    assert Delivery.objects.get(round=round).status == "pending"
    page = client.get("/my/").content.decode()
    assert "お届けする予定の物資" in page
    assert "第1回 配布：飲料水 2L 2本" in page
    assert "未配達" in page
    assert "物資は届きましたか" not in page  # nothing brought yet


def test_nothing_on_its_way_shows_nothing(client, cast):
    user = simulator.simulated_user_create(display_name="在宅 ヨシ")
    client.post("/my/session/", {"id_token": simulator.id_token_issue(user)})
    assert "お届けする予定の物資" not in client.get("/my/").content.decode()
