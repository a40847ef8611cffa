"""The birth date's era is the person's choice, never a silent 昭和; a Western year such
as 1932 is taken as it is, and said in its era too (「1932年は昭和7年です。」)."""

import datetime

from django.test import TestCase

from residents.forms import BirthDateForm
from residents.tests.base import ResidentClientMixin
from residents.tests.factories import RegistryPersonFactory


class BirthDateFormTestCase(TestCase):
    def form(self, **data):
        return BirthDateForm({"month": 3, "day": 2, **data})

    def test_no_era_is_chosen_beforehand(self):
        html = str(BirthDateForm()["era"])
        self.assertIn('<option value="" selected>', html)
        self.assertNotIn('value="昭和" selected', html)

    def test_a_western_year_alone_is_read_as_one(self):
        form = self.form(era="", year=1932)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["birth_date"], datetime.date(1932, 3, 2))
        self.assertEqual(form.western_year_note(), "1932年は昭和7年です。")

    def test_a_western_year_beside_an_era_is_still_that_year(self):
        for era in ("昭和", "平成", "令和"):
            with self.subTest(era=era):
                form = self.form(era=era, year=1932)
                self.assertTrue(form.is_valid(), form.errors)
                self.assertEqual(form.cleaned_data["birth_date"], datetime.date(1932, 3, 2))

    def test_a_year_at_the_turn_of_an_era_names_both(self):
        form = self.form(era="", year=1989)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.western_year_note(), "1989年は昭和64年・平成元年です。")

    def test_an_era_year_needs_its_era(self):
        form = self.form(era="", year=7)
        self.assertFalse(form.is_valid())
        self.assertIn("元号を選んでください", str(form.errors["era"]))

    def test_western_with_a_short_year_asks_for_four_digits(self):
        form = self.form(era="西暦", year=45)
        self.assertFalse(form.is_valid())
        self.assertIn("4 桁", str(form.non_field_errors()))

    def test_an_era_and_its_year_work_as_before(self):
        form = self.form(era="昭和", year=7)
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["birth_date"], datetime.date(1932, 3, 2))
        self.assertIsNone(form.western_year_note())


class BirthDateStepTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        RegistryPersonFactory(
            name="函館 昭", name_kana="ハコダテ アキラ", birth_date=datetime.date(1932, 3, 2)
        )
        self.sign_in_as_line_user()
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.client.post("/my/register/kana/", {"kana": "ハコダテ アキラ"})

    def test_the_page_offers_no_era_until_one_is_chosen(self):
        page = self.client.get("/my/register/birth/")
        self.assertContains(page, '<option value="" selected>--</option>', html=True)
        self.assertContains(page, "例：45（和暦）、1970（西暦）")

    def test_a_western_year_finds_the_person_and_says_its_era(self):
        response = self.client.post(
            "/my/register/birth/", {"era": "", "year": 1932, "month": 3, "day": 2}
        )
        self.assertRedirects(response, "/my/register/result/", fetch_redirect_response=False)
        result = self.client.get("/my/register/result/")
        self.assertContains(result, "1932年は昭和7年です。")
        self.assertContains(result, "函館 ＊＊ さん")
