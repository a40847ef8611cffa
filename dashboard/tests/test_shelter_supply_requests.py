"""A shelter's reception asks HQ for supplies; staff fulfil the request with a transfer."""

import pytest

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD
from lib.roles import Role
from shelters.tests.factories import ShelterFactory
from supplies.models import LedgerEntry, Stock, SupplyRequest
from supplies.tests.supply_helpers import item, stocked_depot

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(cast):
    shelter = ShelterFactory(name="青柳小学校 体育館")
    reception = responder_upsert(
        username="reception", password=PASSWORD, role=Role.RECEPTION, areas=[cast.area_a]
    )
    shelter.reception.add(reception)
    return shelter


def url(shelter) -> str:
    return f"/dashboard/shelters/{shelter.pk}/supplies/"


def test_reception_posts_a_request_and_the_board_lists_it(client, cast, shelter):
    blankets = item("毛布", "枚", "bedding")
    client.login(username="reception", password=PASSWORD)
    response = client.post(url(shelter), {f"item_{blankets.pk}": "30", "note": "夜が寒い"})
    assert response.status_code == 302
    request = SupplyRequest.objects.get()
    assert [(line.item, line.quantity) for line in request.lines.all()] == [(blankets, 30)]
    board = client.get("/dashboard/shelters/").content.decode()
    assert "避難所からの物資要請（未対応）" in board and "毛布 30枚" in board


def test_an_empty_or_bad_request_is_answered_politely_and_saves_nothing(client, shelter):
    blankets = item("毛布", "枚", "bedding")
    client.login(username="reception", password=PASSWORD)
    empty = client.post(url(shelter), {f"item_{blankets.pk}": "0"})
    assert "必要な品目の数量を 1 つ以上入力してください。" in empty.content.decode()
    bad = client.post(url(shelter), {f"item_{blankets.pk}": "たくさん"})
    assert "数量は半角の数字で入力してください。" in bad.content.decode()
    assert not SupplyRequest.objects.exists()


def test_a_volunteer_or_another_shelters_reception_cannot_see_it(client, cast, shelter):
    client.login(username="volunteer-a", password=PASSWORD)
    assert client.get(url(shelter)).status_code == 403
    other = ShelterFactory(name="別の避難所")
    client.login(username="reception", password=PASSWORD)
    assert client.get(url(other)).status_code == 403


def test_staff_fulfil_with_a_transfer_and_a_second_press_changes_nothing(client, cast, shelter):
    blankets = item("毛布", "枚", "bedding")
    depot = stocked_depot({blankets: 100})
    client.login(username="reception", password=PASSWORD)
    client.post(url(shelter), {f"item_{blankets.pk}": "30"})
    request = SupplyRequest.objects.get()
    client.login(username="staff", password=PASSWORD)
    close = f"{url(shelter)}requests/{request.pk}/close"
    for _ in range(2):
        assert client.post(close, {"depot": depot.pk, "action": "fulfil"}).status_code == 302
    request.refresh_from_db()
    assert request.status == "fulfilled" and request.from_depot == depot
    assert Stock.objects.get(depot=depot).on_hand == 70
    assert Stock.objects.get(depot__shelter=shelter).on_hand == 30
    assert LedgerEntry.objects.filter(supply_request=request).count() == 2


def test_fulfilling_without_enough_stock_says_what_is_short(client, cast, shelter):
    blankets = item("毛布", "枚", "bedding")
    depot = stocked_depot({blankets: 10})
    client.login(username="reception", password=PASSWORD)
    client.post(url(shelter), {f"item_{blankets.pk}": "30"})
    request = SupplyRequest.objects.get()
    client.login(username="staff", password=PASSWORD)
    response = client.post(
        f"{url(shelter)}requests/{request.pk}/close", {"depot": depot.pk}, follow=True
    )
    assert "毛布：必要 30 枚、使える在庫 10 枚" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "open"


def test_reception_cannot_fulfil(client, shelter):
    blankets = item("毛布", "枚", "bedding")
    depot = stocked_depot({blankets: 100})
    client.login(username="reception", password=PASSWORD)
    client.post(url(shelter), {f"item_{blankets.pk}": "3"})
    request = SupplyRequest.objects.get()
    response = client.post(f"{url(shelter)}requests/{request.pk}/close", {"depot": depot.pk})
    assert response.status_code == 403
