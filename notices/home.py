"""Notices' section on the resident's page (/my/, residents.hub): the city's messages
to this account, for people without LINE above all (LINE users have them in the chat)."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from notices.models import Notice, NoticeRecipient
from residents.hub import Section
from residents.models import Account

SHOWN = 10


def section(account: Account) -> Section | None:
    sent = (
        NoticeRecipient.objects.filter(account=account, notice__status=Notice.Status.SENT)
        .select_related("notice")
        .order_by("-notice__started_at")[:SHOWN]
    )
    language = translation.get_language() or settings.LANGUAGE_CODE
    rows = [
        (
            recipient.notice.started_at,
            recipient.notice.texts.get(language)
            or recipient.notice.texts.get(settings.LANGUAGE_CODE, ""),
            recipient.notice,
        )
        for recipient in sent
    ]
    if not rows:
        return None
    return Section("notices/home_section.html", {"rows": rows})
