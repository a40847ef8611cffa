"""退会 and unlinking: a person's own data goes, the facts others rely on stay.

A shelter's head count, its history, a pickup a volunteer is driving, the audit of who
saw whom: these are operational records, and they stay, about an anonymous person
(退会された方). What goes is what identifies the person: name, furigana, birth date,
address, phone, care considerations, the link to the registry and to LINE, and (through
the apps that hold it) the free text they wrote. Rows are anonymised, never deleted, so
no foreign key from an operational record ever needs to cascade.

Apps above residents hold more of the person's data (their reports, for one): they
register a handler here in their AppConfig.ready(), run in the same transaction before
the person's identity goes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from residents.models import Account, Resident, ResidentLink, TakeoverRequest

# handler(account, forgotten): the account withdraws (None when a resident is only
# unlinked), ``forgotten`` the residents nobody is linked to any more.
WithdrawalHandler = Callable[[Account | None, list[Resident]], None]

_handlers: list[WithdrawalHandler] = []


def register(handler: WithdrawalHandler) -> WithdrawalHandler:
    if handler not in _handlers:
        _handlers.append(handler)
    return handler


def _run_handlers(account: Account | None, forgotten: list[Resident]) -> None:
    for handler in _handlers:
        handler(account, forgotten)


def _forget(resident: Resident, now) -> None:
    """The person's own data goes; the row stays for the stays and reports it carries."""
    Resident.objects.filter(pk=resident.pk).update(
        registry_person=None,
        name="",
        name_kana="",
        birth_date=None,
        address="",
        phone="",
        care=[],
        match_index="",
        withdrawn_at=now,
        updated_at=now,
    )


def _unlink(account: Account, resident: Resident) -> bool:
    """Remove the link; True when nobody is linked to the resident any more."""
    ResidentLink.objects.filter(account=account, resident=resident).delete()
    TakeoverRequest.objects.filter(
        account=account, resident=resident, status=TakeoverRequest.Status.PENDING
    ).delete()
    return not resident.links.exists()


@transaction.atomic
def resident_unlink(*, account: Account, resident: Resident) -> None:
    """Remove a link; a resident nobody is linked to any more is forgotten (anonymised)."""
    if _unlink(account, resident):
        _run_handlers(None, [resident])
        _forget(resident, timezone.now())


@transaction.atomic
def resident_forget(*, resident: Resident) -> None:
    """Staff delete a person (admin): every link goes and the person is anonymised."""
    for link in list(resident.links.select_related("account")):
        _unlink(link.account, resident)
    _run_handlers(None, [resident])
    _forget(resident, timezone.now())


@transaction.atomic
def account_withdraw(*, account: Account) -> None:
    """退会: unlink everyone, forget the people nobody else is linked to, and anonymise
    the account itself (its reports stay, about nobody). Whether the LINE user may be
    messaged is messaging's LineFriend, which a withdrawal does not touch: the user can
    register again."""
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.withdrawn_at is not None:
        return
    now = timezone.now()
    forgotten = [
        link.resident
        for link in list(account.links.select_related("resident"))
        if _unlink(account, link.resident)
    ]
    TakeoverRequest.objects.filter(account=account, status=TakeoverRequest.Status.PENDING).delete()
    _run_handlers(account, forgotten)
    for resident in forgotten:
        _forget(resident, now)
    Account.objects.filter(pk=account.pk).update(
        line_user_id=None,
        display_name="",
        recovery_code_hash=None,
        consented_at=None,
        withdrawn_at=now,
    )
