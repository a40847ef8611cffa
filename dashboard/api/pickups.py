"""A pickup's steps from the dashboard: claim, release, hand over, picked up, arrived,
could not, notes. Each calls its evacuation.services service and answers with the
pickup as it now stands (no personal details: those belong to the report's detail)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.api.base import DashboardApi, Problem, display_name, invalid, problem
from evacuation import services as evacuation
from evacuation.models import PickupEvent, PickupRequest
from evacuation.selectors import handover_candidates, pickups_visible_to
from lib.claims import has_lapsed
from lib.roles import is_city_staff
from shelters.services import ShelterClosed

User = get_user_model()
Status = PickupRequest.Status


def pickup_state(pickup: PickupRequest | None, user, now: datetime.datetime) -> dict | None:
    """The state a list row or marker shows; a claim whose time ran out is free again
    (the beat resets it within a minute; until then anyone may claim it)."""
    if pickup is None:
        return None
    lapsed = has_lapsed(pickup.status, pickup.claim_expires_at, claimed=Status.CLAIMED, now=now)
    return {
        "id": pickup.pk,
        "status": Status.REQUESTED if lapsed else pickup.status,
        "status_label": str(Status(Status.REQUESTED if lapsed else pickup.status).label),
        "urgency": pickup.urgency,
        "claim_expires_at": None if lapsed else pickup.claim_expires_at,
        "mine": pickup.claimed_by_id == user.pk and not lapsed,
    }


PickupStateOut = inline_serializer(
    "PickupState",
    {
        "id": serializers.IntegerField(),
        "status": serializers.ChoiceField(Status.choices),
        "status_label": serializers.CharField(),
        "urgency": serializers.ChoiceField(PickupRequest.Urgency.choices),
        "claim_expires_at": serializers.DateTimeField(allow_null=True),
        "mine": serializers.BooleanField(help_text="The current user holds the claim."),
    },
    allow_null=True,
    required=False,  # a list row that only says "removed" has none
)
EventOut = inline_serializer(
    "PickupHistoryEntry",
    {
        "kind": serializers.ChoiceField(PickupEvent.Kind.choices),
        "kind_label": serializers.CharField(),
        "by": serializers.CharField(),
        "to": serializers.CharField(),
        "at": serializers.DateTimeField(),
        "note": serializers.CharField(),
    },
    many=True,
)
PickupOut = inline_serializer(
    "Pickup",
    {
        "id": serializers.IntegerField(),
        "report_id": serializers.IntegerField(),
        "open": serializers.BooleanField(),
        "status": serializers.ChoiceField(Status.choices),
        "status_label": serializers.CharField(),
        "urgency": serializers.ChoiceField(PickupRequest.Urgency.choices),
        "urgency_label": serializers.CharField(),
        "people_count": serializers.IntegerField(),
        "mobility_label": serializers.CharField(),
        "destination": serializers.CharField(),
        "note": serializers.CharField(),
        "holder": serializers.CharField(allow_null=True),
        "mine": serializers.BooleanField(),
        "claim_expires_at": serializers.DateTimeField(allow_null=True),
        "unable_reason": serializers.CharField(),
        "actions": serializers.ListField(child=serializers.CharField()),
        "changed_at": serializers.DateTimeField(),
        "history": EventOut,
    },
    allow_null=True,
)
ActionOut = inline_serializer(
    "PickupActionResult",
    {
        "message": serializers.CharField(),
        "server_time": serializers.DateTimeField(),
        "pickup": PickupOut,
    },
)
ACTION_RESPONSES = {
    200: ActionOut,
    400: Problem,
    403: OpenApiResponse(Problem, description="Not a volunteer of an area, nor city staff."),
    404: OpenApiResponse(Problem, description="Not found, or outside the user's areas."),
    409: OpenApiResponse(
        Problem, description="Claimed by someone else (holder), or not in a state for this step."
    ),
}


def _actions(pickup: PickupRequest, user, now: datetime.datetime) -> list[str]:
    """The buttons to show. The services decide; this only spares the user buttons that
    would be refused (a refused one answers 409 anyway)."""
    if not evacuation.can_act_on(user, pickup):
        return []
    mine = pickup.claimed_by_id == user.pk
    holder = mine or is_city_staff(user)
    lapsed = has_lapsed(pickup.status, pickup.claim_expires_at, claimed=Status.CLAIMED, now=now)
    actions = []
    if pickup.status == Status.REQUESTED or lapsed:
        actions.append("claim")
    if pickup.status == Status.CLAIMED and holder:
        actions += ["picked_up", "release", "hand_over"]
        if mine and not lapsed:
            actions.append("claim")  # claiming one's own claim renews its time
        actions.append("unable")
    if pickup.status == Status.PICKED_UP and holder:
        actions += ["arrived", "unable"]
    return [*actions, "note"]


def _done_by(event: PickupEvent) -> str:
    """A responder by name, the resident (from LINE), or nobody (a claim that lapsed)."""
    if event.by_user_id:
        return display_name(event.by_user)
    return _("本人") if event.by_account_id else ""


def pickup_data(pickup: PickupRequest | None, user, now: datetime.datetime) -> dict | None:
    if pickup is None:
        return None
    events = pickup.events.select_related("by_user", "to_user")
    lapsed = has_lapsed(pickup.status, pickup.claim_expires_at, claimed=Status.CLAIMED, now=now)
    return {
        "id": pickup.pk,
        "report_id": pickup.report_id,
        "open": pickup.status in PickupRequest.OPEN,
        "status": pickup.status,
        "status_label": pickup.get_status_display(),
        "urgency": pickup.urgency,
        "urgency_label": pickup.get_urgency_display(),
        "people_count": pickup.people_count,
        "mobility_label": pickup.get_mobility_display(),
        "destination": pickup.destination.name,
        "note": pickup.note,
        "holder": display_name(pickup.claimed_by) if pickup.claimed_by_id and not lapsed else None,
        "mine": pickup.claimed_by_id == user.pk and not lapsed,
        "claim_expires_at": pickup.claim_expires_at,
        "unable_reason": pickup.unable_reason,
        "actions": _actions(pickup, user, now),
        # As the list's updated_at for this report, so the page knows a change is its own.
        "changed_at": max(pickup.updated_at, pickup.report.updated_at),
        "history": [
            {
                "kind": event.kind,
                "kind_label": event.get_kind_display(),
                "by": _done_by(event),
                "to": display_name(event.to_user) if event.to_user_id else "",
                "at": event.created_at,
                "note": event.note,
            }
            for event in events
        ],
    }


# --- Steps -------------------------------------------------------------------------------------


def _visible_pickup(user, pk: int) -> PickupRequest:
    pickup = (
        pickups_visible_to(user)
        .select_related("claimed_by", "destination", "report")
        .filter(pk=pk)
        .first()
    )
    if pickup is None:
        raise Http404
    return pickup


def _state_conflict(pickup: PickupRequest, user) -> Response:
    now = timezone.now()
    return problem(
        "state",
        _("この送迎依頼はいま「%(status)s」のため、この操作はできません。")
        % {"status": pickup.get_status_display()},
        status.HTTP_409_CONFLICT,
        status=pickup.status,
        pickup=pickup_data(pickup, user, now),
    )


class PickupActionApi(DashboardApi):
    """One step of a pickup: find it within the user's areas, call the service, answer
    with the pickup as it now stands (no personal details: those are the report's)."""

    Input: type[serializers.Serializer] | None = None

    def post(self, request: Request, pk: int) -> Response:
        pickup = _visible_pickup(request.user, pk)
        data = {}
        if self.Input is not None:
            serializer = self.Input(data=request.data)
            if not serializer.is_valid():
                return invalid(serializer)
            data = serializer.validated_data
        try:
            answer = self.act(request, pickup, data)
        except evacuation.NotAllowed:
            raise Http404 from None
        except evacuation.PickupError as exc:
            return _state_conflict(exc.pickup, request.user)
        if isinstance(answer, Response):
            return answer
        message, current = answer
        now = timezone.now()
        current = PickupRequest.objects.select_related("claimed_by", "destination", "report").get(
            pk=current.pk
        )
        return Response(
            {
                "message": message,
                "server_time": now,
                "pickup": pickup_data(current, request.user, now),
            }
        )

    def act(self, request: Request, pickup: PickupRequest, data: dict):
        raise NotImplementedError


def _action_schema(summary: str, request=None):
    return extend_schema(summary=summary, request=request, responses=ACTION_RESPONSES)


@_action_schema("Claim a pickup (one volunteer wins; claiming your own claim renews it)")
class ClaimApi(PickupActionApi):
    def act(self, request, pickup, data):
        outcome = evacuation.pickup_claim(pickup=pickup, user=request.user)
        current = outcome.pickup
        if outcome.won:
            return _(
                "担当になりました。%(minutes)d 分以内に「お迎え済み」にしないと担当が外れます。"
            ) % {"minutes": settings.PICKUP_CLAIM_MINUTES}, current
        if current.status == Status.CLAIMED and current.claimed_by_id:
            holder = display_name(current.claimed_by)
            return problem(
                "claimed",
                _("すでに%(name)sさんが担当しています。") % {"name": holder},
                status.HTTP_409_CONFLICT,
                holder=holder,
                pickup=pickup_data(current, request.user, timezone.now()),
            )
        return _state_conflict(current, request.user)


@_action_schema("Give a claim back, so someone else can take it")
class ReleaseApi(PickupActionApi):
    def act(self, request, pickup, data):
        current = evacuation.pickup_release(pickup=pickup, user=request.user)
        return _("担当を外れました。ほかの方が担当できます。"), current


class HandOverInput(serializers.Serializer):
    to_user = serializers.IntegerField(
        min_value=1,
        error_messages={
            key: gettext_lazy("引き継ぐ相手を選んでください。")
            for key in ("required", "invalid", "null", "min_value", "max_string_length")
        },
    )


@_action_schema("Pass a claim to another volunteer of the area (a fresh time limit)", HandOverInput)
class HandOverApi(PickupActionApi):
    Input = HandOverInput

    def act(self, request, pickup, data):
        to_user = handover_candidates(pickup, request.user).filter(pk=data["to_user"]).first()
        if to_user is None:
            return problem(
                "handover_target",
                _("引き継ぎ先は、この地区を担当しているボランティアから選んでください。"),
            )
        current = evacuation.pickup_hand_over(pickup=pickup, user=request.user, to_user=to_user)
        return _("%(name)sさんに引き継ぎました。") % {"name": display_name(to_user)}, current


class HandOverCandidatesApi(DashboardApi):
    @extend_schema(
        summary="Volunteers a claim can be handed over to",
        responses={
            200: inline_serializer(
                "HandOverCandidates",
                {
                    "candidates": inline_serializer(
                        "HandOverCandidate",
                        {"id": serializers.IntegerField(), "name": serializers.CharField()},
                        many=True,
                    )
                },
            ),
            403: Problem,
            404: OpenApiResponse(Problem, description="Not found, or outside the user's areas."),
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        pickup = _visible_pickup(request.user, pk)
        if not evacuation.can_act_on(request.user, pickup):
            raise Http404
        people = handover_candidates(pickup, request.user)
        return Response({"candidates": [{"id": u.pk, "name": display_name(u)} for u in people]})


@_action_schema("Mark the people as picked up (on the way to the shelter)")
class PickedUpApi(PickupActionApi):
    def act(self, request, pickup, data):
        current = evacuation.pickup_picked_up(pickup=pickup, user=request.user)
        return _("お迎え済みにしました。%(shelter)s へ向かってください。") % {
            "shelter": current.destination.name
        }, current


@_action_schema("Arrived at the shelter: the people are checked in there")
class ArrivedApi(PickupActionApi):
    def act(self, request, pickup, data):
        try:
            current = evacuation.pickup_arrived(pickup=pickup, user=request.user)
        except ShelterClosed:
            return problem(
                "closed",
                _(
                    "行き先の「%(shelter)s」は閉鎖中のため、到着を登録できません。"
                    "市の担当者に連絡してください。"
                )
                % {"shelter": pickup.destination.name},
                status.HTTP_409_CONFLICT,
            )
        return _("%(shelter)s に到着し、受付を済ませました。") % {
            "shelter": current.destination.name
        }, current


class UnableInput(serializers.Serializer):
    reason = serializers.CharField(
        max_length=200,
        error_messages={
            "required": gettext_lazy("対応できなかった理由を入力してください。"),
            "blank": gettext_lazy("対応できなかった理由を入力してください。"),
            "max_length": gettext_lazy("理由は 200 文字以内で入力してください。"),
        },
    )


@_action_schema(
    "Could not do it: the reason is kept, told to the resident, followed up", UnableInput
)
class UnableApi(PickupActionApi):
    Input = UnableInput

    def act(self, request, pickup, data):
        current = evacuation.pickup_unable(pickup=pickup, user=request.user, reason=data["reason"])
        return _("対応できなかったことを記録しました。市の担当者が引き継ぎます。"), current


class NoteInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=500,
        error_messages={
            "required": gettext_lazy("メモを入力してください。"),
            "blank": gettext_lazy("メモを入力してください。"),
            "max_length": gettext_lazy("メモは 500 文字以内で入力してください。"),
        },
    )


@_action_schema("Add a note to the pickup's history", NoteInput)
class NoteApi(PickupActionApi):
    Input = NoteInput

    def act(self, request, pickup, data):
        evacuation.pickup_add_note(pickup=pickup, user=request.user, note=data["note"])
        return _("メモを追加しました。"), pickup
