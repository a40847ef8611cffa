"""City staff use Django admin in Japanese: every model and field of ours has a Japanese
name (else Django shows the attribute's, "Dedupe key", "CHANGED BY"), every page of the
admin shows its columns and labels in Japanese, and raw keys (an outbox message's
purpose, a dedupe key) are shown in words."""

from __future__ import annotations

import datetime
import re
import uuid
from html.parser import HTMLParser

from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation

from dashboard.tests.seed import make_pickup
from evacuation.models import PickupEvent
from hakobou.testing.cast import BaseTestCase
from limits.models import Counter
from messaging.models import (
    LineFriend,
    OutboxChunk,
    OutboxMessage,
    SimulatedMessage,
    SimulatedRequest,
    SimulatedUser,
    SimulatorConfig,
    WebhookEvent,
)
from notices.models import Notice, NoticeRecipient, NoticeResend, Segment
from residents.models import (
    Account,
    DetailView,
    ImportRun,
    MatchAttempt,
    TakeoverRequest,
)
from residents.tests.factories import RegistryPersonFactory
from shelters.models import PresenceEvent, ShelterNotice, ShelterStatusChange, Stay
from shelters.tests.factories import ShelterFactory
from supplies.models import (
    DeliveryBatch,
    DeliveryEvent,
    SupplyRequest,
    SupplyRequestLine,
)
from supplies.tests.supply_helpers import item, open_round

OUR_APPS = {
    "hakobou",
    "limits",
    "areas",
    "residents",
    "shelters",
    "evacuation",
    "supplies",
    "notices",
    "messaging",
    "dashboard",
}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff00-\uffef]")
# Labels that are the same in Japanese: the primary key's column, proper names.
NOT_TRANSLATED = {"ID", "LINE", "GPS"}


def _our_models():
    return [model for model in apps.get_models() if model._meta.app_label in OUR_APPS]


def _fields(model):
    """The fields a model declares (not the reverse relations other models give it)."""
    return [
        field
        for field in model._meta.get_fields()
        if not (field.auto_created and not field.concrete) and field.name != "id"
    ]


class EveryModelSpeaksJapaneseTests(BaseTestCase):
    def test_every_model_has_a_japanese_name(self):
        with translation.override("ja"):
            missing = [
                model._meta.label
                for model in _our_models()
                if not JAPANESE.search(str(model._meta.verbose_name))
                or not JAPANESE.search(str(model._meta.verbose_name_plural))
            ]
        self.assertEqual(missing, [])

    def test_every_field_has_a_japanese_name(self):
        with translation.override("ja"):
            missing = [
                f"{model._meta.label}.{field.name} ({field.verbose_name})"
                for model in _our_models()
                for field in _fields(model)
                if not JAPANESE.search(str(field.verbose_name))
            ]
        self.assertEqual(missing, [])

    def test_every_choice_has_words(self):
        with translation.override("ja"):
            missing = [
                f"{model._meta.label}.{field.name}: {label}"
                for model in _our_models()
                for field in _fields(model)
                for _value, label in (field.flatchoices or [])
                if not JAPANESE.search(str(label)) and str(label) not in NOT_TRANSLATED
            ]
        self.assertEqual(missing, [])


class _Labels(HTMLParser):
    """The texts staff read as names on an admin page: column headers, field labels and
    list filter titles."""

    NAMED = {"th", "label"}

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[str] = []
        self._open: list[list[str]] = []
        self._in_thead = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self._in_thead += 1
        if attrs.get("data-filter-title"):
            self.labels.append(attrs["data-filter-title"])
        if tag == "label" or (tag == "th" and self._in_thead):
            self._open.append([])

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_thead -= 1
        if self._open and (tag == "label" or (tag == "th" and self._in_thead)):
            text = " ".join("".join(self._open.pop()).split()).rstrip(":：")
            if text:
                self.labels.append(text)

    def handle_data(self, data):
        for parts in self._open:
            parts.append(data)


def _labels(html: str) -> list[str]:
    parser = _Labels()
    parser.feed(html)
    return parser.labels


class AdminPagesSpeakJapaneseTests(BaseTestCase):
    """Every registered ModelAdmin's list, its add page where staff may add, and the
    page of one record where the test data has one, all in Japanese."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        area, staff = cls.area_a, cls.staff
        shelter = ShelterFactory(area=area)
        round, reports = open_round(area, households=1, by_user=staff)
        report = reports[0]
        pickup = make_pickup(report, shelter)
        PickupEvent.objects.create(pickup=pickup, kind=PickupEvent.Kind.NOTE, note="メモ")
        resident = report.people.get()
        account = report.account
        person = RegistryPersonFactory(area=area)
        ImportRun.objects.create(file_name="registry.csv", created_by=staff)
        TakeoverRequest.objects.create(
            account=Account.objects.create(), resident=resident, relation="family"
        )
        MatchAttempt.objects.create(account=account, result=MatchAttempt.Result.NONE)
        DetailView.objects.create(
            user=staff, resident_ref=resident.pk, registry_ref=person.pk, context="admin"
        )
        ShelterStatusChange.objects.create(shelter=shelter, status="open", changed_by=staff)
        ShelterNotice.objects.create(shelter=shelter, kind="opened", recipients=3)
        Stay.objects.create(resident=resident, shelter=shelter, method="staff")
        PresenceEvent.objects.create(
            resident=resident, shelter=shelter, kind="in", method="staff", by_user=staff
        )
        delivery = round.deliveries.get()
        batch = DeliveryBatch.objects.create(round=round, volunteer=staff)
        DeliveryEvent.objects.create(
            delivery=delivery, delivery_ref=delivery.pk, kind="claimed", by_user=staff
        )
        delivery.batch = batch
        delivery.save(update_fields=["batch"])
        supply_request = SupplyRequest.objects.create(shelter=shelter, requested_by=staff)
        SupplyRequestLine.objects.create(request=supply_request, item=item(), quantity=5)
        Segment.objects.create(name="甲町会の在宅", tree={"if": "off_shelter"}, created_by=staff)
        notice = Notice.objects.create(
            title="給水", segment={"if": "off_shelter"}, texts={"ja": "給水"}, created_by=staff
        )
        NoticeRecipient.objects.create(notice=notice, account=account, channel="web")
        NoticeResend.objects.create(notice=notice, by=staff, requests=1)
        message = OutboxMessage.objects.create(
            kind="push",
            messages=[{"type": "text", "text": "給水"}],
            purpose=f"notice:{notice.pk}",
            dedupe_key=f"notice:{notice.pk}:ja",
        )
        OutboxChunk.objects.create(
            message=message, user_ids=["U" + "a" * 32], retry_key=uuid.uuid4()
        )
        WebhookEvent.objects.create(event_id="01EVENT", event_type="follow", payload={})
        LineFriend.objects.create(user_id="U" + "a" * 32, is_following=True)
        user = SimulatedUser.objects.create(user_id="U" + "b" * 32, display_name="在宅")
        SimulatedMessage.objects.create(user=user, message={"type": "text", "text": "給水"})
        SimulatedRequest.objects.create(
            retry_key=str(uuid.uuid4()), endpoint="push", request_id=str(uuid.uuid4())
        )
        SimulatorConfig.objects.get_or_create()
        Counter.objects.create(
            scope="registry-identity",
            key=f"account:{account.pk}",
            window_start=timezone.now() - datetime.timedelta(minutes=1),
            used=1,
        )

    def setUp(self):
        self.client.force_login(self.staff)

    def _get(self, url: str):
        with translation.override("ja"):
            page = self.client.get(url, HTTP_ACCEPT_LANGUAGE="ja")
        self.assertEqual(page.status_code, 200, url)
        return page

    def _assert_japanese(self, url: str, page) -> None:
        english = [
            label
            for label in _labels(page.content.decode())
            if not JAPANESE.search(label) and label not in NOT_TRANSLATED
        ]
        self.assertEqual(english, [], url)

    def test_every_admin_page_labels_in_japanese(self):
        request = RequestFactory().get("/admin/")
        request.user = self.staff
        opened = []
        self._assert_japanese("/admin/", self._get("/admin/"))
        for model, model_admin in admin.site._registry.items():
            info = model._meta.app_label, model._meta.model_name
            url = reverse("admin:{}_{}_changelist".format(*info))
            self._assert_japanese(url, self._get(url))
            opened.append(url)
            if model_admin.has_add_permission(request):
                url = reverse("admin:{}_{}_add".format(*info))
                self._assert_japanese(url, self._get(url))
                opened.append(url)
            obj = model._default_manager.order_by("pk").first()
            if obj is not None:
                url = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
                self._assert_japanese(url, self._get(url))
                opened.append(url)
        # Each registered model's list, and a record's page for nearly all of them.
        self.assertGreater(len(opened), 2 * len(admin.site._registry))


class RawKeysInWordsTests(BaseTestCase):
    """An outbox message names what it was for, not the key it is stored under; so do a
    budget's counter and a webhook event."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.notice = Notice.objects.create(
            title="給水",
            segment={"if": "off_shelter"},
            texts={"ja": "給水"},
            created_by=cls.staff,
        )
        texts = [{"type": "text", "text": "給水"}]
        cls.for_notice = OutboxMessage.objects.create(
            kind="multicast",
            messages=texts,
            purpose=f"notice:{cls.notice.pk}",
            dedupe_key=f"notice:{cls.notice.pk}:en",
        )
        OutboxMessage.objects.create(
            kind="push", messages=texts, purpose="welcome", dedupe_key="welcome:01EVENT"
        )
        OutboxMessage.objects.create(
            kind="push",
            messages=texts,
            purpose="pickup_claimed",
            dedupe_key="pickup-event:31:ja",
        )

    def setUp(self):
        self.client.force_login(self.staff)

    def test_the_list_names_the_notice_not_its_key(self):
        page = self.client.get("/admin/messaging/outboxmessage/", HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, f"お知らせ #{self.notice.pk}")
        self.assertNotContains(page, f">notice:{self.notice.pk}<")
        self.assertContains(page, "友だち追加のあいさつ")
        self.assertNotContains(page, ">welcome<")
        self.assertContains(page, "送迎のお知らせ（担当）")

    def test_the_message_page_names_the_notice_and_its_language(self):
        page = self.client.get(
            f"/admin/messaging/outboxmessage/{self.for_notice.pk}/change/",
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        self.assertContains(page, f"お知らせ #{self.notice.pk}（English）")
        self.assertContains(page, "重複防止キー")
        # The stored key stays visible (quiet), for searching and the logs.
        self.assertContains(page, f"notice:{self.notice.pk}:en")

    def test_budgets_and_webhook_events_are_named_in_words(self):
        Counter.objects.create(
            scope="registry-identity",
            key="account:1",
            window_start=timezone.now(),
            used=1,
        )
        WebhookEvent.objects.create(event_id="01EVENT", event_type="follow", payload={})
        page = self.client.get("/admin/limits/counter/", HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, "住基照合の失敗（利用者ごと）")
        page = self.client.get("/admin/messaging/webhookevent/", HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, "友だち追加")

    def test_a_purpose_no_app_named_is_shown_as_stored(self):
        OutboxMessage.objects.create(
            kind="push", messages=[{"type": "text", "text": "x"}], purpose="bench"
        )
        page = self.client.get("/admin/messaging/outboxmessage/", HTTP_ACCEPT_LANGUAGE="ja")
        self.assertContains(page, ">bench<")
