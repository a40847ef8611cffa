"""In a real browser: a staff member builds "out of shelter in area A, in a wheelchair",
sees who it reaches, previews the LINE message (in each language written) and sends it;
as it needs approval, a second staff member approves it; then exactly that resident has
it in their LINE chat (the simulator) and the report says sent 1. Last, an evacuation
alert is started from the alert panel: the composer comes back filled in."""

import importlib

import pytest
from django.apps import apps
from playwright.sync_api import expect

from areas.services import staff_upsert
from evacuation.tests.evacuation_helpers import family_report, request_pickup
from hakobou.testing.browser import PHONE, TABLET, log_in, stay_offline
from hakobou.testing.cast import PASSWORD
from messaging import simulator
from messaging.friends import line_friend_followed
from messaging.models import SimulatedMessage
from notices.models import Notice
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXT = "【お知らせ】車いすの方の送迎について、市の担当からお電話します。"
EASY = "【おしらせ】くるまいすの ひとへ。しやくしょから でんわを します。"


def resident(area, name, shelter, mobility=None):
    user = simulator.simulated_user_create(display_name=name)
    report = family_report(area, line_user_id=user.user_id)
    line_friend_followed(user_id=user.user_id, language="ja")
    if mobility:
        request_pickup(report, shelter, mobility=mobility)
    return user


def open_page(new_page, live_server, username, path):
    page = new_page(TABLET)
    stay_offline(page, live_server)
    log_in(page, username, path)
    return page


def notices_of(user) -> list[str]:
    messages = SimulatedMessage.objects.filter(user=user).values_list("message", flat=True)
    return [m.get("text", "") for m in messages if m.get("text", "").startswith("【お知らせ】")]


def test_staff_build_a_segment_send_a_colleague_approves_and_only_they_receive_it(
    cast, new_page, live_server, screenshot, settings
):
    settings.NOTICE_APPROVAL_THRESHOLD = 0  # even one person needs a second pair of eyes
    simulator.config_update(webhook_url=f"{live_server.url}/line/webhook")
    shelter = ShelterFactory()
    target = resident(cast.area_a, "車いす 一子", shelter, mobility="wheelchair")
    others = [
        resident(cast.area_a, "歩ける 二郎", shelter, mobility="walks_with_help"),
        resident(cast.area_a, "在宅 三子", shelter),
        resident(cast.area_b, "乙町 四郎", shelter, mobility="wheelchair"),
    ]
    staff_upsert(username="staff-2", password=PASSWORD, full_name="承認 二郎")

    page = open_page(new_page, live_server, "staff", "/dashboard/notices/")
    page.get_by_role("link", name="新しいお知らせ").click()
    page.wait_for_url("**/dashboard/notices/new")
    rows = page.locator("#ntc-rows > li")
    expect(rows).to_have_count(1)
    rows.nth(0).locator(".ntc-cond").select_option("off_shelter")
    rows.nth(0).locator(".ntc-value").select_option(label=cast.area_a.name)
    expect(page.locator("#ntc-count")).to_have_text(
        "LINE で届く 3 人・ブロック中 0 人・LINE のない人 0 人"
    )
    page.get_by_role("button", name="＋ 条件を追加").click()
    rows.nth(1).locator(".ntc-cond").select_option("mobility")
    rows.nth(1).locator(".ntc-value").select_option("wheelchair")
    expect(page.locator("#ntc-count")).to_have_text(
        "LINE で届く 1 人・ブロック中 0 人・LINE のない人 0 人"
    )
    expect(page.locator("#ntc-csv-button")).to_be_hidden()  # everyone is on LINE

    page.get_by_label("件名（職員用・省略可）").fill("車いすの方へ")
    page.get_by_label("本文（日本語・必須）").fill(TEXT)
    page.get_by_label("リンク先（省略可）").fill("https://example.jp/pickup")
    page.get_by_label("リンクのボタン名（20 文字以内）").fill("送迎について")
    expect(page.locator("#ntc-preview-text")).to_have_text(TEXT)
    expect(page.locator("#ntc-preview-link-button")).to_have_text("送迎について")
    # A tab per language that has text: やさしい日本語 appears once it is written.
    expect(page.get_by_role("tab", name="やさしい日本語")).to_be_hidden()
    page.get_by_label("本文（やさしい日本語・省略可）").fill(EASY)
    page.get_by_role("tab", name="やさしい日本語").click()
    expect(page.locator("#ntc-preview-text")).to_have_text(EASY)
    expect(page.get_by_role("tab", name="英語")).to_be_hidden()
    expect(page.get_by_text(f"{len(TEXT)} / 5,000 文字")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")  # the preview is sticky: from the top
    screenshot(page, "composer")

    page.get_by_role("button", name="送信する").click()
    expect(page.locator(".messages")).to_contain_text("承認待ちにしました。")
    notice = Notice.objects.get()
    assert notice.segment == {
        "all": [
            {"if": "off_shelter", "value": str(cast.area_a.pk)},
            {"if": "mobility", "value": "wheelchair"},
        ]
    }
    expect(page.locator("#ntc-segment")).to_contain_text(
        "送迎を頼んだ人の移動の状態（車いすなど）：車いす"
    )
    assert notices_of(target) == []
    screenshot(page, "awaiting-approval")

    colleague = open_page(new_page, live_server, "staff-2", "/dashboard/notices/")
    awaiting = colleague.locator("tr.ntc-awaiting")
    expect(awaiting).to_contain_text("車いすの方へ")
    screenshot(colleague, "list")
    awaiting.get_by_role("button", name="承認する").click()
    expect(colleague.locator(".messages")).to_contain_text("承認しました。")
    expect(colleague.locator('[data-count="sent"] strong')).to_have_text("1")
    expect(colleague.locator('[data-count="failed"] strong')).to_have_text("0")
    expect(colleague.locator("#ntc-resend")).to_be_hidden()
    screenshot(colleague, "report")
    # An evacuation alert from the alert panel: the composer comes back filled in.
    importlib.import_module("notices.migrations.0003_alert_template_wording").add(apps, None)
    page.goto("/dashboard/notices/new")
    page.get_by_text("避難情報（警戒レベル）から作る").click()
    panel = page.locator("#ntc-alert-form")
    panel.get_by_label("避難情報の種類").select_option(label="警戒レベル4 避難指示")
    panel.get_by_label(cast.area_a.name).check()
    panel.get_by_role("button", name="ひな形から作る").click()
    page.wait_for_url(f"**/dashboard/notices/new?alert=4&area={cast.area_a.pk}")
    expect(page.locator("#ntc-rows > li")).to_have_count(2)
    expect(page.locator("#ntc-rows .ntc-cond").nth(0)).to_have_value("lives_in")
    expect(page.locator("#ntc-rows .ntc-value").nth(1)).to_have_value(str(cast.area_a.pk))
    expect(page.locator("[name=join][value=any]")).to_be_checked()
    expect(page.locator("#ntc-count")).to_contain_text("LINE で届く 3 人")
    expect(page.get_by_label("件名（職員用・省略可）")).to_have_value(
        f"警戒レベル4 避難指示（{cast.area_a.name}）"
    )
    expect(page.locator("#ntc-preview-text")).to_contain_text("【警戒レベル4 避難指示】")
    expect(page.locator("#ntc-alert-note")).to_contain_text("必ずほかの職員の承認が必要です")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "alert-composer")
    alert_path = page.url.replace(live_server.url, "")

    # The same report and the composer on a phone (staff on the move).
    phone = new_page(PHONE)
    stay_offline(phone, live_server)
    log_in(phone, "staff-2", colleague.url.replace(live_server.url, ""))
    screenshot(phone, "phone-report")
    phone.goto("/dashboard/notices/new")
    screenshot(phone, "phone-composer")
    phone.goto(alert_path)
    expect(phone.locator("#ntc-count")).to_contain_text("LINE で届く 3 人")
    screenshot(phone, "phone-alert-composer")

    assert notices_of(target) == [TEXT]
    assert all(notices_of(user) == [] for user in others)
    chat = open_page(new_page, live_server, "staff", "/line-sim/inbox/")
    chat.get_by_role("link", name="車いす 一子").click()
    expect(chat.get_by_text(TEXT)).to_be_visible()
    chat.go_back()
    chat.get_by_role("link", name="乙町 四郎").click()
    expect(chat.locator(".sim-msg").first).to_be_visible()
    expect(chat.get_by_text(TEXT)).to_have_count(0)
