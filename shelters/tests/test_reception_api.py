"""The reception API: scan or search, then check in / out / transfer, each safe to repeat."""

import datetime
import time
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from areas.models import Area
from areas.services import responder_upsert
from evacuation.models import OffShelterReport
from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.roles import Role
from residents.models import DetailView, Resident
from residents.tests.factories import RegistryPersonFactory
from shelters.models import PresenceEvent, Shelter, Stay
from shelters.tests.factories import ShelterFactory
from shelters.tests.test_presence import make_resident
from shelters.tokens import personal_token

BIRTH = datetime.date(1950, 1, 1)


class ReceptionTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory(name="青柳小学校 体育館", capacity=100)
        self.other = ShelterFactory(name="函館公園")
        self.clerk = responder_upsert(
            username="reception-aoyagi", password=PASSWORD, role=Role.RECEPTION, areas=[]
        )
        self.shelter.reception.add(self.clerk)
        self.resident = make_resident("避難 花子")
        self.resident.care = ["elderly", "allergy"]
        self.resident.save()
        self.client.force_login(self.clerk)

    def url(self, action, shelter=None):
        return f"/api/shelters/{(shelter or self.shelter).pk}/reception/{action}"

    def post(self, action, data, shelter=None):
        return self.client.post(self.url(action, shelter), data, content_type="application/json")

    def scan(self, resident=None):
        response = self.post("lookup", {"code": personal_token(resident or self.resident)})
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()["people"][0]


class LookupTestCase(ReceptionTestCase):
    def test_a_scanned_personal_qr_shows_the_person_and_their_care_considerations(self):
        person = self.scan()
        self.assertEqual(person["name"], "避難 花子")
        self.assertEqual(person["care"], ["高齢", "アレルギー"])
        self.assertFalse(person["verified"])
        self.assertEqual(person["stay"]["where"], "none")

    def test_every_lookup_is_logged_as_a_view_of_personal_detail(self):
        self.scan()
        log = DetailView.objects.get()
        self.assertEqual(
            (log.user, log.resident, log.context),
            (self.clerk, self.resident, DetailView.Context.RECEPTION),
        )

    def test_an_expired_code_asks_the_person_to_reopen_their_qr(self):
        with mock.patch("time.time", return_value=time.time() - 16 * 60):
            screenshot = personal_token(self.resident)
        response = self.post("lookup", {"code": screenshot})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "expired")
        self.assertIn("有効期限", response.json()["message"])

    def test_a_forged_code_is_refused_politely(self):
        response = self.post("lookup", {"code": "HKB1:forged"})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["code"], "invalid")
        self.assertFalse(DetailView.objects.exists())

    def test_furigana_alone_finds_people_present_here(self):
        self.post("check-in", {"code": personal_token(self.resident)})
        make_resident("別人 次郎")  # same furigana, but not here
        response = self.post("lookup", {"kana": "ひなん"})
        people = response.json()["people"]
        self.assertEqual([p["name"] for p in people], ["避難 花子"])
        self.assertEqual(people[0]["stay"]["where"], "here")

    def test_furigana_and_birth_date_find_someone_in_the_registry(self):
        RegistryPersonFactory(name="函館 太郎", name_kana="ハコダテ タロウ", birth_date=BIRTH)
        response = self.post("lookup", {"kana": "ハコダテタロウ", "birth_date": "昭和25年1月1日"})
        (person,) = response.json()["people"]
        self.assertEqual((person["name"], person["verified"]), ("函館 太郎", True))
        self.assertEqual(DetailView.objects.get().registry_ref is not None, True)

    def test_furigana_and_birth_date_find_someone_entered_by_hand_who_is_not_here(self):
        # Registered by hand (a visitor), arrives without a phone: not in the registry.
        response = self.post("lookup", {"kana": "ひなん はなこ", "birth_date": "昭和25年1月1日"})
        (person,) = response.json()["people"]
        self.assertEqual((person["name"], person["verified"]), ("避難 花子", False))
        self.assertEqual(person["stay"]["where"], "none")
        self.post("check-in", {"handle": person["handle"]})
        self.assertEqual(Stay.objects.get().resident, self.resident)

    def test_someone_entered_by_hand_and_present_here_is_listed_once(self):
        self.post("check-in", {"code": personal_token(self.resident)})
        response = self.post("lookup", {"kana": "ヒナン ハナコ", "birth_date": "1950-01-01"})
        self.assertEqual([p["name"] for p in response.json()["people"]], ["避難 花子"])

    def test_a_wrong_birth_date_finds_no_one_entered_by_hand(self):
        response = self.post("lookup", {"kana": "ヒナン ハナコ", "birth_date": "1950-01-02"})
        self.assertEqual(response.json()["people"], [])

    def test_an_unreadable_birth_date_gets_examples(self):
        response = self.post("lookup", {"kana": "ハコダテ", "birth_date": "きのう"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("昭和30年4月1日", response.json()["message"])

    def test_an_empty_search_asks_for_furigana(self):
        response = self.post("lookup", {"kana": " "})
        self.assertEqual(response.json()["code"], "kana")


class CheckInTestCase(ReceptionTestCase):
    def test_one_tap_checks_the_person_in_with_companions(self):
        person = self.scan()
        response = self.post("check-in", {"handle": person["handle"], "companions": 2})
        body = response.json()
        self.assertEqual(body["result"], "checked_in")
        self.assertEqual(body["person"]["stay"]["where"], "here")
        stay = Stay.objects.get()
        self.assertEqual(
            (stay.shelter, stay.companions, stay.method), (self.shelter, 2, "personal_qr")
        )
        self.assertEqual(PresenceEvent.objects.get().by_user, self.clerk)

    def test_a_scanned_person_sheltering_elsewhere_leaves_their_report(self):
        area = Area.objects.first()
        report = family_report(area)
        person = report.people.get()
        with self.captureOnCommitCallbacks(execute=True):  # the arrival's follow-up
            response = self.post("check-in", {"code": personal_token(person)})
        self.assertEqual(response.json()["result"], "checked_in")
        report.refresh_from_db()
        self.assertEqual(report.status, OffShelterReport.Status.ENDED)
        self.assertEqual(report.end_reason, OffShelterReport.EndReason.REACHED_SHELTER)

    def test_a_scan_check_in_is_three_reads_and_two_writes(self):
        # The user, the shelter (with the permission), the person (with the registry
        # record, the open stay and the report flag); then the view log, and the stay
        # with its event: one statement on PostgreSQL, two inserts in a transaction
        # elsewhere. (The session is read from the cache when Redis is configured.) The
        # arrival notice is written afterwards, outside the request.
        code = personal_token(self.resident)
        with CaptureQueriesContext(connection) as run:
            response = self.post("check-in", {"code": code})
        self.assertEqual(response.json()["result"], "checked_in")
        statements = [
            " ".join(query["sql"].split()[:3]).replace('"', "")
            for query in run.captured_queries
            if not query["sql"].startswith(("SAVEPOINT", "RELEASE", 'SELECT "django_session"'))
        ]
        stay_and_event = (
            ["WITH stay AS"]
            if connection.vendor == "postgresql"
            else ["INSERT INTO shelters_stay", "INSERT INTO shelters_presenceevent"]
        )
        self.assertEqual(
            [statement.split(" ", 1)[0] for statement in statements[:3]], ["SELECT"] * 3
        )
        self.assertEqual(
            statements[3:], ["INSERT INTO residents_detailview", *stay_and_event], statements
        )

    def test_a_retry_after_a_lost_answer_does_not_make_a_second_stay(self):
        person = self.scan()
        first = self.post("check-in", {"handle": person["handle"]})
        again = self.post("check-in", {"handle": person["handle"]})
        self.assertEqual(first.json()["result"], "checked_in")
        self.assertEqual(again.json()["result"], "already_here")
        self.assertIn("入所済み", again.json()["message"])
        self.assertEqual(Stay.objects.count(), 1)
        self.assertEqual(PresenceEvent.objects.count(), 1)

    def test_someone_found_by_name_is_logged_as_a_name_search(self):
        RegistryPersonFactory(name="函館 太郎", name_kana="ハコダテ タロウ", birth_date=BIRTH)
        response = self.post("lookup", {"kana": "ハコダテ タロウ", "birth_date": "S25.1.1"})
        self.post("check-in", {"handle": response.json()["people"][0]["handle"]})
        self.assertEqual(Stay.objects.get().method, "name_search")

    def test_checking_in_straight_from_a_scan_records_the_personal_qr(self):
        response = self.post("check-in", {"code": personal_token(self.resident)})
        self.assertEqual(response.json()["result"], "checked_in")
        self.assertEqual(Stay.objects.get().method, "personal_qr")
        self.assertEqual(DetailView.objects.count(), 1)

    def test_someone_staying_elsewhere_is_named_and_can_be_moved_here(self):
        self.client.force_login(self.staff)
        self.post("check-in", {"code": personal_token(self.resident)}, shelter=self.other)
        self.client.force_login(self.clerk)
        person = self.scan()
        self.assertEqual(person["stay"]["where"], "elsewhere")
        answer = self.post("check-in", {"handle": person["handle"]}).json()
        self.assertEqual(answer["result"], "elsewhere")
        self.assertIn("函館公園", answer["message"])
        moved = self.post("transfer", {"handle": person["handle"]}).json()
        self.assertEqual(moved["person"]["stay"]["where"], "here")
        self.assertEqual(Stay.objects.get(checked_out_at__isnull=True).shelter, self.shelter)
        self.assertEqual(
            list(PresenceEvent.objects.values_list("kind", flat=True)), ["transfer", "in"]
        )

    def test_someone_found_only_in_the_registry_gets_a_resident_record_at_check_in(self):
        RegistryPersonFactory(name="函館 太郎", name_kana="ハコダテ タロウ", birth_date=BIRTH)
        response = self.post("lookup", {"kana": "ハコダテ タロウ", "birth_date": "1950-01-01"})
        handle = response.json()["people"][0]["handle"]
        self.post("check-in", {"handle": handle})
        self.post("check-in", {"handle": handle})
        resident = Resident.objects.get(registry_person__isnull=False)
        self.assertEqual(resident.registered_by, self.clerk)
        self.assertEqual(Stay.objects.filter(resident=resident).count(), 1)

    def test_a_closed_shelter_takes_no_one(self):
        Shelter.objects.filter(pk=self.shelter.pk).update(status=Shelter.Status.CLOSED)
        response = self.post("check-in", {"code": personal_token(self.resident)})
        self.assertEqual(response.status_code, 409)
        self.assertIn("閉鎖中", response.json()["message"])
        self.assertFalse(Stay.objects.exists())

    def test_companions_must_be_a_sensible_number(self):
        person = self.scan()
        response = self.post("check-in", {"handle": person["handle"], "companions": 99})
        self.assertEqual(response.status_code, 400)
        self.assertIn("0〜50", str(response.json()))
        self.assertFalse(Stay.objects.exists())

    def test_a_tampered_handle_acts_on_no_one(self):
        response = self.post("check-in", {"handle": "eyJyIjoxfQ:forged:sig"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Stay.objects.exists())


class CheckOutTestCase(ReceptionTestCase):
    def test_check_out_twice_is_harmless(self):
        self.post("check-in", {"code": personal_token(self.resident)})
        person = self.scan()
        first = self.post("check-out", {"handle": person["handle"]}).json()
        second = self.post("check-out", {"handle": person["handle"]}).json()
        self.assertEqual(first["result"], "checked_out")
        self.assertEqual(second["result"], "not_here")
        self.assertEqual(first["person"]["stay"]["where"], "none")
        self.assertEqual(PresenceEvent.objects.filter(kind="out").count(), 1)

    def test_reception_cannot_check_out_someone_staying_at_another_shelter(self):
        self.client.force_login(self.staff)
        self.post("check-in", {"code": personal_token(self.resident)}, shelter=self.other)
        self.client.force_login(self.clerk)
        person = self.scan()
        self.assertEqual(
            self.post("check-out", {"handle": person["handle"]}).json()["result"], "not_here"
        )
        self.assertTrue(Stay.objects.filter(checked_out_at__isnull=True).exists())


class PermissionTestCase(ReceptionTestCase):
    def test_reception_of_another_shelter_cannot_check_in_here(self):
        response = self.post(
            "check-in", {"code": personal_token(self.resident)}, shelter=self.other
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Stay.objects.exists())

    def test_a_shelter_that_does_not_exist_is_not_found(self):
        missing = Shelter(pk=self.other.pk + 100)
        response = self.post("check-in", {"code": personal_token(self.resident)}, shelter=missing)
        self.assertEqual(response.status_code, 404)

    def test_a_volunteer_is_not_reception(self):
        self.client.force_login(self.volunteer_a)
        self.assertEqual(
            self.post("lookup", {"code": personal_token(self.resident)}).status_code, 403
        )

    def test_anonymous_gets_nothing(self):
        self.client.logout()
        for action in ("lookup", "check-in", "check-out", "transfer"):
            response = self.post(action, {"code": personal_token(self.resident)})
            self.assertIn(response.status_code, (401, 403))
        self.assertFalse(Stay.objects.exists())

    def test_city_staff_can_do_reception_anywhere(self):
        self.client.force_login(self.staff)
        response = self.post(
            "check-in", {"code": personal_token(self.resident)}, shelter=self.other
        )
        self.assertEqual(response.json()["result"], "checked_in")

    def test_the_reception_page_is_for_that_shelters_reception(self):
        self.assertEqual(
            self.client.get(f"/dashboard/reception/{self.shelter.pk}/").status_code, 200
        )
        self.assertEqual(self.client.get(f"/dashboard/reception/{self.other.pk}/").status_code, 403)
        self.client.logout()
        response = self.client.get(f"/dashboard/reception/{self.shelter.pk}/")
        self.assertEqual(response.status_code, 302)
