"""Shelter supply requests (避難所からの物資要請): a shelter asks for items, HQ fulfils the
request with a transfer in the ledger from a depot into the shelter's own store."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from shelters.models import Shelter
from supplies.ledger import stock_transfer
from supplies.models import Depot, Item, SupplyRequest, SupplyRequestLine

# A request lists at most this many different items (one screen of the form).
MAX_LINES = 20


class RequestClosed(Exception):
    """The request was fulfilled or cancelled already."""


def shelter_depot(shelter: Shelter) -> Depot:
    """The shelter's own store, created on its first transfer."""
    depot, _created = Depot.objects.get_or_create(
        shelter=shelter,
        defaults={
            "name": f"{shelter.name}（備蓄）"[:100],
            "address": shelter.address,
            "latitude": shelter.latitude,
            "longitude": shelter.longitude,
        },
    )
    return depot


@transaction.atomic
def supply_request_create(
    *,
    shelter: Shelter,
    quantities: dict[Item, int],
    by_user: AbstractBaseUser | None,
    note: str = "",
) -> SupplyRequest:
    wanted = {item: quantity for item, quantity in quantities.items() if quantity > 0}
    if not wanted or len(wanted) > MAX_LINES:
        raise ValueError("a request lists 1 to 20 items")
    request = SupplyRequest.objects.create(shelter=shelter, requested_by=by_user, note=note.strip())
    lines = [
        SupplyRequestLine(request=request, item=item, quantity=q) for item, q in wanted.items()
    ]
    for line in lines:
        line.full_clean(exclude=["request"])
    SupplyRequestLine.objects.bulk_create(lines)
    return request


def _lock_open(request: SupplyRequest) -> SupplyRequest:
    request = SupplyRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SupplyRequest.Status.OPEN:
        raise RequestClosed
    return request


@transaction.atomic
def supply_request_fulfil(
    *, request: SupplyRequest, from_depot: Depot, by_user: AbstractBaseUser | None
) -> SupplyRequest:
    """Send everything asked for from ``from_depot`` to the shelter's store (all or
    nothing: NotEnoughStock says what is short). A second press finds it fulfilled."""
    request = _lock_open(request)
    quantities = {line.item: line.quantity for line in request.lines.select_related("item")}
    stock_transfer(
        from_depot=from_depot,
        to_depot=shelter_depot(request.shelter),
        quantities=quantities,
        by_user=by_user,
        reason=f"避難所からの要請 #{request.pk}",
        supply_request=request,
    )
    request.status = SupplyRequest.Status.FULFILLED
    request.from_depot = from_depot
    request.fulfilled_by = by_user
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "from_depot", "fulfilled_by", "closed_at"])
    return request


@transaction.atomic
def supply_request_cancel(
    *, request: SupplyRequest, by_user: AbstractBaseUser | None
) -> SupplyRequest:
    request = _lock_open(request)
    request.status = SupplyRequest.Status.CANCELLED
    request.fulfilled_by = by_user
    request.closed_at = timezone.now()
    request.save(update_fields=["status", "fulfilled_by", "closed_at"])
    return request
