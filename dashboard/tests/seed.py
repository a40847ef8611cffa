"""Out-of-shelter reports and pickups for the dashboard's tests, made through the
services a resident's LIFF pages use (nothing written behind their back)."""

from __future__ import annotations

import datetime

from areas.models import Area
from evacuation.models import Mobility, OffShelterReport, PickupRequest
from evacuation.services import pickup_request, report_start, report_submit, report_update
from residents.models import Account
from residents.registration import resident_create_manual

BIRTH_DATE = datetime.date(1940, 2, 3)


def make_report(
    area: Area,
    *,
    name: str = "在宅 ヨシ",
    kana: str = "ザイタク ヨシ",
    phone: str = "0138-22-0001",
    needs: tuple[str, ...] = ("water",),
    care: tuple[str, ...] = (),
    lat: float | None = None,
    lng: float | None = None,
    others: int = 0,
    note: str = "",
) -> OffShelterReport:
    """An active report of one registered person at home, at ``area``'s centre unless
    a point is given."""
    account = Account.objects.create()
    resident = resident_create_manual(
        account=account,
        relation="self",
        name=name,
        name_kana=kana,
        birth_date=BIRTH_DATE,
        address="函館市谷地頭町1番1号",
        phone=phone,
        area=area,
    )
    report = report_update(
        report=report_start(account=account),
        people=[resident],
        place="home",
        latitude=area.center_lat if lat is None else lat,
        longitude=area.center_lng if lng is None else lng,
        location_source="gps",
        address_text="谷地頭町 青い屋根の家",
        others_count=others,
        needs=list(needs),
        care=list(care),
        note=note,
    )
    return report_submit(report=report)


def make_pickup(report: OffShelterReport, destination, **overrides) -> PickupRequest:
    fields = dict(
        people_count=1 + report.others_count,
        mobility=Mobility.WHEELCHAIR,
        urgency=PickupRequest.Urgency.NOW,
        destination=destination,
        by_account=report.account,
    )
    fields.update(overrides)
    return pickup_request(report=report, **fields)
