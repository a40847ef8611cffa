import datetime

import pytest

from evacuation.models import OffShelterReport, PickupRequest
from hakobou.testing.browser import PHONE, stay_offline
from residents.models import Account
from residents.registration import resident_create_manual, resident_update
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

YACHIGASHIRA = (41.7535, 140.7160)
SAPPORO = (43.0621, 141.3544)


def sign_in_registered(page, display_name: str) -> Account:
    """Drill mode sign-in as a new LINE user, registered (by hand) with care needs."""
    page.goto("/my/")
    page.get_by_label("新しいユーザーを作る（LINE の表示名）").fill(display_name)
    page.get_by_role("button", name="LINE で開く（訓練）").click()
    page.wait_for_url("**/my/")
    account = Account.objects.get(display_name=display_name)
    resident = resident_create_manual(
        account=account,
        relation="self",
        name="在宅 ヨシ",
        name_kana="ザイタク ヨシ",
        birth_date=datetime.date(1940, 2, 3),
        address="函館市谷地頭町",
    )
    resident_update(resident=resident, care=["elderly"])
    return account


def pan_map_to(page, lat: float, lng: float) -> None:
    page.evaluate(
        """([lat, lng]) => document.getElementById("report-map").pointPicker.map
          .setView([lat, lng], 16, { animate: false })""",
        [lat, lng],
    )


def tap_map_at(page, lat: float, lng: float) -> None:
    x, y = page.evaluate(
        """([lat, lng]) => {
          var point = document.getElementById("report-map").pointPicker.map
            .latLngToContainerPoint([lat, lng]);
          return [point.x, point.y];
        }""",
        [lat, lng],
    )
    page.locator("#report-map").click(position={"x": x, "y": y})


def test_a_resident_at_home_reports_with_the_map_and_asks_for_a_pickup(
    new_page, live_server, screenshot
):
    from playwright.sync_api import expect

    ShelterFactory(name="谷地頭町会館", latitude=41.7541, longitude=140.7152)
    ShelterFactory(name="函館アリーナ", latitude=41.7790, longitude=140.7550)
    page = new_page(PHONE)
    stay_offline(page, live_server)
    page.context.grant_permissions(["geolocation"], origin=live_server.url)
    page.context.set_geolocation({"latitude": 41.7541, "longitude": 140.7171, "accuracy": 24.6})
    account = sign_in_registered(page, "ざいたく")

    page.reload()
    page.get_by_role("link", name="避難所以外にいることを知らせる").click()

    # (a) place
    expect(page.get_by_text("ステップ 1 / 7")).to_be_visible()
    expect(page.get_by_label("「その他」の場合の場所")).to_be_hidden()
    page.get_by_text("車中").click()
    page.get_by_role("button", name="次へ").click()

    # (b) location: the phone's GPS first, then a tap on the map wins
    page.locator("#report-map").wait_for(state="visible")  # shown once Leaflet is there
    page.get_by_role("button", name="現在地を使う").click()
    page.get_by_text("現在地を使います（誤差 約 25 m）").wait_for()
    assert page.locator("#id_location_source").input_value() == "gps"
    # A tap far away (the map panned to Sapporo) is questioned, not taken silently.
    pan_map_to(page, *SAPPORO)
    tap_map_at(page, *SAPPORO)
    page.get_by_role("button", name="次へ").click()
    expect(page.get_by_role("alert")).to_have_text(
        "この地点は市外のようです。間違いなければチェックしてください。"
    )
    expect(page.get_by_label("市外の地点で間違いありません")).to_be_visible()
    page.locator("#report-map").wait_for(state="visible")
    screenshot(page, "1-outside-city")
    pan_map_to(page, *YACHIGASHIRA)
    tap_map_at(page, *YACHIGASHIRA)
    expect(page.get_by_text("地図で選んだ場所を使います")).to_be_visible()
    expect(page.get_by_role("button", name="選んだ場所")).to_be_visible()  # the marker
    assert page.locator("#id_location_source").input_value() == "map"
    assert page.locator("#id_accuracy_m").input_value() == ""
    page.get_by_label("住所・目印").fill("谷地頭町 市営住宅の駐車場")
    screenshot(page, "2-location")
    page.get_by_role("button", name="次へ").click()

    # (c) people: the account holder is ticked already
    expect(page.get_by_label("在宅 ヨシ")).to_be_checked()
    page.get_by_label("そのほかに一緒にいる人数（登録していない方）").fill("1")
    page.get_by_role("button", name="次へ").click()

    # (d) needs: その他 asks for its text
    page.get_by_text("飲料水").click()
    page.get_by_text("その他", exact=True).click()
    page.get_by_role("button", name="次へ").click()
    assert page.get_by_role("alert").inner_text().startswith("「その他」を選んだときは")
    page.get_by_label("「その他」の内容").fill("充電器")
    page.get_by_role("button", name="次へ").click()

    # (e) care: ticked from the registration
    expect(page.get_by_label("高齢")).to_be_checked()
    page.get_by_role("button", name="次へ").click()

    # (f) note
    page.get_by_label("支援する人に伝えたいこと（任意）").fill("車は白の軽自動車です。")
    page.get_by_role("button", name="次へ").click()

    # (g) summary and consent
    expect(page.get_by_text("ステップ 7 / 7")).to_be_visible()
    expect(page.get_by_text("谷地頭町 市営住宅の駐車場")).to_be_visible()
    page.get_by_role("button", name="送信する").click()
    expect(page.get_by_role("alert")).to_be_visible()  # consent is required
    page.get_by_text(
        "入力した内容を、市と近所の支援者（ボランティア）に共有することに同意します"
    ).click()
    screenshot(page, "3-summary")
    page.get_by_role("button", name="送信する").click()

    expect(page.get_by_text("送信しました。")).to_be_visible()
    report = OffShelterReport.objects.get(account=account)
    assert report.status == OffShelterReport.Status.ACTIVE
    assert (report.place, report.location_source, report.others_count) == ("car", "map", 1)
    assert abs(report.latitude - YACHIGASHIRA[0]) < 0.0005
    assert abs(report.longitude - YACHIGASHIRA[1]) < 0.0005
    assert (report.needs, report.needs_other, report.care) == (
        ["water", "other"],
        "充電器",
        ["elderly"],
    )

    # The pickup: the nearest open shelter is offered first and chosen
    page.get_by_role("link", name="迎えを頼む（移動できない）").click()
    expect(page.get_by_label("谷地頭町会館（指定避難所・約 0.1 km・空きあり）")).to_be_checked()
    page.get_by_label("車いす", exact=True).check()
    page.get_by_label("すぐに", exact=True).check()
    screenshot(page, "4-pickup")
    page.get_by_role("button", name="迎えを頼む").click()

    expect(page.get_by_text("依頼中", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="送迎の依頼を取り消す")).to_be_visible()
    screenshot(page, "5-status")
    pickup = PickupRequest.objects.get(report=report)
    assert (pickup.mobility, pickup.urgency, pickup.people_count) == ("wheelchair", "now", 2)
    assert pickup.destination.name == "谷地頭町会館"

    page.get_by_role("link", name="← 登録内容へ").click()
    expect(page.get_by_role("link", name="わたしの避難状況")).to_be_visible()
    screenshot(page, "6-home")
