"""The map layers: a viewport's out-of-shelter evacuees and pickup requests, as points
(no names) or, when a viewport holds too many, as clusters counted in the database."""

from __future__ import annotations

import math

from django.conf import settings
from django.db.models import Case, F, IntegerField, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.api.base import (
    DashboardApi,
    FilterQuery,
    Problem,
    choice_field,
    filter_layer,
    invalid,
    query_params,
    reports_for,
    with_etag,
)
from evacuation.models import PickupRequest
from evacuation.selectors import pickups_visible_to
from lib.map_layers import CLUSTER_CELL_PX, map_layer
from supplies.models import Delivery, DistributionRound
from supplies.selectors import deliveries_visible_to

# A viewport wider or taller than this many pixels at its zoom is not a screen.
MAX_VIEWPORT_PX = 4096
# Clusters are cells of CLUSTER_CELL_PX; a viewport holds at most this many a side
# (a bigger one is clustered one zoom out), which bounds a cluster answer's size.
MAX_GRID_CELLS = 48
PICKUP_URGENCY_RANK = {
    PickupRequest.Urgency.NOW: 3,
    PickupRequest.Urgency.TODAY: 2,
    PickupRequest.Urgency.WHENEVER: 1,
}


class ViewportQuery(FilterQuery):
    bbox = serializers.CharField(
        max_length=200,
        help_text="west,south,east,north in degrees (WGS 84)",
        error_messages={
            "required": gettext_lazy("表示範囲（bbox）を指定してください。"),
            "max_length": gettext_lazy("表示範囲（bbox）が正しくありません。"),
        },
    )
    zoom = serializers.IntegerField(
        min_value=0,
        max_value=22,
        error_messages={
            key: gettext_lazy("ズームは 0〜22 の整数で指定してください。")
            for key in ("required", "invalid", "min_value", "max_value", "max_string_length")
        },
    )

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        wrong = _("表示範囲（bbox）は「西,南,東,北」の経度・緯度で指定してください。")
        try:
            west, south, east, north = (float(part) for part in value.split(","))
        except ValueError:
            raise serializers.ValidationError(wrong) from None
        if not all(math.isfinite(v) for v in (west, south, east, north)):
            raise serializers.ValidationError(wrong)
        if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
            raise serializers.ValidationError(wrong)
        return west, south, east, north

    def validate(self, data: dict) -> dict:
        west, south, east, north = data["bbox"]
        px_per_degree = 256 * 2 ** data["zoom"] / 360
        if max(east - west, north - south) * px_per_degree > MAX_VIEWPORT_PX:
            raise serializers.ValidationError(
                {"bbox": _("表示範囲が広すぎます。地図を拡大してからお試しください。")}
            )
        return data


def cluster_zoom(bbox: tuple[float, float, float, float], zoom: int) -> int:
    """The zoom whose cluster grid has at most MAX_GRID_CELLS cells a side here."""
    west, south, east, north = bbox
    span = max(east - west, north - south)
    while zoom > 0 and span / (360 / 2**zoom * CLUSTER_CELL_PX / 256) > MAX_GRID_CELLS:
        zoom -= 1
    return zoom


class PickupLayerQuery(ViewportQuery):
    state = None  # a pickup has a status of its own
    status = choice_field(
        PickupRequest.Status.choices, gettext_lazy("送迎の状態の指定が正しくありません。")
    )


LayerOut = inline_serializer(
    "MapLayer",
    {
        "kind": serializers.ChoiceField(["points", "clusters"]),
        "truncated": serializers.BooleanField(
            required=False,
            help_text="At the closest zoom: more points than sent (the most urgent are sent).",
        ),
        "points": serializers.ListField(
            child=serializers.DictField(), required=False, help_text="No names, ever."
        ),
        "clusters": inline_serializer(
            "MapCluster",
            {
                "lat": serializers.FloatField(),
                "lng": serializers.FloatField(),
                "count": serializers.IntegerField(),
                "top": serializers.IntegerField(help_text="The most urgent rank in the cell."),
            },
            many=True,
            required=False,
        ),
    },
)
EVACUEE_POINT_FIELDS = (
    "id",
    "latitude",
    "longitude",
    "urgency",
    "needs",
    "care",
    "verified",
    "updated_at",
)
PICKUP_POINT_FIELDS = (
    "id",
    "report_id",
    "verified",
    "latitude",
    "longitude",
    "status",
    "urgency",
    "claim_expires_at",
)


def _rounded(layer: dict) -> dict:
    """Five decimals (about a metre) is all a marker needs, and a third of the bytes."""
    for point in layer.get("points", ()):
        point["latitude"] = round(point["latitude"], 5)
        point["longitude"] = round(point["longitude"], 5)
    return layer


class EvacueeLayerApi(DashboardApi):
    @extend_schema(
        summary="Out-of-shelter evacuees in a viewport: points, or clusters when too many",
        parameters=[ViewportQuery],
        responses={200: LayerOut, 304: None, 400: Problem, 403: Problem},
    )
    def get(self, request: Request) -> Response:
        query = ViewportQuery(data=query_params(request))
        if not query.is_valid():
            return invalid(query)
        bbox, zoom = query.validated_data["bbox"], query.validated_data["zoom"]
        layer = map_layer(
            reports_for(request.user, query),
            bbox=bbox,
            zoom=cluster_zoom(bbox, zoom),
            fields=EVACUEE_POINT_FIELDS,
            rank="urgency",
            points_only=zoom >= settings.LEAFLET_CONFIG["MAX_ZOOM"],
        )
        return with_etag(request, _rounded(layer))


class PickupLayerApi(DashboardApi):
    @extend_schema(
        summary="Pickup requests in a viewport (in progress unless a status is asked for)",
        parameters=[PickupLayerQuery],
        responses={200: LayerOut, 304: None, 400: Problem, 403: Problem},
    )
    def get(self, request: Request) -> Response:
        query = PickupLayerQuery(data=query_params(request))
        if not query.is_valid():
            return invalid(query)
        data = query.validated_data
        pickups = pickups_visible_to(request.user)
        if data.get("status"):
            pickups = pickups.filter(status=data["status"])
        else:
            pickups = pickups.filter(status__in=PickupRequest.OPEN)
        # Clusters are coloured by their most urgent request: rank the urgency in numbers.
        pickups = filter_layer(pickups, query.filters(), report_prefix="report__").annotate(
            verified=F("report__verified"),
            rank=Case(
                *(When(urgency=code, then=Value(n)) for code, n in PICKUP_URGENCY_RANK.items()),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        layer = map_layer(
            pickups,
            bbox=data["bbox"],
            zoom=cluster_zoom(data["bbox"], data["zoom"]),
            fields=PICKUP_POINT_FIELDS,
            rank="rank",
        )
        return with_etag(request, _rounded(layer))


# A delivery cluster is coloured by its most pressing state: what still needs a
# volunteer or a look (disputed, not home, to deliver) above what is done.
DELIVERY_RANK = {
    Delivery.Status.DISPUTED: 6,
    Delivery.Status.NOT_HOME: 5,
    Delivery.Status.PENDING: 4,
    Delivery.Status.OUT: 3,
    Delivery.Status.UNCONFIRMED: 2,
    Delivery.Status.DELIVERED: 2,
    Delivery.Status.CONFIRMED: 1,
    Delivery.Status.RESOLVED: 1,
    Delivery.Status.REFUSED: 0,
    Delivery.Status.CANCELLED: 0,
}
DELIVERY_POINT_FIELDS = ("id", "latitude", "longitude", "status", "rank", "household_size")


class DeliveryLayerQuery(ViewportQuery):
    state = None
    need = None
    care = None
    updated_since = None
    round = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            key: gettext_lazy("配布ラウンドの指定が正しくありません。")
            for key in ("required", "invalid", "min_value", "max_value", "max_string_length")
        },
    )
    status = choice_field(
        Delivery.Status.choices, gettext_lazy("配達の状態の指定が正しくありません。")
    )

    def validate_round(self, value: int) -> int:
        if not DistributionRound.objects.filter(pk=value).exists():
            raise serializers.ValidationError(_("配布ラウンドが見つかりません。"))
        return value


class DeliveryLayerApi(DashboardApi):
    @extend_schema(
        summary="A round's supply deliveries in a viewport: points, or clusters when too many",
        parameters=[DeliveryLayerQuery],
        responses={200: LayerOut, 304: None, 400: Problem, 403: Problem},
    )
    def get(self, request: Request) -> Response:
        query = DeliveryLayerQuery(data=query_params(request))
        if not query.is_valid():
            return invalid(query)
        data = query.validated_data
        deliveries = deliveries_visible_to(request.user).filter(round_id=data["round"])
        if data.get("area"):
            deliveries = deliveries.filter(area_id=data["area"])
        if data.get("status"):
            deliveries = deliveries.filter(status=data["status"])
        deliveries = deliveries.annotate(
            rank=Case(
                *(When(status=code, then=Value(n)) for code, n in DELIVERY_RANK.items()),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        layer = map_layer(
            deliveries,
            bbox=data["bbox"],
            zoom=cluster_zoom(data["bbox"], data["zoom"]),
            fields=DELIVERY_POINT_FIELDS,
            rank="rank",
            points_only=data["zoom"] >= settings.LEAFLET_CONFIG["MAX_ZOOM"],
        )
        return with_etag(request, _rounded(layer))
