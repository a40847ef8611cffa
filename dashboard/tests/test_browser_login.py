import pytest

from hakobou.testing.browser import PHONE, TABLET
from hakobou.testing.cast import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_a_volunteer_logs_in_and_reaches_the_dashboard(cast, new_page, screenshot, viewport):
    page = new_page(viewport)
    page.goto("/dashboard/")
    assert "/login/" in page.url
    assert page.get_by_text("訓練モード").first.is_visible()

    page.get_by_label("ユーザー名").fill("volunteer-a")
    page.get_by_label("パスワード").fill("wrong password")
    page.get_by_role("button", name="ログイン").click()
    assert page.get_by_role("alert").is_visible()
    screenshot(page, "login-error")

    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", name="ダッシュボード").is_visible()
    assert page.get_by_text("テスト甲町会").is_visible()
    screenshot(page, "dashboard")

    # Touch targets: every button and link in the header is at least 44px tall.
    for element in page.locator(".site-nav a, .site-nav button").all():
        assert element.bounding_box()["height"] >= 44
