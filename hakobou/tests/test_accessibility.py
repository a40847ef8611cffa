"""Every page a person can reach, on a phone (390×844) and on a desktop (1280×800),
passes axe-core with no serious or critical violation; resident pages also give every
control a 44×44 px target, a form sent with mistakes links each message to its field
(pages whose id ends in "-error"), and the keyboard focus is always visible. One test
per page and size, so a failure names both.

The pages need content (people sheltering outside, a pickup, a distribution round, a
sent notice, someone in a shelter), and seeding it is the slow part: it is done once
for the module (the Hakodate drill, plus a little more), served by a live server of
the module's own, and the database is emptied afterwards as a transactional test
would. Each test opens a fresh browser context signed in as whoever the page is for.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client

from areas.models import Area
from areas.services import staff_upsert
from evacuation.models import OffShelterReport
from evacuation.services import report_end, report_start, report_submit, report_update
from hakobou import drill
from hakobou.services import drill_seed
from hakobou.testing.axe import assert_accessible, small_targets
from hakobou.testing.browser import PHONE
from hakobou.testing.cast import PASSWORD
from notices.models import Notice
from notices.services import notice_approve, notice_create, notice_submit
from residents.identity import ACCOUNT_KEY
from residents.models import Account
from residents.registration import account_consent, resident_create_manual
from residents.tests.factories import RegistryPersonFactory
from shelters.models import Method, Shelter
from shelters.services import stay_check_in
from supplies.deliveries import deliveries_take, delivery_mark_delivered
from supplies.models import Delivery, DistributionRound

pytestmark = [pytest.mark.browser]

DESKTOP = {"width": 1280, "height": 800}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# In the registry: one person, and two alike (the wizard then asks more).
ONE = ("ナカジマ カズキ", datetime.date(1970, 3, 2))
TWINS = ("フタゴ ハナ", datetime.date(1971, 4, 5))


# --- The seeded world ------------------------------------------------------------------


@dataclass
class World:
    url: str = ""
    users: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)
    shelters: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)


def _registered(name: str) -> Account:
    """A browser account (consented) with its holder registered by hand."""
    account = account_consent(account=Account.objects.create(display_name=name))
    resident_create_manual(
        account=account,
        relation="self",
        name=name,
        name_kana="テスト",
        birth_date=datetime.date(1950, 5, 6),
        address="北海道函館市谷地頭町",
    )
    return account


def _report(account: Account, **answers) -> OffShelterReport:
    return report_update(
        report=report_start(account=account),
        people=[account.links.get().resident],
        latitude=41.7541,
        longitude=140.7171,
        location_source="gps",
        accuracy_m=20,
        **answers,
    )


def _seed(registry_dir: Path) -> World:
    drill_seed(registry_path=registry_dir / "registry.csv")
    world = World()
    users = get_user_model().objects.in_bulk(
        [account.username for account in drill.ACCOUNTS], field_name="username"
    )
    world.users = {
        "staff": users["city-staff"],
        "volunteer": users["yachigashira"],
        "reception": users["aoyagi-reception"],
        "staff-2": staff_upsert(username="staff-2", password=PASSWORD, full_name="承認 二郎"),
    }
    world.shelters = {
        "open": Shelter.objects.get(code="S101"),
        "closed": Shelter.objects.get(code="S103"),
    }
    # From the drill: 谷地頭 トメ at home has asked for a pickup; 谷地頭 健, in his
    # car, has not.
    world.accounts["pickup"] = Account.objects.get(display_name="谷地頭 トメ")
    world.accounts["car"] = car = Account.objects.get(display_name="谷地頭 健")
    world.ids["resident"] = car.links.get().resident.pk

    # A volunteer took the round's deliveries in 谷地頭 and handed one over: 健's
    # household is asked whether it arrived.
    round = DistributionRound.objects.get(name=drill.SUPPLY_ROUND)
    batch = deliveries_take(round=round, user=world.users["volunteer"]).batch
    delivery = Delivery.objects.get(round=round, report__account=car)
    delivery_mark_delivered(delivery=delivery, user=world.users["volunteer"])
    world.ids.update(round=round.pk, batch=batch.pk, delivery=delivery.pk)

    # The city's notices: one sent to 谷地頭 (with a link button), one awaiting approval.
    staff = world.users["staff"]
    yachigashira = Area.objects.get(code=drill.AREAS[0].code)
    sent = notice_submit(
        notice=notice_create(
            title="給水のお知らせ",
            segment={"if": "off_shelter", "value": str(yachigashira.pk)},
            texts={"ja": "【お知らせ】谷地頭町会館で給水をしています。容器をお持ちください。"},
            link_url="https://example.jp/water/",
            link_label="給水所の地図",
            by_user=staff,
        ),
        by_user=staff,
    )
    if sent.status == Notice.Status.AWAITING_APPROVAL:
        notice_approve(notice=sent, by_user=world.users["staff-2"])
    waiting = notice_submit(
        notice=notice_create(
            title="全市への注意喚起",
            segment={"all": []},
            texts={"ja": "【お知らせ】余震に注意してください。"},
            by_user=staff,
        ),
        by_user=staff,
    )
    world.ids.update(notice_sent=sent.pk, notice_waiting=waiting.pk)

    # Someone inside the open shelter: its roster lists her, closing it asks about her.
    stay_check_in(
        resident=_registered("入所 花子").links.get().resident,
        shelter=world.shelters["open"],
        method=Method.POSTER_QR,
        companions=1,
    )

    # A draft with every answer given: each step and the summary show them.
    world.accounts["draft"] = drafting = _registered("下書き 一子")
    _report(
        drafting,
        place="car",
        address_text="谷地頭町 市営住宅の駐車場",
        others_count=1,
        needs=["water", "other"],
        needs_other="充電器",
        care=["elderly"],
        note="車は白の軽自動車です。",
    )

    # A report that ended (she reached a shelter): its page says so.
    world.accounts["ended"] = ended = _registered("終了 三子")
    report = report_submit(report=_report(ended, place="home"))
    report = report_end(report=report, reason=OffShelterReport.EndReason.REACHED_SHELTER)
    world.ids["ended_report"] = report.pk

    # Signed in, nobody registered yet.
    world.accounts["unregistered"] = account_consent(account=Account.objects.create())

    RegistryPersonFactory(name="中嶋 和樹", name_kana=ONE[0], birth_date=ONE[1])
    for given in ("花", "華"):
        RegistryPersonFactory(name=f"双子 {given}", name_kana=TWINS[0], birth_date=TWINS[1])
    return world


# The module's own database and server. pytest-django would empty the database after
# every test using its live_server; these two, under the same names (so pytest-django
# creates the test database and serves static files as usual), keep the data for the
# whole module and empty the database once, at its end.


@pytest.fixture(scope="module")
def transactional_db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Database access for the module, every write committed (the live server's
    threads see it); emptied at the end as a transactional test's teardown does."""
    from django.core.management import call_command
    from django.db import connections

    with django_db_blocker.unblock():
        try:
            yield
        finally:
            call_command("flush", verbosity=0, interactive=False)
            connections.close_all()


@pytest.fixture(scope="module")
def live_server(transactional_db) -> Iterator[object]:
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer("localhost")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def world(live_server) -> Iterator[World]:
    with tempfile.TemporaryDirectory() as tmp:
        world = _seed(Path(tmp))
        world.url = live_server.url
        yield world


# --- Signing in ------------------------------------------------------------------------


def _session(**values) -> str:
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store.update(values)
    store.create()
    return store.session_key


def as_resident(key: str) -> Callable[[World], str]:
    return lambda world: _session(**{ACCOUNT_KEY: world.accounts[key].pk})


def as_new_resident(*, consented: bool = True) -> Callable[[World], str]:
    """A fresh account for each test: the registration wizard keeps its state."""

    def make(world: World) -> str:
        account = Account.objects.create()
        if consented:
            account_consent(account=account)
        return _session(**{ACCOUNT_KEY: account.pk})

    return make


def as_user(key: str) -> Callable[[World], str]:
    def make(world: World) -> str:
        client = Client()
        client.force_login(world.users[key])
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    return make


# --- The pages -------------------------------------------------------------------------


@dataclass(frozen=True)
class Visit:
    id: str
    path: str | Callable[[World], str]
    who: Callable[[World], str] | None = None
    then: Callable[[object, World], None] | None = None
    lands: str = ""  # where the page must end up, when not at ``path`` itself
    ready: str = ""  # a selector to wait for (pages drawn by JavaScript)
    resident: bool = False  # a resident's page: 44×44 px targets too


def _submit(page, button: str = "button[type=submit]") -> None:
    with page.expect_navigation():
        page.locator(f"main form {button}").last.click()


def _empty_submit(page, world):
    """Send the form as it is, the browser's own checks off: the server's errors."""
    page.locator("main form[method=post]").last.evaluate("form => { form.noValidate = true; }")
    _submit(page)


def _fill_kana(kana: str) -> Callable[[object, World], None]:
    def steps(page, world):
        page.locator("input[name=kana]").fill(kana)
        _submit(page)

    return steps


def _birth(kana: str, birth: datetime.date) -> Callable[[object, World], None]:
    def steps(page, world):
        _fill_kana(kana)(page, world)
        page.locator("select[name=era]").select_option("西暦")
        page.locator("input[name=year]").fill(str(birth.year))
        page.locator("select[name=month]").select_option(str(birth.month))
        page.locator("select[name=day]").select_option(str(birth.day))
        _submit(page)

    return steps


def _manual(page, world):
    _birth("ミツカラナイ", ONE[1])(page, world)
    with page.expect_navigation():
        page.locator("main a[href$='/register/manual/']").click()


def _manual_error(page, world):
    _manual(page, world)
    page.locator("input[name=name]").fill("")
    _empty_submit(page, world)


def _registered_just_now(page, world):
    _birth(*ONE)(page, world)
    _submit(page)


def _close_with_people_inside(page, world):
    row = page.locator(f'tr[data-shelter="{world.shelters["open"].pk}"]')
    with page.expect_navigation():
        row.locator("button[value=closed]").click()


def _open_first_evacuee(page, world):
    page.locator("#dash-list tbody tr").first.click()
    page.locator("#dash-detail-body button").first.wait_for()


def _poster(world: World, key: str) -> str:
    from shelters import tokens

    return tokens.poster_path(world.shelters[key])


def _scan(world: World) -> str:
    from dashboard.supply_views import sign_delivery

    return f"/dashboard/supplies/d/{sign_delivery(world.ids['delivery'])}/"


def _chat(world: World) -> str:
    return f"/line-sim/inbox/{world.accounts['car'].line_user_id}/"


def _shelter(suffix: str) -> Callable[[World], str]:
    return lambda world: suffix.format(pk=world.shelters["open"].pk)


REGISTER = "/my/register/?for=self"
STEPS = ("place", "location", "people", "needs", "care", "note", "confirm")
RESIDENT_PAGES = [
    Visit("home", "/"),
    Visit("start", "/my/start/"),
    Visit("recover", "/my/recover/"),
    Visit("recover-error", "/my/recover/", then=_empty_submit),
    Visit(
        "recovery-code",
        "/my/start/",
        then=lambda page, world: _submit(page, "button:not(.link-button)"),
        lands="/my/web/code/",
    ),
    Visit("hub-unregistered", "/my/", as_new_resident()),
    Visit("hub-notices-supplies", "/my/", as_resident("car")),
    Visit("hub-pickup", "/my/", as_resident("pickup")),
    Visit("resident-detail", lambda w: f"/my/residents/{w.ids['resident']}/", as_resident("car")),
    Visit("withdraw", "/my/withdraw/", as_resident("car")),
    Visit("register-consent", REGISTER, as_new_resident(consented=False), lands="/consent/"),
    Visit(
        "register-consent-error",
        REGISTER,
        as_new_resident(consented=False),
        _empty_submit,
        lands="/consent/",
    ),
    Visit("register-kana", REGISTER, as_new_resident(), lands="/kana/"),
    Visit("register-kana-error", REGISTER, as_new_resident(), _empty_submit, lands="/kana/"),
    Visit("register-birth", REGISTER, as_new_resident(), _fill_kana(ONE[0]), lands="/birth/"),
    Visit(
        "register-birth-error",
        REGISTER,
        as_new_resident(),
        lambda page, world: (_fill_kana(ONE[0])(page, world), _empty_submit(page, world)),
        lands="/birth/",
    ),
    Visit("register-result-matched", REGISTER, as_new_resident(), _birth(*ONE), lands="/result/"),
    Visit(
        "register-result-none",
        REGISTER,
        as_new_resident(),
        _birth("ミツカラナイ", ONE[1]),
        lands="/result/",
    ),
    Visit("register-narrow", REGISTER, as_new_resident(), _birth(*TWINS), lands="/narrow/"),
    Visit("register-manual", REGISTER, as_new_resident(), _manual, lands="/manual/"),
    Visit("register-manual-error", REGISTER, as_new_resident(), _manual_error, lands="/manual/"),
    Visit("register-done", REGISTER, as_new_resident(), _registered_just_now, lands="/done/"),
    Visit("report-register-first", "/my/report/", as_resident("unregistered")),
    *[Visit(f"report-{step}", f"/my/report/{step}/", as_resident("draft")) for step in STEPS],
    Visit("report-confirm-error", "/my/report/confirm/", as_resident("draft"), _empty_submit),
    Visit("report-status", "/my/report/", as_resident("car")),
    Visit("report-status-pickup", "/my/report/", as_resident("pickup")),
    Visit("report-ended", lambda w: f"/my/report/{w.ids['ended_report']}/", as_resident("ended")),
    Visit("pickup-request", "/my/report/pickup/", as_resident("car")),
    Visit("pickup-request-error", "/my/report/pickup/", as_resident("car"), _empty_submit),
    Visit("my-qr", "/my/qr/", as_resident("car")),
    Visit("shelter-search", "/shelters/"),
    Visit("shelter-search-results", "/shelters/?lat=41.7541&lng=140.7171&hazard=earthquake"),
    Visit("poster-check-in", lambda w: _poster(w, "open"), as_resident("car")),
    Visit("poster-check-in-closed", lambda w: _poster(w, "closed"), as_resident("car")),
    Visit(
        "poster-check-in-register-first",
        lambda w: _poster(w, "open"),
        as_resident("unregistered"),
    ),
    Visit("poster-bad-qr", "/c/not-a-real-token/", as_resident("car")),
    Visit(
        "supplies-dispute-note",
        lambda w: f"/my/supplies/{w.ids['delivery']}/note/",
        as_resident("car"),
    ),
    Visit(
        "line-inbox-own-chat",
        "/line-sim/inbox/",
        as_resident("car"),
        lands="/line-sim/inbox/U",
        ready="[role=log]",
    ),
]
RESIDENT_PAGES = [
    Visit(v.id, v.path, v.who, v.then, v.lands, v.ready, resident=True) for v in RESIDENT_PAGES
]

RESPONDER_PAGES = [
    Visit("login", "/login/"),
    Visit("login-error", "/login/", then=_empty_submit),
    Visit("dashboard-map", "/dashboard/", as_user("volunteer"), ready="#dash-map[data-ready]"),
    Visit(
        "dashboard-detail",
        "/dashboard/",
        as_user("volunteer"),
        _open_first_evacuee,
        ready="#dash-list tbody tr",
    ),
    Visit("dashboard-staff", "/dashboard/", as_user("staff"), ready="#dash-map[data-ready]"),
    Visit("dashboard-reception-user", "/dashboard/", as_user("reception")),
    Visit("board", "/dashboard/shelters/", as_user("staff")),
    Visit(
        "board-close-shelter",
        "/dashboard/shelters/",
        as_user("staff"),
        _close_with_people_inside,
        lands="/status",
    ),
    Visit("reception", _shelter("/dashboard/reception/{pk}/"), as_user("reception")),
    Visit("roster", _shelter("/dashboard/shelters/{pk}/roster/"), as_user("reception")),
    Visit("poster", _shelter("/shelters/{pk}/poster/"), as_user("reception")),
    Visit("shelter-supplies", _shelter("/dashboard/shelters/{pk}/supplies/"), as_user("reception")),
    Visit(
        "helper-register",
        "/dashboard/register/?restart=1",
        as_user("volunteer"),
        lands="/dashboard/register/kana/",
    ),
    Visit("supplies", "/dashboard/supplies/", as_user("staff")),
    Visit(
        "supply-round",
        lambda w: f"/dashboard/supplies/rounds/{w.ids['round']}/",
        as_user("volunteer"),
        ready="#sup-map[data-ready]",
    ),
    Visit(
        "supply-batch-print",
        lambda w: f"/dashboard/supplies/batches/{w.ids['batch']}/print",
        as_user("volunteer"),
    ),
    Visit("supply-scan", _scan, as_user("volunteer")),
    Visit("notices", "/dashboard/notices/", as_user("staff")),
    Visit("notice-new", "/dashboard/notices/new", as_user("staff")),
    Visit("notice-sent", lambda w: f"/dashboard/notices/{w.ids['notice_sent']}/", as_user("staff")),
    Visit(
        "notice-awaiting-approval",
        lambda w: f"/dashboard/notices/{w.ids['notice_waiting']}/",
        as_user("staff-2"),
    ),
    Visit("line-inbox", "/line-sim/inbox/", as_user("staff")),
    Visit("line-inbox-chat", _chat, as_user("staff"), ready="[role=log]"),
    Visit("admin-index", "/admin/", as_user("staff")),
    Visit("admin-changelist", "/admin/shelters/shelter/", as_user("staff")),
    Visit(
        "admin-change-form",
        lambda w: f"/admin/shelters/shelter/{w.shelters['open'].pk}/change/",
        as_user("staff"),
    ),
]

PAGES = RESIDENT_PAGES + RESPONDER_PAGES
# Saved for people to look at (artifacts/screenshots/): pages whose markup these checks changed.
SCREENSHOTS = {
    "report-confirm",
    "report-status-pickup",
    "pickup-request-error",
    "my-qr",
    "line-inbox-own-chat",
    "hub-notices-supplies",
}


def _open(browser, world: World, visit: Visit, viewport: dict):
    context = browser.new_context(viewport=viewport, locale="ja-JP", base_url=world.url)
    context.set_default_timeout(15_000)

    def offline(route):  # map tiles, the LIFF SDK: refused at once, not waited for
        if route.request.url.startswith(world.url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", offline)
    if visit.who is not None:
        session = visit.who(world)
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": world.url}]
        )
    page = context.new_page()
    path = visit.path(world) if callable(visit.path) else visit.path
    page.goto(path)
    if visit.ready:
        page.locator(visit.ready).first.wait_for(state="attached")
    if visit.then is not None:
        visit.then(page, world)
    expected = visit.lands or path
    assert expected in page.url.removeprefix(world.url), f"{page.url}, not {expected}"
    return context, page


def _unexplained_errors(page) -> list[str]:
    """Fields marked invalid whose error message is not linked to them: each needs
    aria-describedby (its own, or its group's fieldset) naming the message's element."""
    return page.evaluate(
        """() => {
          const invalid = [...document.querySelectorAll("[aria-invalid=true]")];
          if (!invalid.length) return ["no field is marked aria-invalid"];
          const problems = [];
          for (const control of invalid) {
            const group = control.closest("fieldset");
            const ids = [control, group].filter(Boolean)
              .flatMap((node) => (node.getAttribute("aria-describedby") || "").split(/\\s+/));
            const messages = ids.map((id) => id && document.getElementById(id))
              .filter((node) => node && node.matches(".field-error") && node.innerText.trim());
            if (!messages.length) problems.push(`${control.name}: no error message linked`);
          }
          return problems;
        }"""
    )


# City staff's desk pages are used at a desk: checked at desktop size only (every other
# page at both sizes).
DESK_ONLY = {
    "board-close-shelter",
    "supplies",
    "notices",
    "notice-new",
    "notice-sent",
    "notice-awaiting-approval",
    "line-inbox",
    "line-inbox-chat",
    "admin-index",
    "admin-changelist",
    "admin-change-form",
}
PAGE_SIZES = [
    pytest.param(visit, viewport, id=f"{visit.id}-{viewport}")
    for visit in PAGES
    for viewport in VIEWPORTS
    if viewport == "desktop" or visit.id not in DESK_ONLY
]


@pytest.mark.parametrize(("visit", "viewport"), PAGE_SIZES)
def test_the_page_has_no_serious_accessibility_problem(browser, world, visit, viewport, screenshot):
    context, page = _open(browser, world, visit, VIEWPORTS[viewport])
    try:
        if viewport == "phone" and visit.id in SCREENSHOTS:
            screenshot(page, "checked")
        assert_accessible(page)
        if visit.resident:
            assert small_targets(page) == [], f"controls under 44×44 px on {page.url}"
        if visit.id.endswith("-error"):
            assert _unexplained_errors(page) == []
    finally:
        context.close()


FOCUS_PAGES = [visit for visit in PAGES if visit.id in ("start", "report-place", "board")]


@pytest.mark.parametrize("visit", FOCUS_PAGES, ids=[visit.id for visit in FOCUS_PAGES])
def test_keyboard_focus_is_always_visible(browser, world, visit):
    """Tab through the page: whatever has the focus shows a ring of 2 px or more."""
    context, page = _open(browser, world, visit, PHONE)
    try:
        unseen = []
        for _ in range(25):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => {
                  const element = document.activeElement;
                  if (!element || element === document.body) return null;
                  const style = getComputedStyle(element);
                  const ring = style.outlineStyle !== "none" ? parseFloat(style.outlineWidth) : 0;
                  return {
                    name: element.tagName + " " + (element.innerText || element.name || "").trim(),
                    visible: ring >= 2 || style.boxShadow !== "none",
                  };
                }"""
            )
            if focused and not focused["visible"]:
                unseen.append(focused["name"][:40])
        assert unseen == []
    finally:
        context.close()
