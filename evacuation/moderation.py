"""Requests that are not real (いたずら・重複): a volunteer of the area or staff closes
them quietly, and staff can stop the identity behind them from making new ones.

Nobody is told on LINE: a prankster learns nothing, and a real person whose report was
closed by mistake still sees it ended on their page and can report again (unless
suspended)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from areas.selectors import areas_visible_to
from evacuation import endings
from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from evacuation.selectors import reports_visible_to
from evacuation.services import NotAllowed, _transition
from lib.roles import is_city_staff
from residents.models import Account


@transaction.atomic
def report_dismiss(*, report: OffShelterReport, user: AbstractBaseUser) -> OffShelterReport:
    """Close a report (and its pickup in progress) as a prank or a duplicate.
    Idempotent; the volunteer must be able to see it (their area) or be staff."""
    report = OffShelterReport.objects.select_for_update().get(pk=report.pk)
    if report.status == OffShelterReport.Status.ENDED:
        # Closed a moment ago (a double tap, a colleague): nothing more to do, for
        # anyone who could have closed it.
        if is_city_staff(user) or areas_visible_to(user).filter(pk=report.area_id).exists():
            return report
        raise NotAllowed
    if not reports_visible_to(user).filter(pk=report.pk).exists():
        raise NotAllowed
    report.status = OffShelterReport.Status.ENDED
    report.end_reason = OffShelterReport.EndReason.DISMISSED
    report.ended_at, report.ended_by = timezone.now(), user
    report.save(update_fields=["status", "end_reason", "ended_at", "ended_by", "updated_at"])
    for pickup in report.pickups.filter(status__in=PickupRequest.OPEN):
        # A step with no message to the resident (not in RESIDENT_MESSAGES).
        _transition(
            pickup,
            allowed=Q(status__in=PickupRequest.OPEN),
            kind=PickupEvent.Kind.DISMISSED,
            changes={"status": PickupRequest.Status.CANCELLED, "claim_expires_at": None},
            by_user=user,
        )
    endings.report_ended(report)
    return report


@transaction.atomic
def account_suspend(*, account: Account, user: AbstractBaseUser) -> Account:
    """Staff stop an identity from making new reports and pickup requests, and close
    its open reports as pranks. Lifted in admin (residents.services.account_unsuspend)."""
    if not is_city_staff(user):
        raise NotAllowed
    updated = Account.objects.filter(pk=account.pk, suspended_at__isnull=True).update(
        suspended_at=timezone.now(), suspended_by=user
    )
    if updated:
        for report in OffShelterReport.objects.filter(
            account=account, status=OffShelterReport.Status.ACTIVE
        ):
            report_dismiss(report=report, user=user)
    return Account.objects.get(pk=account.pk)
