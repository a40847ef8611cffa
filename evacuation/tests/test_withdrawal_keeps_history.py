"""退会 erases the person's own data and never anyone else's record: a shelter's head
count, board, roster and history, and the pickups volunteers made, stay true."""

import datetime
import shutil
import subprocess

import pytest
from django.db import connection
from django.test import TestCase

from evacuation.models import OffShelterReport, PickupEvent, PickupRequest
from evacuation.tests.evacuation_helpers import request_pickup
from evacuation.tests.report_steps import ReportClientMixin
from hakobou.testing.cast import make_cast
from residents.models import Account, DetailView, Resident, ResidentLink
from residents.registration import resident_create_manual
from residents.services import detail_view_log
from shelters.models import Method, PresenceEvent, Stay
from shelters.selectors import occupancy, shelter_board, shelter_roster
from shelters.services import stay_check_in
from shelters.tests.factories import ShelterFactory

NAMES = ["退会 一郎", "退会 花子", "退会 次郎", "退会 三郎", "退会 四郎", "退会 五郎"]


def _person(account, name, relation):
    return resident_create_manual(
        account=account,
        relation=relation,
        name=name,
        name_kana="タイカイ イチロウ",
        birth_date=datetime.date(1950, 5, 6),
        address="函館市谷地頭町5番5号",
        phone="0138-55-5555",
    )


class WithdrawalTestCase(ReportClientMixin, TestCase):
    """A household of six checked in, one more at home with a pickup requested, and a
    neighbour's household of five in the same shelter."""

    def setUp(self):
        self.shelter = ShelterFactory(capacity=100)
        self.account = self.sign_in_as_line_user("退会 一郎")
        self.household = [
            _person(self.account, name, "self" if n == 0 else "family")
            for n, name in enumerate(NAMES)
        ]
        for person in self.household:
            stay_check_in(resident=person, shelter=self.shelter, method=Method.PERSONAL_QR)
        neighbours = Account.objects.create(line_user_id="U" + "9" * 32)
        for n in range(5):
            person = _person(neighbours, f"隣人 {n}", "self" if n == 0 else "family")
            stay_check_in(resident=person, shelter=self.shelter, method=Method.PERSONAL_QR)
        self.grandma = _person(self.account, "退会 トメ", "family")
        self.me = self.household[0]
        self.send_report_for(self.grandma)
        self.pickup = request_pickup(self.report(), ShelterFactory())
        detail_view_log(
            user=make_cast().staff, residents=self.household, context=DetailView.Context.ROSTER
        )

    def send_report_for(self, person):
        self.post_step("place", {"place": "home"})
        self.post_step("location", {"latitude": "41.7535", "longitude": "140.716"})
        self.post_step("people", {"people": [person.pk], "others_count": "0"})
        self.post_step("needs", {"needs": ["transport"]})
        self.post_step("care", {"care": ["wheelchair"]})
        self.post_step("note", {"note": "裏口から入ってください。"})
        self.post_step("confirm", {"share": "on"})

    def counts(self) -> dict:
        board = {row.shelter.pk: row for row in shelter_board()}[self.shelter.pk]
        return {
            "open stays": Stay.objects.filter(shelter=self.shelter, checked_out_at=None).count(),
            "occupancy": occupancy(self.shelter).people,
            "board": board.occupancy.people,
            "roster": shelter_roster(self.shelter).count(),
            "stays": Stay.objects.count(),
            "presence events": PresenceEvent.objects.count(),
            "pickups": PickupRequest.objects.count(),
            "view log": DetailView.objects.count(),
            "residents": Resident.objects.count(),
            "reports": OffShelterReport.objects.count(),
        }

    def withdraw(self):
        response = self.client.post("/my/withdraw/")
        self.assertContains(response, "登録を解除しました")

    def test_counts_board_roster_and_history_are_unchanged(self):
        before = self.counts()
        self.assertEqual(before["open stays"], 11)
        self.withdraw()
        self.assertEqual(self.counts(), before)
        self.assertGreaterEqual(PickupEvent.objects.filter(pickup=self.pickup).count(), 1)

    def test_the_roster_shows_an_anonymous_person_still_at_the_shelter(self):
        self.withdraw()
        names = [stay.resident.display_name for stay in shelter_roster(self.shelter)]
        self.assertEqual(names.count("退会された方"), 6)
        self.assertFalse(set(NAMES) & set(names))
        for person in self.household:
            person.refresh_from_db()
            self.assertEqual(person.get_care_display(), [])

    def test_their_own_data_is_gone_from_the_database(self):
        self.withdraw()
        for person in [*self.household, self.grandma]:
            row = Resident.objects.filter(pk=person.pk).values(
                "name", "name_kana", "birth_date", "address", "phone", "care", "match_index"
            )
            self.assertEqual(
                row.get(),
                {
                    "name": "",
                    "name_kana": "",
                    "birth_date": None,
                    "address": "",
                    "phone": "",
                    "care": [],
                    "match_index": "",
                },
            )
        account = Account.objects.get(pk=self.account.pk)
        self.assertEqual((account.line_user_id, account.display_name), (None, ""))
        self.assertFalse(ResidentLink.objects.filter(account=account).exists())
        report = OffShelterReport.objects.get(account=account)
        self.assertEqual((report.note, report.address_text, report.care), ("", "", []))
        self.assertIsNone(report.latitude)
        self.assertEqual(report.end_reason, OffShelterReport.EndReason.WITHDRAWN)

    def test_a_pickup_not_yet_under_way_is_called_off_and_kept(self):
        self.withdraw()
        self.pickup.refresh_from_db()
        self.assertEqual(self.pickup.status, PickupRequest.Status.CANCELLED)
        self.assertEqual(self.pickup.note, "")
        kinds = list(self.pickup.events.values_list("kind", flat=True))
        self.assertEqual(kinds, ["requested", "cancelled"])

    def test_withdrawing_twice_is_harmless(self):
        self.withdraw()
        from residents.withdrawal import account_withdraw

        account_withdraw(account=Account.objects.get(pk=self.account.pk))
        self.assertEqual(Stay.objects.filter(checked_out_at=None).count(), 11)

    def test_reception_checks_the_anonymous_person_out_as_usual(self):
        from shelters.services import stay_check_out

        self.withdraw()
        stay_check_out(resident=Resident.objects.get(pk=self.me.pk))
        self.assertEqual(occupancy(self.shelter).people, 10)


def superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("admin", password="x" * 20)


class AdminDeletionTestCase(TestCase):
    def test_deleting_a_resident_in_admin_anonymises_and_keeps_the_stay(self):
        person = _person(Account.objects.create(), "削除 太郎", "self")
        shelter = ShelterFactory()
        stay_check_in(resident=person, shelter=shelter, method=Method.PERSONAL_QR)
        self.client.force_login(superuser())
        confirm = self.client.get(f"/admin/residents/resident/{person.pk}/delete/")
        self.assertEqual(confirm.status_code, 200)
        done = self.client.post(f"/admin/residents/resident/{person.pk}/delete/", {"post": "yes"})
        self.assertEqual(done.status_code, 302, done.content.decode()[:3000])
        person.refresh_from_db()
        self.assertIsNotNone(person.withdrawn_at)
        self.assertEqual(Stay.objects.filter(resident=person, checked_out_at=None).count(), 1)

    def test_deleting_an_account_in_admin_is_a_withdrawal(self):
        account = Account.objects.create(line_user_id="U" + "7" * 32)
        person = _person(account, "削除 花子", "self")
        self.client.force_login(superuser())
        self.client.post(f"/admin/residents/account/{account.pk}/delete/", {"post": "yes"})
        account.refresh_from_db()
        self.assertIsNotNone(account.withdrawn_at)
        person.refresh_from_db()
        self.assertEqual(person.display_name, "退会された方")

    def test_no_foreign_key_from_an_operational_record_to_a_person_cascades(self):
        for model, field in [
            (Stay, "resident"),
            (PresenceEvent, "resident"),
            (OffShelterReport, "account"),
            (DetailView, "resident"),
        ]:
            on_delete = model._meta.get_field(field).remote_field.on_delete.__name__
            self.assertIn(on_delete, {"PROTECT", "SET_NULL"}, f"{model.__name__}.{field}")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="dumps a PostgreSQL database")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs pg_dump")
def test_a_dump_after_withdrawal_holds_neither_their_names_nor_their_ciphertexts():
    from residents.withdrawal import account_withdraw

    account = Account.objects.create(line_user_id="U" + "8" * 32)
    person = _person(account, "退会 一郎", "self")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, name_kana, address, phone FROM residents_resident WHERE id = %s",
            [person.pk],
        )
        ciphertexts = [value for value in cursor.fetchone() if value]
    account_withdraw(account=account)
    settings = connection.settings_dict
    dump = subprocess.run(
        [
            shutil.which("pg_dump"),
            "--data-only",
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"] or "postgres",
            settings["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "residents_resident" in dump
    assert len(ciphertexts) == 4
    for secret in [*ciphertexts, "退会 一郎", "タイカイ イチロウ", "0138-55-5555"]:
        assert secret not in dump
