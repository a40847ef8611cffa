"""The drill at a shelter door: a family checks in from the poster, reception finds them,
checks in a neighbour without a phone by name and birth date, scans a personal QR with
the camera, and the status board follows without a reload."""

import base64
import datetime

import pytest
from playwright.sync_api import expect

from areas.services import responder_upsert
from hakobou.testing.browser import PHONE, TABLET, log_in, sign_in_as_new_line_user
from hakobou.testing.cast import PASSWORD
from lib.qr import qr_svg
from lib.roles import Role
from messaging import simulator
from residents.registration import account_from_id_token, resident_create_manual
from residents.tests.factories import RegistryPersonFactory
from shelters import tokens
from shelters.models import Stay
from shelters.tests.factories import ShelterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def shelter():
    return ShelterFactory(name="函館市立青柳小学校 体育館", capacity=5)


@pytest.fixture
def clerk(shelter):
    user = responder_upsert(
        username="reception-aoyagi", password=PASSWORD, role=Role.RECEPTION, areas=[]
    )
    shelter.reception.add(user)
    return user


def family_with_line(phone=None):
    """避難 花子 (LINE) and her son; signed in on ``phone`` as she would be, if given."""
    if phone is not None:
        account = sign_in_as_new_line_user(phone, "避難 花子")
    else:
        line_user = simulator.simulated_user_create(display_name="避難 花子")
        account = account_from_id_token(id_token=simulator.id_token_issue(line_user))
    people = [
        resident_create_manual(
            account=account,
            relation=relation,
            name=name,
            name_kana="ヒナン " + given,
            birth_date=datetime.date(1950, 1, 1),
            address="函館市谷地頭町",
        )
        for name, given, relation in (
            ("避難 花子", "ハナコ", "self"),
            ("避難 一郎", "イチロウ", "family"),
        )
    ]
    people[0].care = ["elderly", "allergy"]
    people[0].save()
    return people


def test_reception_finds_the_family_checks_in_a_neighbour_and_the_board_follows(
    shelter, clerk, cast, new_page, screenshot
):
    phone = new_page(PHONE)
    family_with_line(phone)
    RegistryPersonFactory(
        name="谷地頭 ウメ", name_kana="ヤチガシラ ウメ", birth_date=datetime.date(1938, 4, 1)
    )

    # The family checks in from the poster on one phone.
    phone.goto(tokens.poster_path(shelter))
    phone.get_by_label("避難 一郎").check()
    phone.get_by_role("button", name="チェックインする").click()
    expect(phone.get_by_role("heading", name="チェックインしました")).to_be_visible()

    # Reception sees them by furigana, with the care considerations.
    tablet = new_page(TABLET)
    log_in(tablet, clerk.username)
    tablet.get_by_role("link", name="函館市立青柳小学校 体育館 の受付").click()
    tablet.get_by_label("フリガナ").fill("ひなん")
    tablet.get_by_role("button", name="探す", exact=True).click()
    cards = tablet.locator(".person-card")
    cards.first.wait_for()
    expect(cards).to_have_count(2)
    hanako = cards.filter(has_text="避難 花子")
    expect(hanako.get_by_text("高齢")).to_be_visible()
    expect(hanako.get_by_text("アレルギー")).to_be_visible()
    expect(hanako.get_by_text("この避難所に入所中")).to_be_visible()
    screenshot(tablet, "family-found")

    # A neighbour without a phone: furigana + birth date find her in the registry.
    tablet.get_by_label("フリガナ").fill("ヤチガシラ ウメ")
    tablet.get_by_label("生年月日（この避難所にいない人を探すとき）").fill("昭和13年4月1日")
    tablet.get_by_role("button", name="探す", exact=True).click()
    ume = tablet.locator(".person-card").filter(has_text="谷地頭 ウメ")
    expect(ume.get_by_text("まだどこにも入所していません")).to_be_visible()
    ume.get_by_label("同行者（未登録）").fill("1")
    ume.get_by_role("button", name="入所（チェックイン）").click()
    status = tablet.locator("#save-status")
    expect(status).to_contain_text("保存しました")
    expect(status).to_contain_text("谷地頭 ウメ さんの入所を登録しました")
    expect(tablet.locator(".person-card").get_by_text("この避難所に入所中")).to_be_visible()
    screenshot(tablet, "neighbour-checked-in")
    assert Stay.objects.filter(shelter=shelter, checked_out_at__isnull=True).count() == 3

    # The status board shows four people (three + a companion): crowded at capacity 5.
    board = new_page(TABLET)
    log_in(board, cast.staff.username, "/dashboard/shelters/")
    row = board.locator(f'tr[data-shelter="{shelter.pk}"]')
    expect(row.locator(".people")).to_have_text("4")
    expect(row.get_by_text("混雑")).to_be_visible()
    expect(row.get_by_text("高齢 1")).to_be_visible()
    screenshot(board, "board")

    # Reception checks the neighbour out again; the board follows within one poll.
    ume.get_by_role("button", name="退所（チェックアウト）").click()
    expect(status).to_contain_text("谷地頭 ウメ さんの退所を登録しました")
    expect(row.locator(".people")).to_have_text("2", timeout=15_000)
    expect(row.get_by_text("空きあり")).to_be_visible()

    small = new_page(PHONE)
    log_in(small, cast.staff.username, "/dashboard/shelters/")
    screenshot(small, "board-phone")


def test_an_answer_lost_on_a_flaky_connection_says_not_saved_and_a_retry_saves_once(
    shelter, clerk, new_page, screenshot
):
    hanako, _ = family_with_line()
    tablet = new_page(TABLET)
    log_in(tablet, clerk.username, f"/dashboard/reception/{shelter.pk}/")
    tablet.get_by_label("QRコード（USB・Bluetooth スキャナーはここに読み取り）").fill(
        tokens.personal_token(hanako)
    )
    tablet.keyboard.press("Enter")  # what a keyboard-wedge scanner sends after the code
    card = tablet.locator(".person-card")
    card.wait_for()

    # The check-in reaches the server, but its answer is lost on the way back.
    def lose_the_answer(route):
        route.fetch()
        route.abort("connectionreset")

    tablet.route("**/reception/check-in", lose_the_answer)
    card.get_by_role("button", name="入所（チェックイン）").click()
    status = tablet.locator("#save-status")
    expect(status).to_contain_text("保存できたか確認できませんでした")
    screenshot(tablet, "not-saved")

    tablet.unroute("**/reception/check-in")
    status.get_by_role("button", name="もう一度送る").click()
    expect(status).to_contain_text("すでにこの避難所に入所済み")
    assert Stay.objects.filter(resident=hanako).count() == 1


def _qr_data_url(text: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode()).decode()


# Stands in for the tablet's camera: a video stream of a personal QR held up to it.
FAKE_CAMERA = """
(() => {
  const source = %s;
  navigator.mediaDevices.getUserMedia = () => new Promise((resolve) => {
    const canvas = document.createElement("canvas");
    canvas.width = 640; canvas.height = 480;
    const context = canvas.getContext("2d");
    const image = new Image();
    image.onload = () => {
      const draw = () => {
        context.fillStyle = "#fff";
        context.fillRect(0, 0, 640, 480);
        context.drawImage(image, 170, 90, 300, 300);
      };
      draw();
      setInterval(draw, 100);
      resolve(canvas.captureStream(10));
    };
    image.src = source;
  });
})();
"""


def test_the_camera_reads_a_personal_qr(shelter, clerk, new_page, screenshot):
    hanako, _ = family_with_line()
    tablet = new_page(TABLET)
    tablet.add_init_script(FAKE_CAMERA % repr(_qr_data_url(tokens.personal_token(hanako))))
    log_in(tablet, clerk.username, f"/dashboard/reception/{shelter.pk}/")
    tablet.get_by_role("button", name="カメラで読み取る").click()
    card = tablet.locator(".person-card").filter(has_text="避難 花子")
    card.wait_for()
    card.get_by_role("button", name="入所（チェックイン）").click()
    expect(tablet.locator("#save-status")).to_contain_text("入所を登録しました")
    screenshot(tablet, "camera")
    assert Stay.objects.get(resident=hanako).method == "personal_qr"
