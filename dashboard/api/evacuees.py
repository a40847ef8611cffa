"""The evacuee list beside the map (no names; with a cursor, only what changed) and one
evacuee's detail (names, phone, notes, the pickup), which is logged as a view."""

from __future__ import annotations

import datetime

from django.db.models import Count, Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response

from areas.selectors import areas_visible_to
from dashboard.api.base import (
    CARE_LABELS,
    NEED_LABELS,
    DashboardApi,
    FilterQuery,
    Problem,
    directions_url,
    invalid,
    query_params,
    reports_for,
    tel_link,
)
from dashboard.api.pickups import PickupOut, PickupStateOut, pickup_data, pickup_state
from evacuation.models import OffShelterReport, PickupRequest
from evacuation.moderation import account_suspend, report_dismiss
from evacuation.selectors import reports_visible_to
from evacuation.services import NotAllowed
from lib.roles import is_city_staff
from residents.models import DetailView
from residents.services import detail_view_log

# The list answers at most this many rows, most urgent first.
LIST_LIMIT = 200
# A change since the cursor is looked for from a little before it: a row saved just
# before the previous answer but committed just after it (a slow transaction, another
# server's clock) still arrives. The page drops the repeats by id.
CURSOR_OVERLAP = datetime.timedelta(seconds=10)
# More changes than this since a cursor (city-wide): send the whole list again instead.
CHANGED_LIMIT = 1000


class ListQuery(FilterQuery):
    since = serializers.DateTimeField(
        required=False,
        help_text="The cursor of the previous answer: only what changed since then.",
        error_messages={"invalid": gettext_lazy("更新の基準（since）が正しくありません。")},
    )


# --- The list ----------------------------------------------------------------------------------


def _rows(reports: list[OffShelterReport], user, now: datetime.datetime) -> list[dict]:
    """List rows for one page of reports: the people counted, the open pickup and the
    last pickup change looked up for these rows only (never grouped over the city)."""
    ids = [report.pk for report in reports]
    through = OffShelterReport.people.through.objects.filter(offshelterreport_id__in=ids)
    registered = dict(
        through.values("offshelterreport_id")
        .annotate(n=Count("pk"))
        .values_list("offshelterreport_id", "n")
    )
    pickups = PickupRequest.objects.filter(report_id__in=ids)
    last_change = dict(
        pickups.values("report_id")
        .annotate(last=Max("updated_at"))
        .values_list("report_id", "last")
    )
    open_pickups = {
        pickup.report_id: pickup for pickup in pickups.filter(status__in=PickupRequest.OPEN)
    }
    rows = []
    for report in reports:
        pickup = open_pickups.get(report.pk)
        rows.append(
            {
                "id": report.pk,
                "urgency": report.urgency,
                "place": report.place,
                "place_label": report.get_place_display(),
                "area": report.area.name if report.area else "",
                "needs": report.needs,
                "need_labels": [str(NEED_LABELS[code]) for code in report.needs],
                "care": report.care,
                "care_labels": [str(CARE_LABELS[code]) for code in report.care],
                "people": registered.get(report.pk, 0) + report.others_count,
                "verified": report.verified,
                "latitude": report.latitude,
                "longitude": report.longitude,
                "pickup": pickup_state(pickup, user, now),
                "created_at": report.created_at,
                # The report or its pickup (claimed, picked up, ended …), whichever is later.
                "updated_at": max(report.updated_at, last_change.get(report.pk, report.updated_at)),
            }
        )
    return rows


def _cursor(when: datetime.datetime) -> str:
    return when.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


ListRowOut = inline_serializer(
    "EvacueeRow",
    {
        "id": serializers.IntegerField(),
        "removed": serializers.BooleanField(
            required=False, help_text="Only with since: drop this row (ended or out of view)."
        ),
        "urgency": serializers.IntegerField(required=False),
        "place": serializers.CharField(required=False),
        "place_label": serializers.CharField(required=False),
        "area": serializers.CharField(required=False),
        "needs": serializers.ListField(child=serializers.CharField(), required=False),
        "need_labels": serializers.ListField(child=serializers.CharField(), required=False),
        "care": serializers.ListField(child=serializers.CharField(), required=False),
        "care_labels": serializers.ListField(child=serializers.CharField(), required=False),
        "people": serializers.IntegerField(required=False),
        "latitude": serializers.FloatField(allow_null=True, required=False),
        "longitude": serializers.FloatField(allow_null=True, required=False),
        "pickup": PickupStateOut,
        "created_at": serializers.DateTimeField(required=False),
        "updated_at": serializers.DateTimeField(required=False),
    },
    many=True,
)


def _changed_since(since: datetime.datetime) -> set[int] | None:
    """Reports that changed since the cursor, or whose pickup did: two index lookups,
    city-wide (only candidates: the caller keeps what the user may see). None when so
    much changed that the whole list is the smaller answer."""
    reports = OffShelterReport.objects.filter(updated_at__gte=since).values_list("pk", flat=True)
    pickups = PickupRequest.objects.filter(updated_at__gte=since).values_list(
        "report_id", flat=True
    )
    reports, pickups = list(reports[: CHANGED_LIMIT + 1]), list(pickups[: CHANGED_LIMIT + 1])
    if len(reports) > CHANGED_LIMIT or len(pickups) > CHANGED_LIMIT:
        return None
    return set(reports) | set(pickups)


def _removed(user, changed: set[int], still_listed: set[int]) -> list[int]:
    """Changed reports in the user's own areas that are not in the list any more (ended,
    or not matching the filters now). Other areas' ids are never mentioned. (A report
    that moved to another area drops out at the page's next full reload.)"""
    scope = OffShelterReport.objects.exclude(status=OffShelterReport.Status.DRAFT)
    if not is_city_staff(user):
        scope = scope.filter(area__in=areas_visible_to(user))
    gone = scope.filter(pk__in=changed - still_listed).values_list("pk", flat=True)
    return sorted(gone)


class EvacueeListApi(DashboardApi):
    @extend_schema(
        summary="The evacuee list: most urgent first, no names; with since, only changes",
        operation_id="evacuees_list",
        parameters=[ListQuery],
        responses={
            200: inline_serializer(
                "EvacueeList",
                {
                    "results": ListRowOut,
                    "full": serializers.BooleanField(
                        help_text="The whole list (replace yours); false: changes to merge."
                    ),
                    "total": serializers.IntegerField(
                        allow_null=True, help_text="Matching reports (with full only)."
                    ),
                    "limit": serializers.IntegerField(),
                    "cursor": serializers.CharField(help_text="Send as since next time."),
                    "server_time": serializers.DateTimeField(),
                },
            ),
            400: Problem,
            403: Problem,
        },
    )
    def get(self, request: Request) -> Response:
        query = ListQuery(data=query_params(request))
        if not query.is_valid():
            return invalid(query)
        user, now = request.user, timezone.now()
        reports = reports_for(user, query).select_related("area")
        ordered = reports.order_by("-urgency", "created_at", "pk")  # the longest waiting first
        body = {"limit": LIST_LIMIT, "cursor": _cursor(now - CURSOR_OVERLAP), "server_time": now}
        since = query.validated_data.get("since")
        changed = _changed_since(since) if since is not None else None
        if changed is not None:
            listed = list(ordered.filter(pk__in=changed)[: LIST_LIMIT + 1])
            if len(listed) <= LIST_LIMIT:
                removed = _removed(user, changed, {report.pk for report in listed})
                results = _rows(listed, user, now) + [{"id": pk, "removed": True} for pk in removed]
                return Response({"results": results, "full": False, "total": None, **body})
        # First load, or too much changed to merge: the whole list again.
        results = _rows(list(ordered[:LIST_LIMIT]), user, now)
        return Response({"results": results, "full": True, "total": reports.count(), **body})


# --- Detail ------------------------------------------------------------------------------------


def _report_pickup(report: OffShelterReport) -> PickupRequest | None:
    """The pickup in progress, else the latest one (its history says how it ended)."""
    pickups = report.pickups.select_related("claimed_by", "destination")
    return (
        pickups.filter(status__in=PickupRequest.OPEN).first()
        or pickups.order_by("-created_at", "-pk").first()
    )


PersonOut = inline_serializer(
    "EvacueePerson",
    {
        "name": serializers.CharField(),
        "kana": serializers.CharField(),
        "phone": serializers.CharField(),
        "tel": serializers.CharField(help_text="The phone as a tel: link (empty without one)."),
        "verified": serializers.BooleanField(help_text="Matched to the resident registry."),
        "care_labels": serializers.ListField(child=serializers.CharField()),
    },
    many=True,
)


def report_actions(user) -> list[str]:
    """What the detail offers: a volunteer of the area closes a prank or a duplicate;
    staff can also stop the identity behind it."""
    return ["dismiss", "suspend"] if is_city_staff(user) else ["dismiss"]


class EvacueeDetailApi(DashboardApi):
    @extend_schema(
        summary="One report in full (names, phone, notes, pickup history); logged as a view",
        responses={
            200: inline_serializer(
                "EvacueeDetail",
                {
                    "id": serializers.IntegerField(),
                    "urgency": serializers.IntegerField(),
                    "place_label": serializers.CharField(),
                    "place_note": serializers.CharField(),
                    "address_text": serializers.CharField(),
                    "latitude": serializers.FloatField(allow_null=True),
                    "longitude": serializers.FloatField(allow_null=True),
                    "accuracy_m": serializers.IntegerField(allow_null=True),
                    "location_source_label": serializers.CharField(),
                    "directions": serializers.CharField(
                        help_text="A maps link with directions to the point (empty without one)."
                    ),
                    "area": serializers.CharField(),
                    "people": PersonOut,
                    "others_count": serializers.IntegerField(),
                    "household": serializers.IntegerField(help_text="Everyone in the report."),
                    "need_labels": serializers.ListField(child=serializers.CharField()),
                    "needs_other": serializers.CharField(),
                    "care_labels": serializers.ListField(child=serializers.CharField()),
                    "note": serializers.CharField(),
                    "proxy": serializers.BooleanField(help_text="Entered by a responder."),
                    "verified": serializers.BooleanField(
                        help_text="Someone in it is matched to the resident registry."
                    ),
                    "actions": serializers.ListField(
                        child=serializers.CharField(),
                        help_text="What this user may do: dismiss (いたずら・重複), suspend.",
                    ),
                    "created_at": serializers.DateTimeField(),
                    "updated_at": serializers.DateTimeField(),
                    "changed_at": serializers.DateTimeField(),
                    "pickup": PickupOut,
                    "server_time": serializers.DateTimeField(),
                },
            ),
            403: Problem,
            404: OpenApiResponse(
                Problem, description="Not found, ended, or outside the user's areas."
            ),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        report = (
            reports_visible_to(request.user)
            .select_related("area")
            .prefetch_related("people__registry_person")
            .filter(pk=pk)
            .first()
        )
        if report is None:
            raise Http404
        people = list(report.people.all())
        # Who saw whom, when: before the answer leaves, in the same request.
        detail_view_log(user=request.user, residents=people, context=DetailView.Context.DASHBOARD)
        now = timezone.now()
        return Response(
            {
                "id": report.pk,
                "urgency": report.urgency,
                "place_label": report.get_place_display(),
                "place_note": report.place_note,
                "address_text": report.address_text,
                "latitude": report.latitude,
                "longitude": report.longitude,
                "accuracy_m": report.accuracy_m,
                "location_source_label": report.get_location_source_display(),
                "directions": directions_url(report.latitude, report.longitude),
                "area": report.area.name if report.area else "",
                # Never the birth date or the registry address: the task does not need them.
                "people": [
                    {
                        "name": person.display_name,
                        "kana": person.display_kana,
                        "phone": person.phone,
                        "tel": tel_link(person.phone),
                        "verified": person.is_verified,
                        "care_labels": person.get_care_display(),
                    }
                    for person in people
                ],
                "others_count": report.others_count,
                "household": len(people) + report.others_count,
                "need_labels": [str(NEED_LABELS[code]) for code in report.needs],
                "needs_other": report.needs_other,
                "care_labels": [str(CARE_LABELS[code]) for code in report.care],
                "note": report.note,
                "proxy": report.reported_by_id is not None,
                "verified": report.verified,
                "actions": report_actions(request.user),
                "created_at": report.created_at,
                "updated_at": report.updated_at,
                # As the list's updated_at, so the page knows when the detail is stale.
                "changed_at": max(
                    report.updated_at,
                    report.pickups.aggregate(last=Max("updated_at"))["last"] or report.updated_at,
                ),
                "pickup": pickup_data(_report_pickup(report), request.user, now),
                "server_time": now,
            }
        )


# --- Pranks and duplicates (いたずら・重複) -----------------------------------------------

MessageOut = inline_serializer("EvacueeActionDone", {"message": serializers.CharField()})


def _visible_report(user, pk: int) -> OffShelterReport:
    report = reports_visible_to(user).select_related("account").filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


class DismissApi(DashboardApi):
    @extend_schema(
        summary="Close a report (and its pickup) as a prank or a duplicate; nobody is told",
        request=None,
        responses={200: MessageOut, 403: Problem, 404: Problem},
    )
    def post(self, request: Request, pk: int) -> Response:
        report = _visible_report(request.user, pk)
        report_dismiss(report=report, user=request.user)
        return Response({"message": _("いたずら・重複として閉じました。地図と一覧から外れます。")})


class SuspendApi(DashboardApi):
    @extend_schema(
        summary="Staff: stop the identity behind a report from making new ones",
        request=None,
        responses={200: MessageOut, 403: Problem, 404: Problem},
    )
    def post(self, request: Request, pk: int) -> Response:
        report = _visible_report(request.user, pk)
        try:
            account_suspend(account=report.account, user=request.user)
        except NotAllowed:  # the service's rule: staff only
            raise PermissionDenied(_("利用者の停止は市の職員だけができます。")) from None
        return Response(
            {
                "message": _(
                    "この利用者からの新しいお知らせ・送迎依頼を止め、開いていた分を閉じました。"
                    "解除は管理画面の利用者アカウントからできます。"
                )
            }
        )
