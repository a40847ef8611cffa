"""JSON API for shelter reception (scan, name search, check-in/out) and the status board.

The reception page calls these with the staff member's session. Every operation can
be repeated safely: the database allows one open stay per person, so a retry after a
lost answer reports the stay the first attempt made instead of making a second.
"""

from __future__ import annotations

import dataclasses
import hashlib

from django.http import Http404
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from lib.roles import can_use_dashboard
from lib.wareki import InvalidDate, parse_birth_date
from residents.models import DetailView
from residents.services import detail_view_log
from shelters import care_notes, selectors, services
from shelters.care_notes import CareNote
from shelters.models import Shelter
from shelters.selectors import ReceptionPerson
from shelters.tokens import PersonalTokenError

TOKEN_MESSAGES = {
    "expired": lambda: _(
        "QRコードの有効期限が切れています。LINE の「わたしのQR」を開き直してもらってください。"
    ),
    "invalid": lambda: _(
        "読み取れないQRコードです。本人の「わたしのQR」か、名前で検索してください。"
    ),
}


def _problem(code: str, message: str, http_status: int = status.HTTP_400_BAD_REQUEST) -> Response:
    return Response({"code": code, "message": message}, status=http_status)


def _told_data(note: CareNote | None, labels: dict[str, str]) -> dict:
    """What the person told on the way in (an out-of-shelter report, a pickup)."""
    if note is None:
        return {"care": [], "notes": []}
    return {
        "care": [labels.get(code, code) for code in note.codes],
        "notes": [{"label": label, "text": text} for label, text in note.notes],
    }


def _person_data(
    person: ReceptionPerson, shelter: Shelter, told: dict[int, CareNote] | None = None
) -> dict:
    """``told``: what people told on the way in, when it was read (a lookup); an
    action's answer leaves it out (the page keeps what the lookup showed)."""
    stay = person.stay
    if stay is None:
        where = "none"
    elif stay.shelter_id == shelter.pk:
        where = "here"
    else:
        where = "elsewhere"
    data = {
        "handle": person.handle,
        "name": person.name,
        "kana": person.kana,
        "verified": person.verified,
        "needs_support": person.needs_support,
        "care": person.care,
        "stay": {
            "where": where,
            "shelter": stay.shelter.name if stay else "",
            "since": localtime(stay.checked_in_at).strftime("%m/%d %H:%M") if stay else "",
            "companions": stay.companions if stay else 0,
        },
    }
    if told is not None:
        resident_id = person.resident.pk if person.resident is not None else None
        data["told"] = _told_data(told.get(resident_id), care_notes.labels())
    return data


PersonOut = inline_serializer(
    "ReceptionPerson",
    {
        "handle": serializers.CharField(help_text="Signed; send it back to act on this person."),
        "name": serializers.CharField(),
        "kana": serializers.CharField(),
        "verified": serializers.BooleanField(help_text="Matched to the resident registry."),
        "needs_support": serializers.BooleanField(help_text="避難行動要支援者"),
        "care": serializers.ListField(child=serializers.CharField(), help_text="配慮事項"),
        "told": inline_serializer(
            "ReceptionTold",
            {
                "care": serializers.ListField(child=serializers.CharField()),
                "notes": inline_serializer(
                    "ReceptionNote",
                    {"label": serializers.CharField(), "text": serializers.CharField()},
                    many=True,
                ),
            },
            required=False,
            help_text=(
                "What the person told on the way in (an out-of-shelter report's care, "
                "a pickup's mobility, their notes); in lookups only."
            ),
        ),
        "stay": inline_serializer(
            "ReceptionStay",
            {
                "where": serializers.ChoiceField(["here", "elsewhere", "none"]),
                "shelter": serializers.CharField(),
                "since": serializers.CharField(),
                "companions": serializers.IntegerField(),
            },
        ),
    },
)
Problem = inline_serializer(
    "Problem", {"code": serializers.CharField(), "message": serializers.CharField()}
)


class ReceptionApi(APIView):
    """Base: the shelter from the URL, for city staff and that shelter's reception."""

    def shelter(self, request: Request, pk: int) -> Shelter:
        shelter = selectors.reception_shelter(request.user, pk)
        if shelter is None:
            if not Shelter.objects.filter(pk=pk).exists():
                raise Http404
            raise PermissionDenied(_("この避難所の受付をする権限がありません。"))
        return shelter

    def person(self, data: dict) -> ReceptionPerson:
        """From a scanned code or a handle the page was given. Raises PersonalTokenError."""
        if data.get("code"):
            return selectors.reception_person_by_code(data["code"])
        return selectors.reception_person_by_handle(data.get("handle", ""))


class LookupApi(ReceptionApi):
    class InputSerializer(serializers.Serializer):
        code = serializers.CharField(required=False, allow_blank=True, max_length=1000)
        kana = serializers.CharField(required=False, allow_blank=True, max_length=100)
        birth_date = serializers.CharField(required=False, allow_blank=True, max_length=30)

    @extend_schema(
        summary="Find a person at reception: a scanned personal QR, or furigana (+ birth date)",
        request=InputSerializer,
        responses={
            200: inline_serializer("LookupResult", {"people": PersonOut}),
            400: Problem,
            403: Problem,
            404: Problem,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        shelter = self.shelter(request, pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data.get("code"):
            try:
                people = [self.person(data)]
            except PersonalTokenError as exc:
                return _problem(exc.reason, TOKEN_MESSAGES[exc.reason]())
        else:
            kana = data.get("kana", "").strip()
            if not kana:
                return _problem("kana", _("フリガナを入力してください。"))
            birth_date = None
            if data.get("birth_date", "").strip():
                try:
                    birth_date = parse_birth_date(data["birth_date"].strip())
                except InvalidDate:
                    return _problem(
                        "birth_date",
                        _("生年月日が読み取れません。例: 昭和30年4月1日、S30.4.1、1955-04-01"),
                    )
            people = selectors.reception_people_by_kana(
                shelter=shelter, kana=kana, birth_date=birth_date
            )
        detail_view_log(
            user=request.user,
            residents=[p.resident for p in people if p.resident is not None],
            registry_people=[p.person for p in people if p.resident is None],
            context=DetailView.Context.RECEPTION,
        )
        told = selectors.reception_care_notes(people)
        return Response({"people": [_person_data(p, shelter, told) for p in people]})


class ActionInput(serializers.Serializer):
    code = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    handle = serializers.CharField(required=False, allow_blank=True, max_length=500)
    companions = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=50,
        error_messages={
            "min_value": _("同行者の人数は 0〜50 で入力してください。"),
            "max_value": _("同行者の人数は 0〜50 で入力してください。"),
            "invalid": _("同行者の人数は数字で入力してください。"),
        },
    )


ActionOut = inline_serializer(
    "ReceptionActionResult",
    {
        "result": serializers.CharField(),
        "message": serializers.CharField(),
        "person": PersonOut,
    },
)


class ActionApi(ReceptionApi):
    """Check-in, check-out and transfer share input, lookup and answer."""

    @extend_schema(
        request=ActionInput,
        responses={200: ActionOut, 400: Problem, 403: Problem, 404: Problem, 409: Problem},
    )
    def post(self, request: Request, pk: int) -> Response:
        shelter = self.shelter(request, pk)
        serializer = ActionInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            person = self.person(data)
        except PersonalTokenError as exc:
            return _problem(exc.reason, TOKEN_MESSAGES[exc.reason]())
        # Straight from a scan, this is the first time the page is shown the person: the
        # view is logged whatever the action then does (each service commits its own).
        if data.get("code") and person.resident is not None:
            detail_view_log(
                user=request.user, residents=[person.resident], context=DetailView.Context.RECEPTION
            )
        try:
            result, message, stay = self.act(request, shelter, person, data)
        except services.ShelterClosed:
            return _problem(
                "closed",
                _("この避難所は閉鎖中のため受付できません。市の担当者に開設を依頼してください。"),
                status.HTTP_409_CONFLICT,
            )
        # The answer shows what is now saved: the stay the action left.
        answered = dataclasses.replace(person, stay=stay)
        return Response(
            {"result": result, "message": message, "person": _person_data(answered, shelter)}
        )

    def act(self, request, shelter, person, data) -> tuple[str, str]:
        raise NotImplementedError


class CheckInApi(ActionApi):
    def act(self, request, shelter, person, data):
        outcome = services.reception_check_in(
            person=person,
            shelter=shelter,
            method=person.method,
            by_user=request.user,
            companions=data["companions"],
        )
        messages = {
            services.CheckInResult.CHECKED_IN: _("%(name)s さんの入所を登録しました。"),
            services.CheckInResult.ALREADY_HERE: _(
                "%(name)s さんはすでにこの避難所に入所済みです（登録済み）。"
            ),
            services.CheckInResult.ELSEWHERE: _(
                "%(name)s さんは「%(shelter)s」に滞在中です。"
                "こちらへ移す場合は「この避難所へ移動」を押してください。"
            ),
        }
        return (
            outcome.result,
            messages[outcome.result] % {"name": person.name, "shelter": outcome.stay.shelter.name},
            outcome.stay,
        )


class CheckOutApi(ActionApi):
    def act(self, request, shelter, person, data):
        ended = person.resident and services.stay_check_out(
            resident=person.resident, at=shelter, by_user=request.user
        )
        if not ended:
            return (
                "not_here",
                _("%(name)s さんはこの避難所に入所していません（退所済み）。")
                % {"name": person.name},
                person.stay,
            )
        return "checked_out", _("%(name)s さんの退所を登録しました。") % {"name": person.name}, None


class TransferApi(ActionApi):
    def act(self, request, shelter, person, data):
        resident = services.reception_resident(person=person, by_user=request.user)
        stay = services.stay_transfer(resident=resident, to_shelter=shelter, by_user=request.user)
        return (
            "transferred",
            _("%(name)s さんをこの避難所へ移動しました。") % {"name": person.name},
            stay,
        )


class BoardApi(APIView):
    """Live occupancy of every shelter, for the dashboard's status board (polled)."""

    @extend_schema(
        summary="Shelter status board",
        responses={
            200: inline_serializer(
                "Board",
                {
                    "shelters": inline_serializer(
                        "BoardShelter",
                        {
                            "id": serializers.IntegerField(),
                            "code": serializers.CharField(),
                            "name": serializers.CharField(),
                            "status": serializers.CharField(),
                            "status_label": serializers.CharField(),
                            "people": serializers.IntegerField(),
                            "capacity": serializers.IntegerField(),
                            "congestion": serializers.CharField(),
                            "congestion_label": serializers.CharField(),
                            "care": serializers.DictField(child=serializers.IntegerField()),
                            "actions": serializers.ListField(
                                child=serializers.ChoiceField(Shelter.Status.values),
                                help_text="The statuses this user may set it to (staff only).",
                            ),
                        },
                        many=True,
                    )
                },
            ),
            304: None,
            403: Problem,
        },
    )
    def get(self, request: Request) -> Response:
        if not can_use_dashboard(request.user):
            raise PermissionDenied
        rows = [
            {
                "id": row.shelter.pk,
                "code": row.shelter.code,
                "name": row.shelter.name,
                "status": row.shelter.status,
                "status_label": row.shelter.get_status_display(),
                "people": row.occupancy.people,
                "capacity": row.occupancy.capacity,
                "congestion": row.occupancy.congestion,
                "congestion_label": row.occupancy.congestion_label,
                "care": row.care,
                "actions": services.shelter_status_choices(shelter=row.shelter, user=request.user),
            }
            for row in selectors.shelter_board()
        ]
        body = {"shelters": rows}
        etag = f'"{hashlib.sha256(repr(body).encode()).hexdigest()[:32]}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(body, headers={"ETag": etag})
