"""Browser-test fixtures: Debian's Chromium driven by Playwright for Python.

Playwright never downloads a browser here; it drives /usr/bin/chromium (or
CHROMIUM_PATH). Locally a missing browser skips these tests with the reason; in
CI (CI=true) it fails them, so a broken set-up can never pass as "skipped".
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 1280, "height": 800}
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


def _chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    return configured if Path(configured).exists() else shutil.which("chromium")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    executable = _chromium_path()
    if executable is None:
        _unavailable("Chromium is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """Open a fresh browser context (own cookies) at a viewport; closes them after the test."""
    contexts = []

    def open_page(viewport: dict = PHONE, locale: str = "ja-JP", **options):
        """``options`` go to Playwright's new_context: timezone_id, geolocation …"""
        context = browser.new_context(
            viewport=viewport, locale=locale, base_url=live_server.url, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request) -> Callable[[object, str], Path]:
    """Save a full-page screenshot named after the test, for people to look at."""

    def take(page, name: str) -> Path:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOT_DIR / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def log_in(page, username: str, next_path: str = "/dashboard/") -> None:
    """Sign a staff member, volunteer or reception user in through the login form."""
    from hakobou.testing.cast import PASSWORD

    page.goto(f"/login/?next={next_path}")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"**{next_path}")


def sign_in_as_new_line_user(page, display_name: str):
    """Drill mode, as a resident does: the start page makes a simulated LINE user for
    this browser and signs in with its ID token. Returns the resident-side account."""
    from messaging.models import SimulatedUser
    from residents.models import Account

    page.goto("/my/start/?next=/my/")
    page.get_by_label("新しいユーザーを作る（LINE の表示名）").fill(display_name)
    page.get_by_role("button", name="LINE で開く（訓練）").click()
    page.wait_for_url("**/my/")
    user = SimulatedUser.objects.filter(display_name=display_name).latest("pk")
    return Account.objects.get(line_user_id=user.user_id)


def stay_offline(page, live_server) -> None:
    """Map tiles and anything else off the test server cannot load here: refuse them at
    once instead of waiting on the network."""

    def route(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
