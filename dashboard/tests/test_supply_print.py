"""A batch's printed sheet: the households in walking order with a QR code each that
opens the scan page; only for the batch's volunteer, the area's volunteers and staff."""

import pytest

from dashboard.supply_views import unsign_delivery
from residents.models import DetailView
from supplies.deliveries import deliveries_take
from supplies.models import DeliveryEvent
from supplies.tests.supply_helpers import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(cast):
    round, _ = open_round(cast.area_a, households=3)
    outcome = deliveries_take(
        round=round, user=cast.volunteer_a, start=(cast.area_a.center_lat, cast.area_a.center_lng)
    )
    return outcome


def test_the_sheet_has_a_qr_code_per_household_in_walking_order(client, cast, batch):
    client.force_login(cast.volunteer_a)
    response = client.get(f"/dashboard/supplies/batches/{batch.batch.pk}/print")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") == 3
    assert page.count('class="sup-tick"') == 3
    assert "0138-00-0000" in page and "函館市谷地頭町" in page
    rows = response.context["rows"]
    assert [row["delivery"].pk for row in rows] == [d.pk for d in batch.taken]
    token = rows[0]["url"].rstrip("/").rsplit("/", 1)[-1]
    assert rows[0]["url"].startswith("http://testserver/dashboard/supplies/d/")
    assert unsign_delivery(token) == batch.taken[0].pk
    assert DetailView.objects.filter(user=cast.volunteer_a).count() == 3


def test_staff_may_print_it_and_another_area_may_not(client, cast, batch):
    client.force_login(cast.staff)
    assert client.get(f"/dashboard/supplies/batches/{batch.batch.pk}/print").status_code == 200
    client.force_login(cast.volunteer_b)
    response = client.get(f"/dashboard/supplies/batches/{batch.batch.pk}/print")
    assert response.status_code == 404
    assert "0138" not in response.content.decode()
    event = DeliveryEvent.objects.get(kind=DeliveryEvent.Kind.DENIED)
    assert (event.by_user, event.via) == (cast.volunteer_b, "print")
