"""Supply deliveries from the dashboard: a round's list in walking order (no names or
addresses) and one household's detail for the door (names, phone, address; logged as a
view). The steps are in dashboard.api.delivery_steps. The page is told which buttons
apply (supplies.deliveries.delivery_actions) and never works that out itself."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.api.base import (
    CARE_LABELS,
    NEED_LABELS,
    DashboardApi,
    Problem,
    choice_field,
    directions_url,
    display_name,
    invalid,
    query_params,
    tel_link,
)
from lib.claims import has_lapsed
from lib.geo import distance_m, walking_order
from residents.models import DetailView
from residents.services import detail_view_log
from supplies.deliveries import (
    delivery_access_denied,
    delivery_actions,
)
from supplies.models import Delivery, DeliveryEvent
from supplies.selectors import (
    deliveries_visible_to,
    describe_items,
    items_by_id,
    nearest_first,
    rounds_visible_to,
)

User = get_user_model()
Status = Delivery.Status
# The list answers at most this many rows: the nearest ones, in walking order.
LIST_LIMIT = 200


def shown_status(delivery: Delivery, now: datetime.datetime) -> tuple[str, bool]:
    """The status a row shows: a hold whose time ran out is free again (the beat resets
    the row within a minute)."""
    lapsed = has_lapsed(delivery.status, delivery.claim_expires_at, claimed=Status.OUT, now=now)
    return (Status.PENDING if lapsed else delivery.status), lapsed


def delivery_row(delivery: Delivery, user, now: datetime.datetime, items: dict, start=None) -> dict:
    """One list row: what and how many, where on the map, no names or addresses."""
    shown, lapsed = shown_status(delivery, now)
    placed = start is not None and delivery.latitude is not None and delivery.longitude is not None
    return {
        "id": delivery.pk,
        "status": shown,
        "status_label": str(Status(shown).label),
        "area": delivery.area.name if delivery.area_id else "",
        "household_size": delivery.household_size,
        "items": describe_items(delivery.planned, items),
        "mine": delivery.claimed_by_id == user.pk and not lapsed,
        "batch": delivery.batch_id,
        "claim_expires_at": None if lapsed else delivery.claim_expires_at,
        "latitude": delivery.latitude,
        "longitude": delivery.longitude,
        "distance_m": (
            round(distance_m(*start, delivery.latitude, delivery.longitude)) if placed else None
        ),
        "actions": delivery_actions(delivery, user, now),
    }


def delivery_rows(deliveries: list[Delivery], user, now, start=None) -> list[dict]:
    items = items_by_id({pk for delivery in deliveries for pk in delivery.planned})
    return [delivery_row(delivery, user, now, items, start) for delivery in deliveries]


def directions_link(delivery: Delivery) -> str:
    return directions_url(delivery.latitude, delivery.longitude)


def household(delivery: Delivery, people: list) -> dict:
    """What the door needs (the detail panel, the printed sheet): address, phones, names,
    the report's needs and care, what to bring. Callers log the view."""
    report = delivery.report
    addresses = list(dict.fromkeys(p.display_address for p in people if p.display_address))
    contacts = [
        {
            "name": person.display_name,
            "kana": person.display_kana,
            "phone": person.phone,
            "tel": tel_link(person.phone),
        }
        for person in people
    ]
    items = items_by_id(set(delivery.planned) | set(delivery.delivered))
    return {
        "address": addresses[0] if addresses else report.address_text,
        "address_note": report.address_text if addresses else "",
        "people": contacts,
        "tel": next((c["tel"] for c in contacts if c["tel"]), ""),
        "need_labels": [str(NEED_LABELS[code]) for code in report.needs if code in NEED_LABELS],
        "needs_other": report.needs_other,
        "care_labels": [str(CARE_LABELS[code]) for code in report.care if code in CARE_LABELS],
        "note": report.note,
        "planned": describe_items(delivery.planned, items),
        "planned_items": [
            {
                "id": int(pk),
                "name": items[int(pk)].name,
                "unit": items[int(pk)].unit,
                "quantity": quantity,
            }
            for pk, quantity in sorted(delivery.planned.items(), key=lambda pair: int(pair[0]))
            if int(pk) in items
        ],
        "delivered": describe_items(delivery.delivered, items),
        "directions": directions_link(delivery),
    }


def _done_by(event: DeliveryEvent) -> str:
    """A responder by name, the household (from LINE or the web), or nobody (the beat)."""
    if event.by_user_id:
        return display_name(event.by_user)
    return _("本人") if event.by_account_id else ""


def _visible_delivery(user, pk: int, via: str) -> Delivery:
    """A delivery the user may see, or 404 (the attempt audited)."""
    delivery = (
        deliveries_visible_to(user)
        .select_related("round", "area", "claimed_by", "report")
        .filter(pk=pk)
        .first()
    )
    if delivery is None:
        delivery_access_denied(delivery_id=pk, by_user=user, via=via)
        raise Http404
    return delivery


# --- Schema pieces ---------------------------------------------------------------------------


class DeliveryRow(serializers.Serializer):
    """A list row (the schema's; delivery_row() builds it)."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(Status.choices)
    status_label = serializers.CharField()
    area = serializers.CharField()
    household_size = serializers.IntegerField()
    items = serializers.CharField(help_text="What to bring, e.g. 飲料水 2L 2本、アルファ米 3食")
    mine = serializers.BooleanField(help_text="The current user holds it.")
    batch = serializers.IntegerField(allow_null=True)
    claim_expires_at = serializers.DateTimeField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    distance_m = serializers.IntegerField(allow_null=True, help_text="From lat/lng when given.")
    actions = serializers.ListField(
        child=serializers.ChoiceField(
            ["take", "deliver", "not_home", "refuse", "release", "resolve"]
        ),
        help_text="What this user may do now.",
    )


DeliveryRowOut = DeliveryRow()
NOT_FOUND = OpenApiResponse(Problem, description="Not found, or outside the user's areas.")
ActionOut = inline_serializer(
    "DeliveryActionResult",
    {
        "message": serializers.CharField(),
        "server_time": serializers.DateTimeField(),
        "delivery": DeliveryRowOut,
    },
)
ACTION_RESPONSES = {
    200: ActionOut,
    400: Problem,
    403: Problem,
    404: NOT_FOUND,
    409: OpenApiResponse(
        Problem,
        description="Held by someone else (holder), or already done / not in a state for this.",
    ),
}


# --- The list ----------------------------------------------------------------------------------


class RoundField(serializers.IntegerField):
    def __init__(self, **kwargs) -> None:
        message = gettext_lazy("配布の指定が正しくありません。")
        super().__init__(
            min_value=1,
            max_value=2**31 - 1,
            error_messages={
                key: message
                for key in ("required", "invalid", "min_value", "max_value", "max_string_length")
            },
            **kwargs,
        )


def coordinate(limit: int, **kwargs) -> serializers.FloatField:
    message = gettext_lazy("位置（緯度・経度）が正しくありません。")
    return serializers.FloatField(
        min_value=-limit,
        max_value=limit,
        error_messages={
            key: message
            for key in ("invalid", "min_value", "max_value", "max_string_length", "null")
        },
        **kwargs,
    )


def _start(data: dict) -> tuple[float, float] | None:
    if ("lat" in data) != ("lng" in data):
        raise serializers.ValidationError({"lat": _("位置は緯度と経度の両方を指定してください。")})
    return (data["lat"], data["lng"]) if "lat" in data else None


class DeliveryListQuery(serializers.Serializer):
    round = RoundField()
    lat = coordinate(90, required=False, help_text="Walking order starts here (with lng).")
    lng = coordinate(180, required=False)
    mine = serializers.BooleanField(required=False, help_text="Only those the user holds.")
    status = choice_field(Status.choices, gettext_lazy("配達の状態の指定が正しくありません。"))
    area = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            key: gettext_lazy("地区の指定が正しくありません。")
            for key in ("invalid", "min_value", "max_value", "max_string_length")
        },
    )

    def validate(self, data: dict) -> dict:
        data["start"] = _start(data)
        return data


class DeliveryListApi(DashboardApi):
    @extend_schema(
        summary="A round's deliveries the user may see: nearest first in walking order, no names",
        operation_id="deliveries_list",
        parameters=[DeliveryListQuery],
        responses={
            200: inline_serializer(
                "DeliveryList",
                {
                    "results": DeliveryRow(many=True),
                    "total": serializers.IntegerField(help_text="Matching deliveries."),
                    "limit": serializers.IntegerField(),
                    "server_time": serializers.DateTimeField(),
                },
            ),
            400: Problem,
            403: Problem,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request) -> Response:
        query = DeliveryListQuery(data=query_params(request))
        if not query.is_valid():
            return invalid(query)
        data, user = query.validated_data, request.user
        round = rounds_visible_to(user).filter(pk=data["round"]).first()
        if round is None:
            raise Http404
        deliveries = deliveries_visible_to(user).filter(round=round)
        if data.get("mine"):
            deliveries = deliveries.filter(claimed_by=user)
        if data.get("status"):
            deliveries = deliveries.filter(status=data["status"])
        if data.get("area"):
            deliveries = deliveries.filter(area_id=data["area"])
        start = data["start"]
        ordered = nearest_first(deliveries, start) if start else deliveries.order_by("pk")
        page = list(ordered.select_related("round", "area")[:LIST_LIMIT])
        if start:
            # Nearest-neighbour walking order is O(n²): only ever over one page.
            by_id = {delivery.pk: delivery for delivery in page}
            route = walking_order([(d.pk, d.latitude, d.longitude) for d in page], start)
            page = [by_id[pk] for pk in route]
        now = timezone.now()
        return Response(
            {
                "results": delivery_rows(page, user, now, start),
                "total": deliveries.count(),
                "limit": LIST_LIMIT,
                "server_time": now,
            }
        )


# --- Detail ------------------------------------------------------------------------------------

PersonOut = inline_serializer(
    "DeliveryPerson",
    {
        "name": serializers.CharField(),
        "kana": serializers.CharField(),
        "phone": serializers.CharField(),
        "tel": serializers.CharField(help_text="tel: link, empty without a number"),
    },
    many=True,
)
EventOut = inline_serializer(
    "DeliveryHistoryEntry",
    {
        "kind": serializers.ChoiceField(DeliveryEvent.Kind.choices),
        "kind_label": serializers.CharField(),
        "at": serializers.DateTimeField(),
        "by": serializers.CharField(),
        "to": serializers.CharField(),
        "note": serializers.CharField(),
    },
    many=True,
)
PlannedItemOut = inline_serializer(
    "DeliveryPlannedItem",
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "unit": serializers.CharField(),
        "quantity": serializers.IntegerField(),
    },
    many=True,
)


class DeliveryDetailApi(DashboardApi):
    @extend_schema(
        summary="One household's delivery for the door (names, phone, address); logged as a view",
        responses={
            200: inline_serializer(
                "DeliveryDetail",
                {
                    "id": serializers.IntegerField(),
                    "round": serializers.CharField(),
                    "status": serializers.ChoiceField(Status.choices),
                    "status_label": serializers.CharField(),
                    "area": serializers.CharField(),
                    "household_size": serializers.IntegerField(),
                    "address": serializers.CharField(),
                    "address_note": serializers.CharField(help_text="住所・目印 of the report"),
                    "people": PersonOut,
                    "tel": serializers.CharField(),
                    "need_labels": serializers.ListField(child=serializers.CharField()),
                    "needs_other": serializers.CharField(),
                    "care_labels": serializers.ListField(child=serializers.CharField()),
                    "note": serializers.CharField(),
                    "planned": serializers.CharField(),
                    "planned_items": PlannedItemOut,
                    "delivered": serializers.CharField(),
                    "directions": serializers.CharField(),
                    "latitude": serializers.FloatField(allow_null=True),
                    "longitude": serializers.FloatField(allow_null=True),
                    "holder": serializers.CharField(allow_null=True),
                    "mine": serializers.BooleanField(),
                    "batch": serializers.IntegerField(allow_null=True),
                    "claim_expires_at": serializers.DateTimeField(allow_null=True),
                    "dispute_note": serializers.CharField(),
                    "events": EventOut,
                    "actions": serializers.ListField(child=serializers.CharField()),
                    "server_time": serializers.DateTimeField(),
                },
            ),
            403: Problem,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        delivery = _visible_delivery(request.user, pk, via="api:detail")
        people = list(delivery.report.people.select_related("registry_person"))
        # Who saw whom, when: before the answer leaves, in the same request.
        detail_view_log(user=request.user, residents=people, context=DetailView.Context.DASHBOARD)
        now = timezone.now()
        shown, lapsed = shown_status(delivery, now)
        events = delivery.events.exclude(kind=DeliveryEvent.Kind.DENIED).select_related(
            "by_user", "to_user"
        )
        return Response(
            {
                "id": delivery.pk,
                "round": delivery.round.name,
                "status": shown,
                "status_label": str(Status(shown).label),
                "area": delivery.area.name if delivery.area_id else "",
                "household_size": delivery.household_size,
                **household(delivery, people),
                "latitude": delivery.latitude,
                "longitude": delivery.longitude,
                "holder": (
                    display_name(delivery.claimed_by)
                    if delivery.claimed_by_id and shown == Status.OUT
                    else None
                ),
                "mine": delivery.claimed_by_id == request.user.pk and not lapsed,
                "batch": delivery.batch_id,
                "claim_expires_at": None if lapsed else delivery.claim_expires_at,
                "dispute_note": delivery.dispute_note,
                "events": [
                    {
                        "kind": event.kind,
                        "kind_label": event.get_kind_display(),
                        "at": event.created_at,
                        "by": _done_by(event),
                        "to": display_name(event.to_user) if event.to_user_id else "",
                        "note": event.note,
                    }
                    for event in events
                ],
                "actions": delivery_actions(delivery, request.user, now),
                "server_time": now,
            }
        )


# --- Taking a batch ----------------------------------------------------------------------------
