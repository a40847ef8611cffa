"""What happens to supply deliveries when a household member withdraws (退会): the
deliveries stay (the depot's books and the round's counts rely on them), what the
household wrote about a missing delivery goes."""

from __future__ import annotations

from residents.models import Account, Resident
from supplies.models import Delivery, DeliveryEvent


def deliveries_of_withdrawn(account: Account | None, forgotten: list[Resident]) -> None:
    if account is None:
        return
    Delivery.objects.filter(report__account=account).update(dispute_note="")
    DeliveryEvent.objects.filter(by_account=account).update(note="")
