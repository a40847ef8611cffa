"""開設・満員のお知らせ: when a shelter opens, the residents of the area it serves hear
its name, address, a map link and what to bring; when it becomes full, the same people
hear the nearest shelters still taking people in. Called by shelter_set_status in its
transaction (under the shelter's row lock, so two status changes cannot both decide a
notice is due), queued through the outbox, once per notice."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _

from messaging.friends import reachable_friends
from messaging.line import liff_url
from messaging.services import outbox_enqueue_text
from residents.models import Account
from shelters.models import Shelter, ShelterNotice
from shelters.selectors import shelter_search

Kind = ShelterNotice.Kind
# A full shelter's notice names at most this many others.
ALTERNATIVES = 3
REPORT_PATH = "/my/report/"
SEARCH_PATH = "/shelters/"


def map_link(shelter: Shelter) -> str:
    """The shelter on 地理院地図 (the same maps as the portal)."""
    return f"https://maps.gsi.go.jp/#17/{shelter.latitude:.5f}/{shelter.longitude:.5f}/"


def _kind_of(previous: str, status: str) -> str | None:
    """Which notice a change calls for: opening (from closed) or filling up (from open)."""
    if status == Shelter.Status.OPEN and previous == Shelter.Status.CLOSED:
        return Kind.OPENED
    if status == Shelter.Status.FULL and previous == Shelter.Status.OPEN:
        return Kind.FULL
    return None


def area_line_user_ids(shelter: Shelter) -> list[str]:
    """The LINE users of everyone registered as living in the shelter's area."""
    if shelter.area_id is None:
        return []
    accounts = Account.objects.filter(
        withdrawn_at=None, links__resident__area=shelter.area_id
    ).exclude(line_user_id=None)
    return list(accounts.values_list("line_user_id", flat=True).distinct())


def _opened_text(shelter: Shelter) -> str:
    return _(
        "【避難所開設】%(name)s を開設しました。\n住所：%(address)s\n地図：%(map)s\n"
        "持ち物：飲料水・食料・常備薬・お薬手帳・マスク・携帯電話の充電器・着替え\n"
        "避難所以外（自宅・車中など）で避難するときは、こちらからお知らせください：%(report)s"
    ) % {
        "name": shelter.name,
        "address": shelter.address,
        "map": map_link(shelter),
        "report": liff_url(REPORT_PATH),
    }


def _full_text(shelter: Shelter) -> str:
    others = [
        hit
        for hit in shelter_search(lat=shelter.latitude, lng=shelter.longitude, limit=20)
        if hit.shelter.pk != shelter.pk and hit.shelter.status == Shelter.Status.OPEN
    ][:ALTERNATIVES]
    lines = [_("【満員】%(name)s は満員になりました。") % {"name": shelter.name}]
    if others:
        lines.append(_("近くで受け入れている避難所："))
        lines += [
            _("・%(name)s（%(distance)s）%(map)s")
            % {
                "name": hit.shelter.name,
                "distance": hit.distance_label,
                "map": map_link(hit.shelter),
            }
            for hit in others
        ]
    else:
        lines.append(_("近くに受け入れている避難所がありません。市からの案内をお待ちください。"))
    lines.append(_("避難所を探す：%(url)s") % {"url": liff_url(SEARCH_PATH)})
    return "\n".join(lines)


def shelter_status_notify(
    *, shelter: Shelter, previous: str, user: AbstractBaseUser | None
) -> ShelterNotice | None:
    """Tell the shelter's area about its new status, unless notices are off, the change
    calls for none, or the same notice went out within the debounce window."""
    kind = _kind_of(previous, shelter.status)
    if kind is None or not settings.SHELTER_NOTICES:
        return None
    window = timezone.now() - datetime.timedelta(minutes=settings.SHELTER_NOTICE_DEBOUNCE_MINUTES)
    if ShelterNotice.objects.filter(shelter=shelter, kind=kind, sent_at__gte=window).exists():
        return None
    # Who follows the city's account (a blocked user is never messaged).
    user_ids = list(reachable_friends(area_line_user_ids(shelter)))
    notice = ShelterNotice.objects.create(
        shelter=shelter, kind=kind, recipients=len(user_ids), triggered_by=user
    )
    text = _opened_text if kind == Kind.OPENED else _full_text
    outbox_enqueue_text(
        user_ids=user_ids,
        text=lambda: text(shelter),
        purpose=f"shelter_{kind}",
        dedupe_key=f"shelter-notice:{notice.pk}",
    )
    return notice
