"""Reads for supplies: who sees which deliveries, which households a round targets,
whose household a delivery is, and a round's progress."""

from __future__ import annotations

import math
from collections import Counter, defaultdict

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value

from areas.selectors import areas_visible_to
from evacuation.models import OffShelterReport
from evacuation.selectors import is_field_volunteer
from lib.roles import is_city_staff
from residents.models import Account, ResidentLink
from supplies.models import (
    Delivery,
    DeliveryBatch,
    DistributionRound,
    Item,
    SupplyRequest,
    TargetNeed,
)

# Which report answers make a household one a round's condition is for. A JSON list
# holds quoted codes; icontains on its text works on PostgreSQL and SQLite.
TARGET_MATCHES: dict[str, list[tuple[str, str]]] = {
    TargetNeed.INFANT: [("care", "infant")],
    TargetNeed.ALLERGY: [("care", "allergy")],
    TargetNeed.MEDICAL: [("needs", "medical"), ("needs", "medicine"), ("care", "chronic_illness")],
    TargetNeed.ELDERLY: [("care", "elderly"), ("care", "nursing_care")],
    TargetNeed.WATER: [("needs", "water")],
    TargetNeed.FOOD: [("needs", "food")],
}


def round_targets(round: DistributionRound) -> QuerySet[OffShelterReport]:
    """Households a round is for: active out-of-shelter reports in its areas (the whole
    city when none is chosen), with one of its conditions when it has any."""
    reports = OffShelterReport.objects.filter(status=OffShelterReport.Status.ACTIVE)
    area_ids = list(round.areas.values_list("pk", flat=True))
    if area_ids:
        reports = reports.filter(area_id__in=area_ids)
    condition = Q()
    for need in round.target_needs:
        for field, code in TARGET_MATCHES.get(need, []):
            condition |= Q(**{f"{field}__icontains": f'"{code}"'})
    return reports.filter(condition) if condition else reports


def deliveries_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Delivery]:
    """Staff see every delivery; a volunteer those in their areas; nobody else any."""
    deliveries = Delivery.objects.all()
    if is_city_staff(user):
        return deliveries
    if not is_field_volunteer(user):
        return deliveries.none()
    return deliveries.filter(area__in=areas_visible_to(user))


def rounds_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[DistributionRound]:
    """Staff see every round (drafts too); a volunteer the open and closed ones for the
    whole city or for one of their areas; nobody else any."""
    rounds = DistributionRound.objects.all()
    if is_city_staff(user):
        return rounds
    if not is_field_volunteer(user):
        return rounds.none()
    return (
        rounds.exclude(status=DistributionRound.Status.DRAFT)
        .filter(Q(areas=None) | Q(areas__in=areas_visible_to(user)))
        .distinct()
    )


def batches_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[DeliveryBatch]:
    """Staff see every batch; a volunteer their own and those with a delivery in their
    areas (its printed sheet, a hand-over)."""
    batches = DeliveryBatch.objects.all()
    if is_city_staff(user):
        return batches
    if not is_field_volunteer(user):
        return batches.none()
    in_areas = deliveries_visible_to(user).filter(batch=OuterRef("pk"))
    return batches.filter(Q(volunteer=user) | Exists(in_areas))


def nearest_first(deliveries, start: tuple[float, float]):
    """Ordered by distance from ``start`` in the database (an equirectangular
    approximation: exact enough to pick the nearest 200 of a town)."""
    lat, lng = start
    shrink = math.cos(math.radians(lat))
    north = F("latitude") - Value(lat)
    east = (F("longitude") - Value(lng)) * Value(shrink)
    return deliveries.annotate(away=north * north + east * east).order_by(
        F("away").asc(nulls_last=True), "pk"
    )


def household_account_ids(report_id: int) -> set[int]:
    """The accounts a household's delivery belongs to: the report's own, and every account
    that registered one of the people in it (a family member's phone)."""
    report = OffShelterReport.objects.only("account_id").get(pk=report_id)
    linked = ResidentLink.objects.filter(resident__off_shelter_reports=report_id).values_list(
        "account_id", flat=True
    )
    return {report.account_id, *linked}


def household_line_user_ids(report_id: int) -> list[str]:
    accounts = Account.objects.filter(
        pk__in=household_account_ids(report_id), withdrawn_at=None
    ).exclude(line_user_id=None)
    return list(accounts.values_list("line_user_id", flat=True))


def household_deliveries(account: Account) -> QuerySet[Delivery]:
    """Deliveries to this account's household: its own report's, or one with a person
    this account registered in it (a family member's phone). Filtered on the delivery's
    own column (``report_id IN (…)``), not a join: Django turns an UPDATE over a join
    into ``id IN (SELECT …)``, and PostgreSQL would not re-check a status condition
    inside that subquery after waiting for a concurrent answer (both would win)."""
    reports = OffShelterReport.objects.filter(
        Q(account=account) | Q(people__links__account=account)
    ).values("pk")
    return Delivery.objects.filter(report_id__in=reports)


def deliveries_awaiting_answer(account: Account) -> QuerySet[Delivery]:
    """Deliveries to this account's household that it has not yet answered (for /my/)."""
    return (
        household_deliveries(account)
        .filter(status__in=Delivery.AWAITING_ANSWER)
        .select_related("round")
        .order_by("delivered_at")
    )


def deliveries_to_come(account: Account) -> QuerySet[Delivery]:
    """Deliveries still to be brought to this account's household (for /my/)."""
    return (
        household_deliveries(account)
        .filter(status__in=Delivery.TO_DELIVER)
        .select_related("round")
        .order_by("created_at", "pk")
    )


def items_by_id(ids) -> dict[int, Item]:
    return {item.pk: item for item in Item.objects.filter(pk__in=[int(pk) for pk in ids])}


def describe_items(quantities: dict, items: dict[int, Item] | None = None) -> str:
    """「飲料水 2L 4本、アルファ米 2食」 for a delivery's planned or delivered quantities."""
    items = items if items is not None else items_by_id(quantities)
    return "、".join(
        f"{items[int(pk)].name} {quantity}{items[int(pk)].unit}"
        for pk, quantity in sorted(quantities.items(), key=lambda pair: int(pair[0]))
        if quantity and int(pk) in items
    )


PROGRESS_COLUMNS = (
    Delivery.Status.PENDING,
    Delivery.Status.OUT,
    Delivery.Status.NOT_HOME,
    Delivery.Status.DELIVERED,
    Delivery.Status.UNCONFIRMED,
    Delivery.Status.CONFIRMED,
    Delivery.Status.DISPUTED,
    Delivery.Status.RESOLVED,
    Delivery.Status.REFUSED,
    Delivery.Status.CANCELLED,
)
# Brought to the door, whatever the household said since.
DELIVERED_STATES = {
    Delivery.Status.DELIVERED,
    Delivery.Status.UNCONFIRMED,
    Delivery.Status.CONFIRMED,
    Delivery.Status.DISPUTED,
    Delivery.Status.RESOLVED,
}


def round_progress(round: DistributionRound, deliveries: QuerySet[Delivery]) -> dict:
    """Counts by status, in total and per area (the progress bar and the area table)."""
    rows = (
        deliveries.filter(round=round)
        .values("area_id", "area__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    total: Counter = Counter()
    areas: dict = defaultdict(lambda: {"name": "", "counts": Counter()})
    for row in rows:
        total[row["status"]] += row["n"]
        area = areas[row["area_id"]]
        area["name"] = row["area__name"] or ""
        area["counts"][row["status"]] += row["n"]
    count = sum(total.values())
    done = sum(total[status] for status in DELIVERED_STATES)
    return {
        "total": count,
        "counts": total,
        "done": done,
        "confirmed": total[Delivery.Status.CONFIRMED],
        "percent": round_percent(done, count),
        "confirmed_percent": round_percent(total[Delivery.Status.CONFIRMED], count),
        "areas": sorted(areas.values(), key=lambda area: area["name"]),
    }


def round_percent(part: int, whole: int) -> int:
    return int(100 * part / whole) if whole else 0


def open_supply_requests() -> QuerySet[SupplyRequest]:
    return (
        SupplyRequest.objects.filter(status=SupplyRequest.Status.OPEN)
        .select_related("shelter")
        .prefetch_related("lines__item")
        .order_by("created_at")
    )
