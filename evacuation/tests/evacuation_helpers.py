"""Seed helpers for out-of-shelter reports and pickups, through the services."""

from __future__ import annotations

import datetime

from areas.models import Area
from evacuation.models import Mobility, OffShelterReport, PickupRequest
from evacuation.services import pickup_request, report_start, report_submit, report_update
from messaging.friends import line_friend_followed
from residents.models import Account
from residents.registration import resident_create_manual


def family_report(
    area: Area,
    *,
    needs=("transport",),
    line_user_id: str | None = None,
    others: int = 0,
    lat: float | None = None,
    lng: float | None = None,
) -> OffShelterReport:
    """An active report from home in ``area`` (its centre unless a point is given)."""
    account = Account.objects.create(line_user_id=line_user_id)
    if line_user_id:
        line_friend_followed(user_id=line_user_id)
    resident = resident_create_manual(
        account=account,
        relation="self",
        name="在宅 ヨシ",
        name_kana="ザイタク ヨシ",
        birth_date=datetime.date(1940, 2, 3),
        address="函館市谷地頭町",
        phone="0138-00-0000",
        area=area,
    )
    report = report_start(account=account)
    report = report_update(
        report=report,
        people=[resident],
        place="home",
        latitude=lat if lat is not None else area.center_lat,
        longitude=lng if lng is not None else area.center_lng,
        location_source="gps",
        accuracy_m=12,
        others_count=others,
        needs=list(needs),
        care=["elderly"],
    )
    return report_submit(report=report)


def request_pickup(report: OffShelterReport, shelter, **overrides) -> PickupRequest:
    fields = dict(
        people_count=1,
        mobility=Mobility.WHEELCHAIR,
        urgency=PickupRequest.Urgency.NOW,
        destination=shelter,
        by_account=report.account,
    )
    fields.update(overrides)
    return pickup_request(report=report, **fields)
