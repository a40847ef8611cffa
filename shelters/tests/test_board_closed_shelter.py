"""The status board and its API never show a closed shelter with room (空きあり), and the
board does not offer to mark a closed shelter full."""

from hakobou.testing.cast import BaseTestCase
from shelters.models import Shelter
from shelters.tests.factories import ShelterFactory


class ClosedShelterOnTheBoardTestCase(BaseTestCase):
    def setUp(self):
        self.closed = ShelterFactory(name="閉鎖中の公民館", status=Shelter.Status.CLOSED)
        self.open = ShelterFactory(name="開設中の小学校", status=Shelter.Status.OPEN)

    def test_the_api_says_a_closed_shelter_takes_nobody(self):
        self.client.force_login(self.volunteer_a)
        rows = {
            row["name"]: row for row in self.client.get("/api/shelters/board").json()["shelters"]
        }
        closed, opened = rows["閉鎖中の公民館"], rows["開設中の小学校"]
        self.assertEqual(
            (closed["congestion"], closed["congestion_label"]), ("closed", "受け入れ停止")
        )
        self.assertEqual(
            (opened["congestion"], opened["congestion_label"]), ("available", "空きあり")
        )

    def test_the_board_offers_only_opening_for_a_closed_shelter(self):
        self.client.force_login(self.staff)
        page = self.client.get("/dashboard/shelters/").content.decode()
        closed_row = page.split(f'data-shelter="{self.closed.pk}"')[1].split("</tr>")[0]
        open_row = page.split(f'data-shelter="{self.open.pk}"')[1].split("</tr>")[0]
        self.assertNotIn("空きあり", closed_row)
        self.assertIn("受け入れ停止", closed_row)
        self.assertIn('value="open"', closed_row)
        self.assertNotIn('value="full"', closed_row)
        self.assertIn('value="full"', open_row)
        self.assertIn('value="closed"', open_row)
