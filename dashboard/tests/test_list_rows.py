"""A list row says where (the kind of place, the area, the point) and what is needed,
for volunteers and staff alike; never who: names, kana, phones and the resident's own
words about the address are in the detail only, whose every view is logged. (The page
adds them to a row once this user opened that detail.)"""

from dashboard.tests.seed import make_report
from hakobou.testing.cast import BaseTestCase
from residents.models import DetailView


class ListRowsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        make_report(
            cls.area_a,
            name="在宅 ヨシ",
            kana="ザイタク ヨシ",
            phone="0138-22-0001",
            needs=("water", "food"),
        )

    def rows(self, user):
        self.client.force_login(user)
        response = self.client.get("/api/evacuees")
        self.assertEqual(response.status_code, 200)
        return response

    def test_a_row_says_where_and_what_is_needed(self):
        (row,) = self.rows(self.volunteer_a).json()["results"]
        self.assertEqual((row["place_label"], row["area"]), ("自宅", "テスト甲町会"))
        self.assertEqual((row["latitude"], row["longitude"]), (41.75, 140.71))
        self.assertEqual(row["need_labels"], ["飲料水", "食料"])

    def test_no_role_gets_names_or_phones_in_the_list(self):
        for user in (self.volunteer_a, self.staff):
            with self.subTest(user=user.username):
                text = self.rows(user).content.decode()
                for personal in ("在宅", "ヨシ", "ザイタク", "0138", "青い屋根"):
                    self.assertNotIn(personal, text)
        self.assertFalse(DetailView.objects.exists())
