"""The supplies pages: the rounds list and a round's page render for volunteers and
staff; only staff open and close a round (a volunteer's POST is a 403)."""

import pytest
from django.urls import reverse

from evacuation.tests.evacuation_helpers import family_report
from supplies.models import Delivery, DistributionRound, Stock
from supplies.tests.supply_helpers import item, new_round, open_round, stocked_depot

pytestmark = pytest.mark.django_db


def test_the_pages_are_named_in_the_dashboard_namespace():
    assert reverse("dashboard:supplies") == "/dashboard/supplies/"
    assert reverse("dashboard:supply-round", args=[3]) == "/dashboard/supplies/rounds/3/"
    assert (
        reverse("dashboard:supply-batch-print", args=[4]) == "/dashboard/supplies/batches/4/print"
    )
    assert reverse("dashboard:supply-scan", args=["abc"]) == "/dashboard/supplies/d/abc/"


def test_the_dashboard_links_to_the_supplies_pages(client, cast):
    client.force_login(cast.volunteer_a)
    assert 'href="/dashboard/supplies/"' in client.get("/dashboard/").content.decode()


def test_a_volunteer_sees_their_areas_rounds_with_progress(client, cast):
    round_a, _ = open_round(cast.area_a, households=2)
    open_round(cast.area_b, households=1, depot=round_a.depot)
    client.force_login(cast.volunteer_a)
    page = client.get("/dashboard/supplies/").content.decode()
    assert page.count("第1回 配布") == 1
    assert "配達済み <strong>0</strong> / 2 世帯（0%）" in page


def test_the_round_page_renders_for_a_volunteer_without_the_staff_buttons(client, cast):
    round, _ = open_round(cast.area_a, households=2)
    client.force_login(cast.volunteer_a)
    response = client.get(f"/dashboard/supplies/rounds/{round.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "近い順に担当する" in page
    assert 'id="supplies-config"' in page and 'id="map-config"' in page
    assert "配布を開始・更新" not in page and "配布を終了" not in page
    assert '<td class="num" data-status="pending">2</td>' in page
    assert "在宅" not in page  # no names on the page itself


def test_the_round_page_shows_staff_the_open_and_close_buttons(client, cast):
    round, _ = open_round(cast.area_a, households=1)
    client.force_login(cast.staff)
    page = client.get(f"/dashboard/supplies/rounds/{round.pk}/").content.decode()
    assert "配布を開始・更新" in page and "配布を終了" in page


def test_a_volunteer_cannot_open_or_close_a_round(client, cast):
    round, _ = open_round(cast.area_a, households=1)
    client.force_login(cast.volunteer_a)
    assert client.post(f"/dashboard/supplies/rounds/{round.pk}/open").status_code == 403
    assert (
        client.post(f"/dashboard/supplies/rounds/{round.pk}/close", {"confirm": "1"}).status_code
        == 403
    )
    round.refresh_from_db()
    assert round.status == DistributionRound.Status.OPEN


def test_staff_open_a_round_and_hear_what_is_short(client, cast):
    for _ in range(3):
        family_report(cast.area_a)
    water = item()
    depot = stocked_depot({water: 5})
    round = new_round(depot, areas=[cast.area_a])
    client.force_login(cast.staff)
    response = client.post(f"/dashboard/supplies/rounds/{round.pk}/open", follow=True)
    assert "在庫が足りません" in response.content.decode()
    assert "必要 6 本、使える在庫 5 本" in response.content.decode()
    assert not Delivery.objects.exists()
    stock_receive_more(depot, water)
    response = client.post(f"/dashboard/supplies/rounds/{round.pk}/open", follow=True)
    assert "配布を始めました。3 世帯に届けます。" in response.content.decode()
    assert Delivery.objects.count() == 3


def stock_receive_more(depot, water):
    from supplies.ledger import stock_receive

    stock_receive(depot=depot, item=water, quantity=10, by_user=None)


def test_a_round_without_items_is_explained(client, cast):
    round = new_round(stocked_depot(), areas=[cast.area_a], lines={item(): (0, 0)})
    client.force_login(cast.staff)
    response = client.post(f"/dashboard/supplies/rounds/{round.pk}/open", follow=True)
    assert "配布する品目と数量が決まっていません" in response.content.decode()


def test_closing_asks_first_then_releases_the_stock(client, cast):
    round, _ = open_round(cast.area_a, households=2)
    client.force_login(cast.staff)
    question = client.post(f"/dashboard/supplies/rounds/{round.pk}/close")
    assert question.status_code == 200
    assert "まだ届けていない世帯が 2 世帯あります。" in question.content.decode()
    round.refresh_from_db()
    assert round.status == DistributionRound.Status.OPEN
    done = client.post(
        f"/dashboard/supplies/rounds/{round.pk}/close", {"confirm": "1"}, follow=True
    )
    assert "配布を終了しました" in done.content.decode()
    round.refresh_from_db()
    assert round.status == DistributionRound.Status.CLOSED
    assert Stock.objects.get(depot=round.depot).reserved == 0
    again = client.post(f"/dashboard/supplies/rounds/{round.pk}/open", follow=True)
    assert "この配布はすでに終了しています" in again.content.decode()


def test_another_areas_round_is_not_found_for_a_volunteer(client, cast):
    round, _ = open_round(cast.area_b, households=1)
    client.force_login(cast.volunteer_a)
    assert client.get(f"/dashboard/supplies/rounds/{round.pk}/").status_code == 404
