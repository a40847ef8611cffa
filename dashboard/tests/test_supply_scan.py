"""The page a printed QR code opens at the door: a forged or foreign code is a polite
404; 「配達済みにする」 works once, and a second press says it already happened."""

from urllib.parse import unquote

import pytest
from django.core import signing

from dashboard.supply_views import sign_delivery
from supplies.models import Delivery, DeliveryEvent, LedgerEntry
from supplies.tests.supply_helpers import item, open_round, stocked_depot

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(cast):
    open_round(cast.area_a, households=1)
    return Delivery.objects.get()


def test_a_forged_token_is_a_polite_404(client, cast, delivery):
    client.force_login(cast.volunteer_a)
    forged = signing.dumps({"d": delivery.pk}, salt="another-salt")
    for token in (forged, "not-a-token", sign_delivery(delivery.pk)[:-3] + "xyz"):
        response = client.get(f"/dashboard/supplies/d/{token}/")
        assert response.status_code == 404
        assert "このQRコードの配達は見つかりません" in response.content.decode()
    assert (
        client.post(f"/dashboard/supplies/d/{forged}/", {"action": "delivered"}).status_code == 404
    )
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING


def test_anonymous_scans_go_to_the_login_and_back(client, delivery):
    url = f"/dashboard/supplies/d/{sign_delivery(delivery.pk)}/"
    response = client.get(url)
    assert response.status_code == 302
    assert unquote(response["Location"]) == f"/login/?next={url}"


def test_scan_then_delivered_and_a_second_press_is_harmless(client, cast, delivery):
    url = f"/dashboard/supplies/d/{sign_delivery(delivery.pk)}/"
    client.force_login(cast.volunteer_a)
    page = client.get(url).content.decode()
    assert "1 人の世帯" in page and "飲料水 2L 2本" in page and "函館市谷地頭町" in page
    assert "配達済みにする" in page and "不在" in page
    response = client.post(url, {"action": "delivered"}, follow=True)
    assert "配達済みにしました" in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.delivered_by) == ("delivered", cast.volunteer_a)
    again = client.post(url, {"action": "delivered"}, follow=True).content.decode()
    assert "すでに配達済みです。" in again
    assert "配達済みにする</button>" not in again
    assert LedgerEntry.objects.filter(kind="issued").count() == 1


def test_a_partial_delivery_from_the_scan_page(client, cast):
    water, rice = item(), item("アルファ米", "食", "food")
    depot = stocked_depot({water: 10, rice: 10})
    open_round(
        cast.area_a, households=1, others=[1], depot=depot, lines={water: (2, 0), rice: (0, 1)}
    )
    delivery = Delivery.objects.get()
    url = f"/dashboard/supplies/d/{sign_delivery(delivery.pk)}/"
    client.force_login(cast.volunteer_a)
    wrong = client.post(url, {"action": "partial", f"q-{water.pk}": 5, f"q-{rice.pk}": 1})
    assert wrong.status_code == 400
    assert "0 から 2 までの数を入力してください。" in wrong.content.decode()
    client.post(url, {"action": "partial", f"q-{water.pk}": 2, f"q-{rice.pk}": 0})
    delivery.refresh_from_db()
    assert delivery.delivered == {str(water.pk): 2, str(rice.pk): 0}


def test_another_areas_volunteer_gets_a_404_and_an_audit_line(client, cast, delivery):
    url = f"/dashboard/supplies/d/{sign_delivery(delivery.pk)}/"
    client.force_login(cast.volunteer_b)
    page = client.get(url)
    assert page.status_code == 404 and "0138" not in page.content.decode()
    assert client.post(url, {"action": "delivered"}).status_code == 404
    assert client.post(url, {"action": "not_home"}).status_code == 404
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING
    denied = DeliveryEvent.objects.filter(kind="denied", by_user=cast.volunteer_b)
    assert denied.count() == 3
