"""Supply deliveries from the dashboard, the steps: taking a batch, each step at the
door, handing a batch over. Every step calls its supplies.deliveries service and answers
with the delivery as it now stands (the row of dashboard.api.deliveries)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from dashboard.api.base import (
    DashboardApi,
    Problem,
    display_name,
    invalid,
    problem,
)
from dashboard.api.deliveries import (
    ACTION_RESPONSES,
    NOT_FOUND,
    DeliveryRow,
    _start,
    coordinate,
    delivery_rows,
    shown_status,
)
from supplies.deliveries import (
    BATCH_MAX,
    BadQuantities,
    DeliveryError,
    NotAllowed,
    NothingToHandOver,
    NothingToTake,
    batch_hand_over,
    batch_handover_candidates,
    deliveries_take,
    delivery_access_denied,
    delivery_mark_delivered,
    delivery_mark_not_home,
    delivery_mark_refused,
    delivery_release,
    delivery_resolve,
)
from supplies.models import Delivery, DistributionRound
from supplies.selectors import (
    DELIVERED_STATES,
    batches_visible_to,
    deliveries_visible_to,
    rounds_visible_to,
)

User = get_user_model()
Status = Delivery.Status


class TakeInput(serializers.Serializer):
    count = serializers.IntegerField(
        required=False,
        default=10,
        min_value=1,
        max_value=BATCH_MAX,
        error_messages={
            key: gettext_lazy("一度に担当できるのは 1〜30 件です。")
            for key in ("invalid", "min_value", "max_value", "max_string_length", "null")
        },
    )
    lat = coordinate(90, required=False, help_text="Where the walk starts (with lng).")
    lng = coordinate(180, required=False)
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=BATCH_MAX,
        help_text="Exactly these deliveries (those still free).",
        error_messages={
            key: gettext_lazy("選んだ配達の指定が正しくありません。")
            for key in ("not_a_list", "max_length", "invalid", "null")
        },
    )

    def validate(self, data: dict) -> dict:
        data["start"] = _start(data)
        return data


class TakeApi(DashboardApi):
    @extend_schema(
        summary="Take a batch: the nearest free deliveries (or the ones chosen), in walking order",
        request=TakeInput,
        responses={
            200: inline_serializer(
                "DeliveryBatchTaken",
                {
                    "message": serializers.CharField(),
                    "batch": serializers.IntegerField(),
                    "print_url": serializers.CharField(),
                    "results": DeliveryRow(many=True),
                    "server_time": serializers.DateTimeField(),
                },
            ),
            400: Problem,
            403: Problem,
            404: NOT_FOUND,
            409: OpenApiResponse(Problem, description="Nothing free to take (or not open)."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        round = rounds_visible_to(request.user).filter(pk=pk).first()
        if round is None:
            raise Http404
        serializer = TakeInput(data=request.data)
        if not serializer.is_valid():
            return invalid(serializer)
        data = serializer.validated_data
        try:
            outcome = deliveries_take(
                round=round,
                user=request.user,
                count=data["count"],
                start=data["start"],
                ids=data.get("ids"),
            )
        except NothingToTake:
            if round.status != DistributionRound.Status.OPEN:
                message = _("この配布は「%(status)s」のため、担当できません。") % {
                    "status": round.get_status_display()
                }
            else:
                message = _(
                    "いま担当できる配達はありません。ほかの方がすでに担当したか、"
                    "すべて配達済みです。"
                )
            return problem("nothing_to_take", message, status.HTTP_409_CONFLICT)
        now = timezone.now()
        taken = list(
            Delivery.objects.select_related("round", "area").filter(
                pk__in=[d.pk for d in outcome.taken]
            )
        )
        order = {d.pk: n for n, d in enumerate(outcome.taken)}
        taken.sort(key=lambda delivery: order[delivery.pk])
        return Response(
            {
                "message": _("%(count)s 件を担当しました。近い順に並んでいます。")
                % {"count": len(taken)},
                "batch": outcome.batch.pk,
                "print_url": reverse("dashboard:supply-batch-print", args=[outcome.batch.pk]),
                "results": delivery_rows(taken, request.user, now, data["start"]),
                "server_time": now,
            }
        )


# --- Steps at the door ---------------------------------------------------------------------


def conflict(delivery: Delivery, user, now: datetime.datetime) -> tuple[str, str, str]:
    """Why a step did not apply (code, message, holder): someone else holds the
    delivery, it was already delivered, or it is in another state."""
    shown, _lapsed = shown_status(delivery, now)
    if shown == Status.OUT and delivery.claimed_by_id not in (None, user.pk):
        holder = display_name(delivery.claimed_by)
        return "claimed", _("すでに%(name)sさんが担当しています。") % {"name": holder}, holder
    label = Status(shown).label
    if shown in DELIVERED_STATES:
        return "state", _("すでに配達済みです（%(status)s）。") % {"status": label}, ""
    message = _("この配達はいま「%(status)s」のため、この操作はできません。") % {"status": label}
    return "state", message, ""


def _conflict(delivery: Delivery, user) -> Response:
    now = timezone.now()
    delivery = Delivery.objects.select_related("round", "area", "claimed_by").get(pk=delivery.pk)
    code, message, holder = conflict(delivery, user, now)
    row = delivery_rows([delivery], user, now)[0]
    extra = {"holder": holder} if holder else {}
    return problem(
        code,
        message,
        status.HTTP_409_CONFLICT,
        status=row["status"],
        delivery=row,
        **extra,
    )


def bad_quantities() -> Response:
    return problem(
        "invalid_quantities",
        _(
            "届けた数は、品目ごとに 0 から予定の数までの整数で入力してください。"
            "少なくとも 1 品目は 1 以上にしてください。"
        ),
    )


class DeliveryStepApi(DashboardApi):
    """One step at the door: call the service, answer with the row as it now stands.
    Outside the user's areas the service refuses and audits; that is a 404, in the
    same words as a delivery that does not exist."""

    Input: type[serializers.Serializer] | None = None
    via = ""

    def post(self, request: Request, pk: int) -> Response:
        # Outside the user's areas it is the same 404 as no delivery at all, before the
        # body is read: a 400 for a bad body would tell which ids exist.
        delivery = deliveries_visible_to(request.user).select_related("round").filter(pk=pk).first()
        if delivery is None:
            delivery_access_denied(delivery_id=pk, by_user=request.user, via=f"api:{self.via}")
            raise Http404
        data = {}
        if self.Input is not None:
            serializer = self.Input(data=request.data)
            if not serializer.is_valid():
                return self.invalid(serializer)
            data = serializer.validated_data
        try:
            message, current = self.act(request, delivery, data)
        except NotAllowed:
            raise Http404 from None
        except DeliveryError as error:
            return _conflict(error.delivery, request.user)
        except BadQuantities:
            return bad_quantities()
        now = timezone.now()
        current = Delivery.objects.select_related("round", "area").get(pk=current.pk)
        return Response(
            {
                "message": message,
                "server_time": now,
                "delivery": delivery_rows([current], request.user, now)[0],
            }
        )

    def invalid(self, serializer: serializers.Serializer) -> Response:
        return invalid(serializer)

    def act(self, request: Request, delivery: Delivery, data: dict):
        raise NotImplementedError


def _step_schema(summary: str, request=None):
    return extend_schema(summary=summary, request=request, responses=ACTION_RESPONSES)


class DeliverInput(serializers.Serializer):
    quantities = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="{item id: quantity handed over}; without it, everything planned.",
    )


@_step_schema("Delivered at the door (all planned, or the quantities given)", DeliverInput)
class DeliverApi(DeliveryStepApi):
    Input = DeliverInput
    via = "deliver"

    def invalid(self, serializer):
        return bad_quantities() if "quantities" in serializer.errors else invalid(serializer)

    def act(self, request, delivery, data):
        current = delivery_mark_delivered(
            delivery=delivery, user=request.user, quantities=data.get("quantities")
        )
        return _("配達済みにしました。世帯に受け取りの確認をお送りします。"), current


class DeliveryNoteInput(serializers.Serializer):
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        error_messages={"max_length": gettext_lazy("メモは 500 文字以内で入力してください。")},
    )


@_step_schema("Nobody was home: back in the pool for another visit", DeliveryNoteInput)
class NotHomeApi(DeliveryStepApi):
    Input = DeliveryNoteInput
    via = "not_home"

    def act(self, request, delivery, data):
        current = delivery_mark_not_home(
            delivery=delivery, user=request.user, note=data.get("note", "")
        )
        return _("不在にしました。あとで、もう一度訪問できます。"), current


@_step_schema("The household declined the supplies (the stock is released)", DeliveryNoteInput)
class RefuseApi(DeliveryStepApi):
    Input = DeliveryNoteInput
    via = "refuse"

    def act(self, request, delivery, data):
        current = delivery_mark_refused(
            delivery=delivery, user=request.user, note=data.get("note", "")
        )
        return _("受取辞退として記録しました。"), current


@_step_schema("Give a delivery back, so someone else can take it")
class ReleaseApi(DeliveryStepApi):
    via = "release"

    def act(self, request, delivery, data):
        current = delivery_release(delivery=delivery, user=request.user)
        return _("担当を外れました。ほかの方が担当できます。"), current


class ResolveInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=500,
        error_messages={
            "required": gettext_lazy("確認した内容・対応をメモに入力してください。"),
            "blank": gettext_lazy("確認した内容・対応をメモに入力してください。"),
            "null": gettext_lazy("確認した内容・対応をメモに入力してください。"),
            "max_length": gettext_lazy("メモは 500 文字以内で入力してください。"),
        },
    )


@_step_schema("A 「届いていない」 answer was looked into: what was found or done", ResolveInput)
class ResolveApi(DeliveryStepApi):
    Input = ResolveInput
    via = "resolve"

    def act(self, request, delivery, data):
        current = delivery_resolve(delivery=delivery, user=request.user, note=data["note"])
        return _("対応済みにしました。"), current


# --- Batches -----------------------------------------------------------------------------------


def _visible_batch(user, pk: int):
    batch = batches_visible_to(user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


class BatchHandOverInput(serializers.Serializer):
    user = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            key: gettext_lazy("引き継ぐ相手を選んでください。")
            for key in ("required", "invalid", "null", "min_value", "max_value")
        },
    )


class BatchHandOverApi(DashboardApi):
    @extend_schema(
        summary="Pass what is still out in a batch to another volunteer of its areas",
        request=BatchHandOverInput,
        responses={
            200: inline_serializer(
                "DeliveryBatchHandedOver",
                {
                    "message": serializers.CharField(),
                    "batch": serializers.IntegerField(),
                    "moved": serializers.IntegerField(),
                },
            ),
            400: Problem,
            403: Problem,
            404: NOT_FOUND,
            409: OpenApiResponse(Problem, description="Nothing in the batch is out with you."),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        batch = _visible_batch(request.user, pk)
        serializer = BatchHandOverInput(data=request.data)
        if not serializer.is_valid():
            return invalid(serializer)
        candidates = batch_handover_candidates(batch, request.user)
        to_user = candidates.filter(pk=serializer.validated_data["user"]).first()
        wrong_target = problem(
            "handover_target",
            _("引き継ぎ先は、この束の地区を担当しているボランティアから選んでください。"),
        )
        if to_user is None:
            return wrong_target
        try:
            moved = batch_hand_over(batch=batch, user=request.user, to_user=to_user)
        except NotAllowed:
            return wrong_target
        except NothingToHandOver:
            return problem(
                "nothing_to_hand_over",
                _("この束には、あなたが担当中の配達が残っていません。"),
                status.HTTP_409_CONFLICT,
            )
        return Response(
            {
                "message": _("%(name)sさんに %(count)s 件を引き継ぎました。")
                % {"name": display_name(to_user), "count": moved},
                "batch": batch.pk,
                "moved": moved,
            }
        )


class BatchHandOverCandidatesApi(DashboardApi):
    @extend_schema(
        summary="Volunteers a batch can be handed over to (they cover all its areas)",
        responses={
            200: inline_serializer(
                "DeliveryHandOverCandidates",
                {
                    "candidates": inline_serializer(
                        "DeliveryHandOverCandidate",
                        {"id": serializers.IntegerField(), "name": serializers.CharField()},
                        many=True,
                    )
                },
            ),
            403: Problem,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, pk: int) -> Response:
        batch = _visible_batch(request.user, pk)
        people = batch_handover_candidates(batch, request.user)
        return Response({"candidates": [{"id": u.pk, "name": display_name(u)} for u in people]})
