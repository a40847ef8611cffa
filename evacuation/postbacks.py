"""LINE postbacks that belong to evacuation (registered in EvacuationConfig.ready())."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from evacuation.models import OffShelterReport
from evacuation.services import report_open
from messaging import postbacks
from messaging.line import liff_url
from residents.models import Account, ResidentLink
from residents.registration import masked_name
from residents.selectors import linked_residents
from shelters.selectors import open_stay_of_any

HOME_PATH = "/my/"
REPORT_PATH = "/my/report/"


def text(value: str) -> dict:
    return {"type": "text", "text": value}


def status(context: postbacks.PostbackContext) -> list[dict]:
    """「わたしの状況」 in the rich menu: is this LINE user registered, for how many, and
    where is the household now?"""
    account = Account.objects.filter(line_user_id=context.user_id).first()
    links = list(linked_residents(account)) if account is not None else []
    own = next((link for link in links if link.relation == ResidentLink.Relation.SELF), None)
    family = sum(link.relation == ResidentLink.Relation.FAMILY for link in links)
    with translation.override(context.language):
        if own is None:
            message = _("まだ登録されていません。こちらから登録できます。")
            return [text(f"{message}\n{liff_url()}")]
        # Masked, as on the registration confirmation: the chat is not the place
        # for a full name from the registry.
        message = _("ご本人（%(name)s さん）の登録はお済みです（ご家族 %(family)s 人）。") % {
            "name": masked_name(own.resident.display_name),
            "family": family,
        }
        return [text(f"{message}\n{liff_url(HOME_PATH)}"), text(_where(account, links))]


def _where(account: Account, links: list[ResidentLink]) -> str:
    """Where the household is now: at a shelter, reported outside one, or not yet known
    (then how to tell the city — nobody should be left out because they stayed home)."""
    stay = open_stay_of_any([link.resident for link in links])
    if stay is not None:
        return _("「%(shelter)s」に入所しています。") % {"shelter": stay.shelter.name}
    report = report_open(account=account)
    if report is not None and report.status == OffShelterReport.Status.ACTIVE:
        return _("避難所以外での避難をお知らせいただいています。変わったら更新してください。") + (
            f"\n{liff_url(REPORT_PATH)}"
        )
    return _("避難所以外（自宅・車中など）に避難しているときは、こちらからお知らせください。") + (
        f"\n{liff_url(REPORT_PATH)}"
    )
