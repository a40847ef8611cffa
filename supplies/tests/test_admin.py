"""Supplies in Django admin: pages open in Japanese, stock changes through the ledger
services, rounds open and close by action, CSV exports with a BOM."""

import pytest

from hakobou.testing.cast import PASSWORD
from supplies.models import DistributionRound, LedgerEntry, Stock
from supplies.tests.supply_helpers import item, new_round, open_round, stocked_depot

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_client(client, cast):
    cast.staff.is_superuser = True
    cast.staff.save()
    client.login(username="staff", password=PASSWORD)
    return client


def test_every_supplies_admin_page_opens(admin_client, cast):
    open_round(cast.area_a, households=1)
    for model in (
        "item",
        "depot",
        "stock",
        "ledgerentry",
        "distributionround",
        "delivery",
        "deliveryevent",
        "deliverybatch",
        "supplyrequest",
    ):
        assert admin_client.get(f"/admin/supplies/{model}/").status_code == 200, model
    assert admin_client.get("/admin/supplies/ledgerentry/add/").status_code == 200
    round = DistributionRound.objects.get()
    page = admin_client.get(f"/admin/supplies/distributionround/{round.pk}/change/")
    assert "配布ラウンド" in page.content.decode()


def test_receiving_through_the_admin_form_writes_a_ledger_entry(admin_client):
    water = item()
    depot = stocked_depot({water: 10})
    response = admin_client.post(
        "/admin/supplies/ledgerentry/add/",
        {
            "action": "received",
            "depot": depot.pk,
            "item": water.pk,
            "quantity": 5,
            "reason": "寄付",
        },
    )
    assert response.status_code == 302
    assert Stock.objects.get(depot=depot).on_hand == 15
    assert list(LedgerEntry.objects.values_list("kind", "reason", "quantity")) == [
        ("received", "寄付", 5),
        ("received", "県から", 10),
    ]


def test_an_adjustment_below_zero_in_the_admin_is_refused_with_the_shortage(admin_client):
    water = item()
    depot = stocked_depot({water: 3})
    response = admin_client.post(
        "/admin/supplies/ledgerentry/add/",
        {
            "action": "adjusted",
            "depot": depot.pk,
            "item": water.pk,
            "quantity": -5,
            "reason": "破損",
        },
        follow=True,
    )
    assert "在庫が足りません" in response.content.decode()
    assert Stock.objects.get(depot=depot).on_hand == 3


def test_rounds_open_by_admin_action_and_export_their_deliveries(admin_client, cast):
    from evacuation.tests.evacuation_helpers import family_report

    family_report(cast.area_a)
    round = new_round(stocked_depot(), areas=[cast.area_a])
    admin_client.post(
        "/admin/supplies/distributionround/",
        {"action": "open_rounds", "_selected_action": [round.pk]},
    )
    round.refresh_from_db()
    assert round.status == "open" and round.deliveries.count() == 1
    csv = admin_client.get(f"/admin/supplies/distributionround/{round.pk}/deliveries.csv")
    assert csv.content.startswith("\ufeff配達番号,町会,状態".encode())
    assert "未配達" in csv.content.decode("utf-8-sig")


def test_the_ledger_exports_as_csv_with_numbers_kept_as_numbers(admin_client):
    water = item()
    stocked_depot({water: 10})
    response = admin_client.post(
        "/admin/supplies/ledgerentry/",
        {
            "action": "export_csv",
            "_selected_action": list(LedgerEntry.objects.values_list("pk", flat=True)),
        },
    )
    body = response.content.decode("utf-8-sig")
    assert body.startswith("日時,保管場所,品目") and ",受入,10,10," in body
