"""Who a city message cannot reach on LINE: the people of a segment without LINE, as a
CSV (UTF-8 with BOM) for a phone call or a visit. Staff only; each download is logged
as a view of those people's details."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.csvexport import excel_csv
from lib.roles import staff_required
from messaging.segments import InvalidSegment, segment_members, segment_queries
from residents.models import DetailView, Resident
from residents.services import detail_view_log


@require_POST
@staff_required
def web_only_csv(request: HttpRequest) -> HttpResponse:
    try:
        tree = json.loads(request.POST.get("segment", ""))
        accounts = segment_members(tree).filter(line_user_id__isnull=True)
    except (ValueError, InvalidSegment) as refused:
        message = refused.message if isinstance(refused, InvalidSegment) else ""
        return HttpResponse(
            message or _("配信の対象（segment）を指定してください。"),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    with segment_queries():
        people = list(
            Resident.objects.filter(links__account__in=accounts, withdrawn_at=None)
            .select_related("registry_person", "area")
            .distinct()
            .order_by("area__code", "pk")
        )
    detail_view_log(user=request.user, residents=people, context=DetailView.Context.SEGMENT_CSV)
    rows = (
        [
            person.display_name,
            person.display_kana,
            person.phone,
            person.display_address,
            person.area.name if person.area else "",
            _("はい") if person.needs_support else "",
            "、".join(person.get_care_display()),
        ]
        for person in people
    )
    header = [
        _("氏名"),
        _("フリガナ"),
        _("電話番号"),
        _("住所"),
        _("町会"),
        _("避難行動要支援者"),
        _("配慮事項"),
    ]
    response = HttpResponse(excel_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="segment-without-line.csv"'
    return response
