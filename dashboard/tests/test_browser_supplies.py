"""In a real browser: staff open a round; a volunteer on a phone takes the nearest
households, marks one delivered and another not at home; the household answers on
LINE (the simulator) and staff see it confirmed. And the other answer: 「届いていません」
shows as a dispute, which a volunteer resolves with a note."""

import pytest
from playwright.sync_api import expect

from evacuation.tests.evacuation_helpers import family_report
from hakobou.testing.browser import PHONE, SCREENSHOT_DIR, TABLET, log_in, stay_offline
from messaging import simulator
from messaging.models import SimulatedMessage
from supplies.models import Delivery, DeliveryBatch
from supplies.receipts import answer_data
from supplies.tests.supply_helpers import item, new_round, stocked_depot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def households(area, names):
    """Households with a LINE account each, a few doors apart from the area's centre."""
    people = []
    for n, name in enumerate(names):
        line_user = simulator.simulated_user_create(display_name=name)
        report = family_report(
            area,
            needs=("water", "food"),
            line_user_id=line_user.user_id,
            lat=area.center_lat + n * 0.0006,
            lng=area.center_lng + n * 0.0003,
        )
        people.append((line_user, report))
    return people


def a_round(area):
    water, rice = item(), item("アルファ米", "食", "food")
    depot = stocked_depot({water: 100, rice: 100}, name="市役所 備蓄倉庫")
    return new_round(
        depot, areas=[area], lines={water: (2, 0), rice: (0, 3)}, name="第1回 飲料水・食料"
    )


def open_page(new_page, live_server, viewport, username, path):
    page = new_page(viewport)
    stay_offline(page, live_server)
    log_in(page, username, path)
    return page


def volunteer_list(new_page, live_server, round):
    page = open_page(
        new_page, live_server, PHONE, "volunteer-a", f"/dashboard/supplies/rounds/{round.pk}/"
    )
    expect(page.locator("#sup-map[data-ready]")).to_be_attached()
    return page


def test_a_round_from_opening_to_the_households_confirmation(
    cast, new_page, live_server, screenshot, request
):
    simulator.config_update(webhook_url=f"{live_server.url}/line/webhook")
    (first_user, first), (second_user, _second), _third = households(
        cast.area_a, ["配布 一子", "配布 二郎", "配布 三子"]
    )
    round = a_round(cast.area_a)
    round_url = f"/dashboard/supplies/rounds/{round.pk}/"

    staff = open_page(new_page, live_server, TABLET, "staff", round_url)
    staff.get_by_role("button", name="配布を開始・更新").click()
    expect(staff.locator(".messages")).to_contain_text("配布を始めました。3 世帯に届けます。")
    expect(staff.locator('#sup-area-table td[data-status="pending"]')).to_have_text("3")
    screenshot(staff, "staff-opened")

    phone = volunteer_list(new_page, live_server, round)
    rows = phone.locator("#sup-list > li")
    expect(rows).to_have_count(3)
    # The main action is above the fold of a phone.
    take = phone.get_by_role("button", name="近い順に担当する")
    box = take.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"]
    screenshot(phone, "phone-list")
    phone.screenshot(path=SCREENSHOT_DIR / f"{request.node.name}-phone-first-screen.png")

    take.click()
    expect(phone.locator("#sup-status")).to_contain_text("3 件を担当しました")
    expect(phone.locator("#sup-mine")).to_be_checked()
    expect(rows.first).to_contain_text("担当：あなた")
    assert [int(rows.nth(n).get_attribute("data-id")) for n in range(3)] == list(
        Delivery.objects.order_by("latitude").values_list("pk", flat=True)
    )
    expect(phone.locator(".sup-marker")).to_have_count(3)
    screenshot(phone, "phone-taken")
    phone.locator(".sup-list-card").screenshot(
        path=SCREENSHOT_DIR / f"{request.node.name}-list.png"
    )
    phone.locator(".sup-map-card").screenshot(path=SCREENSHOT_DIR / f"{request.node.name}-map.png")

    rows.first.get_by_role("button", name="配達済みにする").click()
    expect(phone.locator("#sup-status")).to_contain_text("配達済みにしました")
    expect(rows.first.locator(".sup-badge")).to_contain_text("配達済み")
    rows.nth(1).get_by_role("button", name="不在").click()
    expect(phone.locator("#sup-status")).to_contain_text("不在にしました")
    # Not at home: back in the pool, so no longer in "mine".
    expect(rows).to_have_count(2)
    phone.locator("#sup-mine").uncheck()
    expect(phone.locator("#sup-list > li .sup-s-not_home")).to_have_count(1)
    screenshot(phone, "phone-marked")

    # The household was asked on LINE, with the two answers.
    (question,) = SimulatedMessage.objects.filter(
        user=first_user, direction=SimulatedMessage.Direction.TO_USER
    ).filter(message__type="template")
    assert question.message["template"]["type"] == "confirm"
    assert [a["label"] for a in question.message["template"]["actions"]] == [
        "受け取りました",
        "届いていません",
    ]
    assert not SimulatedMessage.objects.filter(user=second_user, message__type="template")

    # They tap 「受け取りました」 in the simulated chat.
    chat = open_page(new_page, live_server, PHONE, "staff", "/line-sim/inbox/")
    chat.get_by_role("link", name="配布 一子").click()
    chat.get_by_role("button", name="受け取りました").click()
    chat.get_by_text("受け取りを確認しました。").wait_for()
    assert Delivery.objects.get(report=first).status == Delivery.Status.CONFIRMED

    staff.reload()
    expect(staff.locator("#sup-list > li")).to_have_count(3)
    expect(staff.locator('.sup-counts li[data-status="confirmed"]')).to_contain_text(
        "受取確認済み 1"
    )
    expect(staff.locator('#sup-area-table td[data-status="confirmed"]')).to_have_text("1")
    expect(staff.locator('#sup-area-table td[data-status="not_home"]')).to_have_text("1")
    screenshot(staff, "staff-confirmed")

    # The printed sheet of the batch: one QR code per household, no menus on paper.
    batch = DeliveryBatch.objects.get()
    phone.set_viewport_size(TABLET)
    phone.goto(f"/dashboard/supplies/batches/{batch.pk}/print")
    expect(phone.locator(".sup-qr svg")).to_have_count(3)
    screenshot(phone, "print-sheet")
    phone.emulate_media(media="print")
    expect(phone.locator(".site-header")).to_be_hidden()
    screenshot(phone, "print-sheet-as-printed")


def test_a_household_that_got_nothing_is_looked_into_and_resolved(
    cast, new_page, live_server, screenshot, request
):
    simulator.config_update(webhook_url=f"{live_server.url}/line/webhook")
    ((user, report),) = households(cast.area_a, ["配布 一子"])
    round = a_round(cast.area_a)
    from supplies.rounds import round_open

    round_open(round=round, by_user=cast.staff)

    phone = volunteer_list(new_page, live_server, round)
    row = phone.locator("#sup-list > li").first
    row.get_by_role("button", name="詳しく").click()
    detail = phone.locator("#sup-detail")
    expect(detail.get_by_text("在宅 ヨシ")).to_be_visible()
    expect(detail.get_by_role("link", name="電話する")).to_have_attribute("href", "tel:0138000000")
    expect(detail.get_by_role("link", name="道順を開く")).to_have_attribute(
        "href", lambda_free_directions(report)
    )
    assert detail.bounding_box()["width"] == PHONE["width"]
    phone.screenshot(path=SCREENSHOT_DIR / f"{request.node.name}-phone-detail.png")
    detail.get_by_role("button", name="配達済みにする").click()
    expect(phone.locator("#sup-status")).to_contain_text("配達済みにしました")
    phone.get_by_role("button", name="閉じる", exact=True).click()

    delivery = Delivery.objects.get()
    assert simulator.user_postback(user, answer_data(delivery.pk, "no"), "届いていません") == 200
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DISPUTED

    phone.reload()
    expect(row.locator(".sup-badge")).to_contain_text("届いていない")
    row.get_by_role("button", name="詳しく").click()
    detail.get_by_label("確認した内容・対応（必須）").fill("玄関横の物置に置いてありました。")
    detail.get_by_role("button", name="対応済みにする").click()
    expect(phone.locator("#sup-status")).to_contain_text("対応済みにしました")
    expect(detail.locator(".dash-history")).to_contain_text("玄関横の物置に置いてありました。")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.RESOLVED
    phone.get_by_role("button", name="閉じる", exact=True).click()
    screenshot(phone, "phone-resolved")


def lambda_free_directions(report):
    return (
        f"https://www.google.com/maps/dir/?api=1&destination={report.latitude},{report.longitude}"
    )
