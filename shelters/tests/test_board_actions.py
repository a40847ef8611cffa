"""The board's status buttons are the service's answer (shelter_status_choices), on the
page and in the polled JSON: city staff only, never the status a shelter has, and a
closed shelter is opened first (no 満員にする), so the page never works them out."""

from hakobou.testing.cast import BaseTestCase
from shelters.models import Shelter
from shelters.services import shelter_status_choices
from shelters.tests.factories import ShelterFactory

Status = Shelter.Status


class BoardActionsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shelters = {
            status: ShelterFactory(code=f"S-{status}", name=f"{status} の避難所", status=status)
            for status in Status.values
        }

    def board(self, user):
        self.client.force_login(user)
        return {
            row["status"]: row for row in self.client.get("/api/shelters/board").json()["shelters"]
        }

    def test_staff_are_offered_every_other_status_but_full_for_a_closed_shelter(self):
        offered = {
            status: shelter_status_choices(shelter=shelter, user=self.staff)
            for status, shelter in self.shelters.items()
        }
        self.assertEqual(
            offered,
            {
                Status.CLOSED: [Status.OPEN],
                Status.OPEN: [Status.CLOSED, Status.FULL],
                Status.FULL: [Status.CLOSED, Status.OPEN],
            },
        )

    def test_the_json_carries_the_same_actions(self):
        rows = self.board(self.staff)
        self.assertEqual(rows["closed"]["actions"], ["open"])
        self.assertEqual(rows["open"]["actions"], ["closed", "full"])
        self.assertEqual(rows["full"]["actions"], ["closed", "open"])

    def test_volunteers_are_offered_nothing(self):
        self.assertEqual(
            {row["status"]: row["actions"] for row in self.board(self.volunteer_a).values()},
            {"closed": [], "open": [], "full": []},
        )
        page = self.client.get("/dashboard/shelters/").content.decode()
        self.assertNotIn('name="status"', page)

    def test_the_page_shows_the_services_buttons_and_the_status_as_a_badge(self):
        self.client.force_login(self.staff)
        page = self.client.get("/dashboard/shelters/").content.decode()
        closed = self.shelters[Status.CLOSED]
        row = page.split(f'data-shelter="{closed.pk}"')[1].split("</tr>")[0]
        self.assertIn('<span class="board-status status-closed">閉鎖</span>', row)
        self.assertIn("受け入れ停止", row)
        self.assertNotIn("空きあり", row)
        self.assertEqual(row.count('name="status"'), 1)
        self.assertIn('value="open"', row)
