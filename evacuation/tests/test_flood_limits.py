"""One anonymous client cannot flood the volunteers' map: browser identities, reports
and pickup requests started from one address are limited, and politely refused."""

import datetime

from django.test import TestCase, override_settings

from evacuation.models import OffShelterReport, PickupRequest
from evacuation.tests.report_steps import IN_CITY, ReportClientMixin
from messaging.friends import line_friend_followed
from residents.models import Account
from residents.registration import resident_create_manual
from shelters.tests.factories import ShelterFactory

URGENT_STRETCHER = {
    "people_count": "1",
    "mobility": "stretcher",
    "urgency": "now",
    "note": "",
}


def register_someone(account: Account):
    return resident_create_manual(
        account=account,
        relation="self",
        name="偽 太郎",
        name_kana="ニセ タロウ",
        birth_date=datetime.date(1950, 1, 1),
        address="函館市谷地頭町",
    )


class FloodTestCase(ReportClientMixin, TestCase):
    def setUp(self):
        self.shelter = ShelterFactory(latitude=41.7541, longitude=140.7152)

    def report_and_ask(self, client) -> tuple[int, int]:
        """As a script would: a new browser identity, a report, an urgent pickup."""
        client.post("/my/web/")
        account = Account.objects.order_by("-pk").first()
        me = register_someone(account)
        steps = [
            ("place", {"place": "home"}),
            ("location", {**IN_CITY, "location_source": "map"}),
            ("people", {"people": [me.pk], "others_count": "0"}),
            ("needs", {"needs": ["medical"]}),
            ("care", {"care": []}),
            ("note", {"note": ""}),
            ("confirm", {"share": "on"}),
        ]
        report_status = None
        for step, data in steps:
            response = client.post(f"/my/report/{step}/", data)
            report_status = report_status or (response.status_code == 429 and 429)
        pickup = client.post(
            "/my/report/pickup/", {**URGENT_STRETCHER, "destination": str(self.shelter.pk)}
        )
        return report_status or 200, pickup.status_code

    def test_a_scripted_flood_of_twenty_urgent_pickups_is_cut_to_a_few(self):
        answers = [self.report_and_ask(self.client_class()) for _ in range(20)]
        active = OffShelterReport.objects.filter(status=OffShelterReport.Status.ACTIVE)
        self.assertEqual(Account.objects.count(), 20)  # WEB_IDENTITIES_PER_ADDRESS = 20
        self.assertEqual(active.count(), 10)  # REPORTS_PER_ADDRESS = 10
        self.assertEqual(PickupRequest.objects.count(), 5)  # PICKUPS_PER_ADDRESS = 5
        self.assertEqual(sum(pickup == 429 for _report, pickup in answers), 5)
        self.assertEqual(sum(report == 429 for report, _pickup in answers), 10)

    @override_settings(PICKUPS_PER_ADDRESS=1)
    def test_the_refusal_is_polite_and_says_where_to_turn(self):
        self.report_and_ask(self.client_class())
        client = self.client_class()
        self.report_and_ask(client)
        page = client.post(
            "/my/report/pickup/", {**URGENT_STRETCHER, "destination": str(self.shelter.pk)}
        )
        self.assertEqual(page.status_code, 429)
        self.assertContains(page, "しばらく受け付けを止めています", status_code=429)
        self.assertContains(page, "119番", status_code=429)

    @override_settings(PICKUPS_PER_ADDRESS=1, REPORTS_PER_ADDRESS=1)
    def test_line_identities_are_not_limited_by_their_address(self):
        self.report_and_ask(self.client_class())
        self.sign_in_with_family()  # a LINE user on the same address
        line_friend_followed(user_id=self.account.line_user_id)
        self.send()
        response = self.client.post(
            "/my/report/pickup/", {**URGENT_STRETCHER, "destination": str(self.shelter.pk)}
        )
        self.assertRedirects(response, "/my/report/")
        self.assertEqual(PickupRequest.objects.count(), 2)

    @override_settings(PICKUPS_PER_IDENTITY=1)
    def test_one_identity_asking_again_and_again_is_limited_too(self):
        self.sign_in_with_family()
        self.send()
        ask = {**URGENT_STRETCHER, "destination": str(self.shelter.pk)}
        self.client.post("/my/report/pickup/", ask)
        PickupRequest.objects.update(status=PickupRequest.Status.CANCELLED)
        self.assertEqual(self.client.post("/my/report/pickup/", ask).status_code, 429)
