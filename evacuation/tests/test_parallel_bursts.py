"""Thirty identical requests at once have the effect of one (PostgreSQL row locks)."""

import pytest
from django.db import connection

from evacuation.models import OffShelterReport, PickupEvent
from evacuation.moderation import report_dismiss
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.cast import make_cast
from hakobou.testing.concurrency import at_once
from residents.models import Account, Resident
from residents.withdrawal import account_withdraw
from shelters.models import Method, Stay
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
]


def test_thirty_dismissals_of_one_report_close_it_once():
    cast = make_cast()
    report = family_report(cast.area_a)
    pickup = request_pickup(report, ShelterFactory())
    at_once(lambda _: report_dismiss(report=report, user=cast.volunteer_a), range(30))
    report.refresh_from_db()
    assert report.end_reason == OffShelterReport.EndReason.DISMISSED
    assert PickupEvent.objects.filter(pickup=pickup, kind="dismissed").count() == 1


def test_thirty_withdrawals_of_one_account_leave_the_stay_and_one_anonymous_person():
    report = family_report(make_cast().area_a)
    person = report.people.get()
    stay_check_in(resident=person, shelter=ShelterFactory(), method=Method.PERSONAL_QR)
    account = Account.objects.get(pk=report.account_id)
    at_once(lambda _: account_withdraw(account=account), range(30))
    person = Resident.objects.get(pk=person.pk)
    assert person.display_name == "退会された方"
    assert Stay.objects.filter(resident=person, checked_out_at=None).count() == 1
    assert Account.objects.filter(pk=account.pk, withdrawn_at__isnull=False).count() == 1
