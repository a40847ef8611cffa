"""In a real browser: a report nobody in the registry stands behind is marked 未確認 on
the map and in the list, and a volunteer closes it as a prank (いたずら・重複)."""

import pytest
from playwright.sync_api import expect

from dashboard.tests.seed import make_report
from dashboard.tests.test_browser_dashboard import open_dashboard
from evacuation.models import OffShelterReport
from hakobou.testing.browser import PHONE, TABLET

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_a_volunteer_sees_an_unverified_report_and_closes_it_as_a_prank(
    cast, new_page, screenshot, viewport
):
    report = make_report(cast.area_a, name="偽 太郎", needs=("medical",))
    page = open_dashboard(new_page, viewport)
    expect(page.locator(".dash-marker.unverified")).to_have_count(1)
    row = page.locator("#dash-list tbody tr")
    expect(row.locator(".chip.unverified")).to_have_text("未確認")
    screenshot(page, "unverified")

    row.locator("button.dash-open").click()
    detail = page.locator("#dash-detail")
    expect(detail.get_by_text("偽 太郎")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    detail.get_by_role("button", name="いたずら・重複として閉じる").click()
    expect(page.locator("#dash-action-status")).to_contain_text("いたずら・重複として閉じました")
    expect(page.locator("#dash-list tbody tr")).to_have_count(0)
    expect(page.locator(".dash-marker")).to_have_count(0)
    screenshot(page, "dismissed")
    report.refresh_from_db()
    assert report.end_reason == OffShelterReport.EndReason.DISMISSED
    # A volunteer is not offered to stop the identity: that is staff's call.
    assert detail.get_by_role("button", name="この利用者を停止する").count() == 0
