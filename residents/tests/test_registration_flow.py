from django.test import TestCase

from residents.models import Account, MatchAttempt, Resident, ResidentLink
from residents.tests.base import ResidentClientMixin
from residents.tests.factories import RegistryPersonFactory


class RegistrationFlowTestCase(ResidentClientMixin, TestCase):
    def setUp(self):
        self.person = RegistryPersonFactory(name="中嶋 和樹", name_kana="ナカジマ カズキ")
        self.account = self.sign_in_as_line_user()

    def test_anonymous_visitors_are_asked_to_open_from_line_first(self):
        self.client.logout()
        response = self.client.get("/my/register/")
        self.assertRedirects(response, "/my/start/?next=%2Fmy%2Fregister%2F")

    def test_a_resident_consents_types_kana_and_birth_date_and_is_linked(self):
        self.assertRedirects(self.client.get("/my/register/"), "/my/register/consent/")
        page = self.client.get("/my/register/consent/")
        self.assertContains(page, "ステップ 1 / 4")

        refused = self.client.post("/my/register/consent/", {})
        self.assertContains(refused, "利用目的への同意が必要です")
        self.assertRedirects(
            self.client.post("/my/register/consent/", {"agree": "on"}), "/my/register/kana/"
        )
        self.assertRedirects(
            self.client.post("/my/register/kana/", {"kana": "なかじま　かずき"}),
            "/my/register/birth/",
        )
        response = self.client.post(
            "/my/register/birth/", {"era": "昭和", "year": 45, "month": 3, "day": 2}
        )
        self.assertRedirects(response, "/my/register/result/")

        confirm = self.client.get("/my/register/result/")
        self.assertContains(confirm, "中嶋 ＊＊ さん")
        self.assertContains(confirm, "函館市谷地頭町")
        self.assertNotContains(confirm, "和樹")
        self.assertNotContains(confirm, "12番")

        self.assertRedirects(self.client.post("/my/register/confirm/"), "/my/register/done/")
        self.assertContains(self.client.get("/my/register/done/"), "登録が完了しました")
        link = ResidentLink.objects.get(account=self.account)
        self.assertEqual(link.relation, ResidentLink.Relation.SELF)
        self.assertEqual(link.resident.registry_person, self.person)
        self.assertContains(self.client.get("/my/"), "中嶋 和樹")

    def test_a_double_submit_of_the_confirmation_links_once(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.answer(kana="ナカジマ カズキ")
        self.client.post("/my/register/confirm/")
        second = self.client.post("/my/register/confirm/")
        self.assertEqual(second.status_code, 302)
        self.assertEqual(ResidentLink.objects.count(), 1)
        self.assertEqual(Resident.objects.count(), 1)

    def test_back_keeps_what_was_typed_and_the_wizard_resumes(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.client.post("/my/register/kana/", {"kana": "ナカジマ カズキ"})
        self.assertContains(self.client.get("/my/register/kana/"), 'value="ナカジマ カズキ"')
        self.assertRedirects(
            self.client.get("/my/register/"), "/my/register/birth/", fetch_redirect_response=False
        )

    def test_the_birth_date_is_validated_politely(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.client.post("/my/register/kana/", {"kana": "ナカジマ カズキ"})
        cases = [
            ({"era": "平成", "year": 1, "month": 1, "day": 7}, "その元号にその日付はありません"),
            ({"era": "昭和", "year": 45, "month": 2, "day": 30}, "その日付はありません"),
            ({"era": "令和", "year": 30, "month": 1, "day": 1}, "未来の日付は入力できません"),
            ({"era": "昭和", "year": "", "month": 1, "day": 1}, "年を入力してください"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                self.assertContains(self.client.post("/my/register/birth/", data), message)
        self.assertFalse(MatchAttempt.objects.exists())

    def test_kana_must_be_kana(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        response = self.client.post("/my/register/kana/", {"kana": "中嶋和樹"})
        self.assertContains(response, "カタカナまたはひらがなで入力してください")

    def test_no_match_offers_manual_entry_as_an_unverified_resident(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.answer(kana="リョコウ ハナコ", year=50)
        self.assertContains(self.client.get("/my/register/result/"), "見つかりませんでした")
        manual = self.client.get("/my/register/manual/")
        self.assertContains(manual, 'value="リョコウ ハナコ"')
        response = self.client.post(
            "/my/register/manual/",
            {
                "name": "旅行 花子",
                "name_kana": "りょこう はなこ",
                "era": "昭和",
                "year": 50,
                "month": 3,
                "day": 2,
                "address": "函館市若松町ホテル",
                "phone": "090-0000-0000",
            },
        )
        self.assertRedirects(response, "/my/register/done/")
        resident = Resident.objects.get()
        self.assertFalse(resident.is_verified)
        self.assertEqual(resident.name_kana, "リョコウハナコ")
        self.assertContains(self.client.get("/my/"), "未確認")

    def test_manual_entry_rejects_bad_input_without_saving(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        response = self.client.post(
            "/my/register/manual/",
            {
                "name": "",
                "name_kana": "abc",
                "era": "昭和",
                "year": 45,
                "month": 2,
                "day": 30,
                "address": "",
                "phone": "not a phone",
            },
        )
        for message in (
            "お名前を入力してください",
            "カタカナまたはひらがな",
            "その日付はありません",
            "お住まいまたは滞在先を入力してください",
            "電話番号は数字とハイフン",
        ):
            self.assertContains(response, message)
        self.assertFalse(Resident.objects.exists())

    def test_several_matches_ask_one_more_question(self):
        RegistryPersonFactory(
            name="中嶋 和貴", name_kana="ナカジマ カズキ", address="北海道函館市青柳町3番1号"
        )
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.answer(kana="ナカジマ カズキ")
        self.assertRedirects(self.client.get("/my/register/result/"), "/my/register/narrow/")
        self.assertContains(
            self.client.post("/my/register/narrow/", {}), "どちらかを答えてください"
        )
        self.client.post("/my/register/narrow/", {"house_number": "１２"})
        self.assertContains(self.client.get("/my/register/result/"), "中嶋 ＊＊ さん")
        self.client.post("/my/register/confirm/")
        self.assertEqual(ResidentLink.objects.get().resident.registry_person, self.person)

    def test_an_already_registered_resident_is_not_asked_again(self):
        self.client.post("/my/register/consent/", {"agree": "on"})
        self.client.get("/my/register/")
        self.answer(kana="ナカジマ カズキ")
        self.client.post("/my/register/confirm/")
        response = self.client.get("/my/register/?for=self")
        self.assertRedirects(response, "/my/")
        self.assertEqual(Account.objects.count(), 1)


class EnglishRegistrationTestCase(ResidentClientMixin, TestCase):
    def test_the_wizard_speaks_english_to_english_browsers(self):
        self.sign_in_as_line_user()
        self.client.get("/my/register/")
        page = self.client.get("/my/register/consent/", HTTP_ACCEPT_LANGUAGE="en")
        self.assertContains(page, "Step 1 of 4")
        self.client.post("/my/register/consent/", {"agree": "on"})
        response = self.client.post(
            "/my/register/kana/", {"kana": "山田"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        self.assertContains(response, "Please write the furigana in katakana or hiragana")
