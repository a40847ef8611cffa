"""A drill whose every free-text field holds hostile text, for the XSS and CSV tests.

The drill's own seed (hakobou.services.drill_seed) builds the world through the
project's services: areas, staff and volunteers, shelters, people sheltering outside
with reports and pickups, a supply round with deliveries, a shelter's request. This
module adds what the seed leaves out (stays, notes, a notice, LINE messages) through
the services too, then writes a payload into every free-text field people can fill.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import models

from areas.models import Area, ResponderProfile
from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from evacuation.services import pickup_add_note
from hakobou import drill
from hakobou.services import drill_seed
from messaging.models import LineFriend, SimulatedMessage, SimulatedUser
from notices.models import Notice, Segment
from notices.services import notice_create
from residents.models import Account, Resident
from residents.registration import resident_create_manual
from shelters.models import Method, Shelter, ShelterStatusChange
from shelters.services import stay_check_in
from supplies.deliveries import deliveries_take
from supplies.models import (
    Delivery,
    DeliveryEvent,
    Depot,
    DistributionRound,
    Item,
    LedgerEntry,
    SupplyRequest,
)

User = get_user_model()

# Each one counts its runs in window.__xss, so a page that ran none leaves it undefined.
XSS_PAYLOADS = (
    '<img src=x onerror="window.__xss=(window.__xss||0)+1">',
    '"><svg onload="window.__xss=(window.__xss||0)+1">',
    "</script><script>window.__xss=(window.__xss||0)+1</script>",
    "'><img src=x onerror=__xss=1>",
    "');__xss=1;//<b>x",
    "${__xss=1}{{7*7}}",
    "<svg onload=__xss=1>",
    "<i onclick=__xss=1>",
)
# What a spreadsheet would evaluate when a cell starts with it.
CSV_PAYLOADS = (
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-1+1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("https://evil.example","x")',
)
SCRIPT_URL = "javascript:window.__xss=(window.__xss||0)+1"


@dataclass
class World:
    staff: User
    volunteer: User
    reception: User
    shelter: Shelter
    round: DistributionRound
    notice: Notice
    resident_account: Account
    line_user: SimulatedUser
    report: OffShelterReport
    fields: list[str] = field(default_factory=list)  # "app.Model.field" written


class _Writer:
    """Hands out the payloads in turn, each fitting the field it goes into."""

    def __init__(self, payloads: Sequence[str]) -> None:
        self.payloads = payloads
        self.turn = itertools.count()
        self.fields: set[str] = set()

    def text(self, max_length: int | None) -> str:
        fitting = [p for p in self.payloads if max_length is None or len(p) <= max_length]
        return fitting[next(self.turn) % len(fitting)]

    def put(self, queryset: models.QuerySet, *names: str) -> None:
        """One payload per row and field, written as the model saves it (encrypted
        fields encrypt)."""
        model = queryset.model
        for obj in queryset:
            for name in names:
                setattr(obj, name, self.text(model._meta.get_field(name).max_length))
                self.fields.add(f"{model._meta.label}.{name}")
            obj.save(update_fields=names)


def hostile_world(payloads: Sequence[str], *, data_dir: Path) -> World:
    drill_seed(registry_path=data_dir / drill.REGISTRY_FILE_NAME)
    staff = User.objects.get(username=drill.ACCOUNTS[0].username)
    volunteer = User.objects.get(username="aoyagi")
    reception = User.objects.get(username="aoyagi-reception")
    shelter = Shelter.objects.get(code=drill.PICKUP_SHELTER)

    # The drill's first person (a report, a pickup, a delivery) adds family: their own
    # pages (/my/) show the payloads.
    line_user = SimulatedUser.objects.get(display_name=drill.EVACUEES[0].name)
    account = Account.objects.get(line_user_id=line_user.user_id)
    resident_create_manual(
        account=account,
        relation="family",
        name="家族",
        name_kana="カゾク",
        birth_date=datetime.date(1950, 1, 2),
        address="函館市谷地頭町",
        area=Area.objects.get(code="101"),
    )
    # Two of the drill's people reach the shelter: the roster, the board, reception.
    arriving = {drill.EVACUEES[2].name, drill.EVACUEES[5].name}
    for person in Resident.objects.all():
        if person.name in arriving:
            stay_check_in(resident=person, shelter=shelter, method=Method.POSTER_QR, companions=1)
    report = OffShelterReport.objects.get(account=account)
    for pickup in PickupRequest.objects.all():
        pickup_add_note(pickup=pickup, user=staff, note="メモ")
    # A volunteer takes a batch of the round: the batch's print page, the holder shown.
    deliveries_take(round=DistributionRound.objects.get(), user=volunteer, count=3)
    notice = notice_create(
        title="お知らせ",
        segment={"if": "everyone"},
        texts={"ja": "本文"},
        link_url="https://example.org/",
        link_label="詳しく",
        by_user=staff,
    )
    Segment.objects.create(name="対象", tree={"if": "everyone"}, created_by=staff)

    writer = _Writer(payloads)
    writer.put(Area.objects.all(), "name")
    writer.put(User.objects.all(), "first_name", "last_name")
    writer.put(ResponderProfile.objects.all(), "phone")
    writer.put(Shelter.objects.all(), "name", "address", "rules", "contact")
    writer.put(ShelterStatusChange.objects.all(), "note")
    writer.put(Resident.objects.all(), "name", "address", "phone")
    writer.put(Account.objects.all(), "display_name")
    writer.put(LineFriend.objects.all(), "display_name")
    writer.put(SimulatedUser.objects.all(), "display_name")
    writer.put(OffShelterReport.objects.all(), "place_note", "address_text", "needs_other", "note")
    writer.put(PickupRequest.objects.all(), "note", "unable_reason")
    writer.put(PickupEvent.objects.exclude(note=""), "note")
    writer.put(Depot.objects.all(), "name", "address")
    writer.put(Item.objects.all(), "unit")
    _put_unique(writer, Item.objects.all(), "name")
    writer.put(LedgerEntry.objects.all(), "reason")
    writer.put(DistributionRound.objects.all(), "name", "note")
    writer.put(Delivery.objects.all(), "dispute_note")
    writer.put(DeliveryEvent.objects.all(), "note")
    writer.put(SupplyRequest.objects.all(), "note")
    writer.put(Notice.objects.all(), "title", "link_label")
    _put_unique(writer, Segment.objects.all(), "name")
    Notice.objects.filter(pk=notice.pk).update(
        texts={code: writer.text(None) for code in ("ja", "en", "ja-easy")}
    )
    writer.fields.add("notices.Notice.texts")

    # LINE: what people type in the simulator's chat, and what the portal sends them.
    for text in payloads:
        SimulatedMessage.objects.create(
            user=line_user,
            direction=SimulatedMessage.Direction.FROM_USER,
            message={"type": "text", "text": text},
        )
        SimulatedMessage.objects.create(
            user=line_user,
            direction=SimulatedMessage.Direction.TO_USER,
            message={"type": "text", "text": text},
        )
    writer.fields.add("messaging.SimulatedMessage.message")

    world = World(
        staff=staff,
        volunteer=volunteer,
        reception=reception,
        shelter=Shelter.objects.get(pk=shelter.pk),
        round=DistributionRound.objects.get(),
        notice=Notice.objects.get(pk=notice.pk),
        resident_account=account,
        line_user=line_user,
        report=report,
        fields=sorted(writer.fields),
    )
    return world


def _put_unique(writer: _Writer, queryset: models.QuerySet, name: str) -> None:
    """A unique field: the payload with a short number after it."""
    for number, obj in enumerate(queryset):
        max_length = queryset.model._meta.get_field(name).max_length
        setattr(obj, name, f"{writer.text(max_length - 3)}{number:03}")
        obj.save(update_fields=[name])
    writer.fields.add(f"{queryset.model._meta.label}.{name}")
