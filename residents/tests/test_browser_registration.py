import pytest

from hakobou.testing.browser import PHONE
from residents.models import ResidentLink
from residents.tests.factories import RegistryPersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_resident_registers_in_drill_mode_and_adds_family(new_page, screenshot):
    me = RegistryPersonFactory(name="中嶋 和樹", name_kana="ナカジマ カズキ", household_number="7")
    RegistryPersonFactory(
        name="中嶋 幸子",
        name_kana="ナカジマ サチコ",
        household_number="7",
        birth_date=me.birth_date.replace(year=1972),
        sex="F",
    )
    page = new_page(PHONE)
    page.goto("/my/")
    assert "/my/start/" in page.url
    page.get_by_label("新しいユーザーを作る（LINE の表示名）").fill("なかじま")
    screenshot(page, "1-start")
    page.get_by_role("button", name="LINE で開く（訓練）").click()

    page.get_by_role("link", name="登録する").click()
    assert page.get_by_text("ステップ 1 / 4").is_visible()
    page.get_by_role("button", name="同意して次へ").click()
    assert page.get_by_role("alert").is_visible()  # consent is required
    page.get_by_text("利用目的に同意します").click()
    screenshot(page, "2-consent")
    page.get_by_role("button", name="同意して次へ").click()

    page.get_by_label("フリガナ").fill("なかじま かずき")
    screenshot(page, "3-kana")
    page.get_by_role("button", name="次へ").click()

    page.get_by_label("元号").select_option("昭和")
    page.get_by_label("年", exact=True).fill("45")
    page.get_by_label("月", exact=True).select_option("3")
    page.get_by_label("日", exact=True).select_option("2")
    screenshot(page, "4-birth")
    page.get_by_role("button", name="照合する").click()

    assert page.get_by_text("中嶋 ＊＊ さん").is_visible()
    assert page.get_by_text("函館市谷地頭町").is_visible()
    screenshot(page, "5-confirm")
    page.get_by_role("button", name="はい、私です").click()
    assert page.get_by_role("heading", name="登録が完了しました").is_visible()

    page.get_by_role("link", name="ご家族を登録する").click()
    assert page.get_by_text("ステップ 1 / 3").is_visible()
    page.get_by_label("フリガナ").fill("ナカジマ サチコ")
    page.get_by_role("button", name="次へ").click()
    page.get_by_label("元号").select_option("昭和")  # never chosen for them
    page.get_by_label("年", exact=True).fill("47")
    page.get_by_label("月", exact=True).select_option("3")
    page.get_by_label("日", exact=True).select_option("2")
    page.get_by_role("button", name="照合する").click()
    page.get_by_role("button", name="はい、この方です").click()
    page.get_by_role("link", name="登録内容を見る").click()
    # The page names each person twice: where they are now, and their registration.
    assert page.get_by_text("あなた（中嶋 和樹 さん）").is_visible()
    assert page.get_by_text("中嶋 和樹", exact=True).is_visible()
    assert page.get_by_text("中嶋 幸子", exact=True).is_visible()
    screenshot(page, "6-home")

    links = ResidentLink.objects.order_by("relation").values_list("relation", flat=True)
    assert list(links) == ["family", "self"]
