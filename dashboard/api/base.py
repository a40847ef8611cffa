"""Shared by the dashboard API's views: who may call it, polite problems, the filters."""

from __future__ import annotations

import hashlib
import re

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard.permissions import can_see_evacuees
from evacuation.models import Need, OffShelterReport, PickupRequest
from evacuation.selectors import LayerFilters, filter_layer, reports_visible_to
from residents.models import CareConsideration

# No state: a report without a pickup in progress (the filter's "依頼なし").
NO_PICKUP = "none"
NEED_LABELS = dict(Need.choices)
CARE_LABELS = dict(CareConsideration.choices)
# Turn-by-turn directions on a phone (Google Maps opens its app, or the web page).
DIRECTIONS_URL = "https://www.google.com/maps/dir/?api=1&destination={lat},{lng}"


class CanSeeEvacuees(BasePermission):
    message = gettext_lazy("避難者の情報を見る権限がありません。")

    def has_permission(self, request, view) -> bool:
        return can_see_evacuees(request.user)


class DashboardApi(APIView):
    """Base of every dashboard API view: for staff and volunteers only, and every
    refusal in the same polite shape as the other problems ({"code", "message"})."""

    permission_classes = [CanSeeEvacuees]

    def handle_exception(self, exc: Exception) -> Response:
        response = super().handle_exception(exc)
        if isinstance(exc, Http404):
            # The same words for "outside your areas" and "does not exist".
            response.data = {
                "code": "not_found",
                "message": _("見つかりません。担当地区の外か、すでに終わっています。"),
            }
        elif isinstance(exc, NotAuthenticated | PermissionDenied):
            response.data = {"code": "forbidden", "message": str(exc.detail)}
        return response


def problem(code: str, message: str, http_status: int = status.HTTP_400_BAD_REQUEST, **extra):
    return Response({"code": code, "message": message, **extra}, status=http_status)


def invalid(serializer: serializers.Serializer) -> Response:
    """The first problem with the input, as one polite sentence."""
    field, errors = next(iter(serializer.errors.items()))
    message = errors[0] if isinstance(errors, list) else str(errors)
    return problem(f"invalid_{field}", str(message))


def query_params(request: Request) -> dict[str, str]:
    """Query parameters without the empty ones a filter form sends ("all areas" …)."""
    return {key: value for key, value in request.query_params.items() if value.strip()}


def display_name(user) -> str:
    """A responder's name as Japanese writes it, family name first (get_full_name()
    would say "一郎 甲野")."""
    if user is None:
        return ""
    return " ".join(part for part in (user.last_name, user.first_name) if part) or (
        user.get_username()
    )


def tel_link(phone: str) -> str:
    """A phone number as a link a phone dials at a tap ("" when there is none)."""
    digits = re.sub(r"[^0-9+]", "", phone or "")
    return f"tel:{digits}" if digits else ""


def directions_url(latitude: float | None, longitude: float | None) -> str:
    """Directions from where the phone is to this point ("" without a point)."""
    if latitude is None or longitude is None:
        return ""
    return DIRECTIONS_URL.format(lat=latitude, lng=longitude)


def with_etag(request: Request, body: dict) -> Response:
    """An unchanged answer costs the polling page one small 304."""
    etag = f'"{hashlib.sha256(repr(body).encode()).hexdigest()[:32]}"'
    if request.headers.get("If-None-Match") == etag:
        return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
    return Response(body, headers={"ETag": etag})


def choice_field(choices, message: str) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices, required=False, error_messages={"invalid_choice": message}
    )


class FilterQuery(serializers.Serializer):
    """The filters the page's form sends to every layer and the list."""

    area = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            key: gettext_lazy("地区の指定が正しくありません。")
            for key in ("invalid", "min_value", "max_value", "max_string_length")
        },
    )
    need = choice_field(Need.choices, gettext_lazy("支援ニーズの指定が正しくありません。"))
    care = choice_field(
        CareConsideration.choices, gettext_lazy("配慮事項の指定が正しくありません。")
    )
    state = choice_field(
        [(NO_PICKUP, gettext_lazy("依頼なし")), *PickupRequest.Status.choices],
        gettext_lazy("送迎の状態の指定が正しくありません。"),
    )
    updated_since = serializers.DateTimeField(
        required=False,
        error_messages={
            "invalid": gettext_lazy("更新日時が読み取れません（例: 2025-09-28T10:00:00+09:00）。")
        },
    )

    def filters(self) -> LayerFilters:
        data = self.validated_data
        return LayerFilters(
            area=data.get("area"),
            need=data.get("need"),
            care=data.get("care"),
            updated_since=data.get("updated_since"),
        )


def reports_for(user, query: FilterQuery) -> QuerySet[OffShelterReport]:
    """Active reports the user may see, filtered as the page asks."""
    reports = filter_layer(reports_visible_to(user), query.filters())
    state = query.validated_data.get("state")
    if state == NO_PICKUP:
        reports = reports.exclude(
            Exists(
                PickupRequest.objects.filter(report=OuterRef("pk"), status__in=PickupRequest.OPEN)
            )
        )
    elif state:
        reports = reports.filter(
            Exists(PickupRequest.objects.filter(report=OuterRef("pk"), status=state))
        )
    return reports


Problem = inline_serializer(
    "DashboardProblem", {"code": serializers.CharField(), "message": serializers.CharField()}
)
