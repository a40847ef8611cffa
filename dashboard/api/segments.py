"""The composer's segment tools for city staff: the conditions there are (with their
values), and the live count of a segment as it is built (reachable on LINE, blocked,
web-only). The rules are messaging.segments'; this only asks and answers."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.api.base import DashboardApi, Problem, problem
from lib.roles import is_city_staff
from messaging.segments import InvalidSegment, conditions, segment_count


class IsCityStaff(BasePermission):
    message = gettext_lazy("配信の対象を作れるのは市の職員だけです。")

    def has_permission(self, request, view) -> bool:
        return is_city_staff(request.user)


class SegmentApi(DashboardApi):
    permission_classes = [IsCityStaff]


ConditionOut = inline_serializer(
    "SegmentCondition",
    {
        "key": serializers.CharField(),
        "label": serializers.CharField(),
        "takes_value": serializers.BooleanField(),
        "any_value": serializers.BooleanField(),
        "choices": serializers.ListField(
            child=serializers.ListField(child=serializers.CharField())
        ),
    },
    many=True,
)


class SegmentConditionsApi(SegmentApi):
    @extend_schema(
        summary="Staff: the conditions a segment can use, with the values each takes",
        responses={200: ConditionOut, 403: Problem},
    )
    def get(self, request: Request) -> Response:
        return Response(
            [
                {
                    "key": condition.key,
                    "label": str(condition.label),
                    "takes_value": condition.choices is not None,
                    "any_value": condition.any_value,
                    "choices": [list(pair) for pair in condition.choices()]
                    if condition.choices is not None
                    else [],
                }
                for condition in conditions()
            ]
        )


class SegmentIn(serializers.Serializer):
    segment = serializers.JSONField(
        help_text='e.g. {"all": [{"if": "off_shelter", "value": "3"}, {"if": "mobility", '
        '"value": "wheelchair"}]}'
    )


CountOut = inline_serializer(
    "SegmentCount",
    {
        "reachable": serializers.IntegerField(help_text="On LINE and following: messaged."),
        "blocked": serializers.IntegerField(help_text="On LINE, blocked or unfollowed: never."),
        "web_only": serializers.IntegerField(help_text="No LINE: a call or a visit."),
        "total": serializers.IntegerField(),
    },
)


class SegmentCountApi(SegmentApi):
    @extend_schema(
        summary="Staff: the live count of a segment while it is built",
        request=SegmentIn,
        responses={200: CountOut, 400: Problem, 403: Problem},
    )
    def post(self, request: Request) -> Response:
        if not isinstance(request.data, dict) or "segment" not in request.data:
            return problem("invalid_segment", _("配信の対象（segment）を指定してください。"))
        try:
            count = segment_count(request.data["segment"])
        except InvalidSegment as refused:
            return problem("invalid_segment", refused.message)
        return Response(
            {
                "reachable": count.reachable,
                "blocked": count.blocked,
                "web_only": count.web_only,
                "total": count.total,
            }
        )
