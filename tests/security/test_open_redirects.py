"""Every view that takes a destination (``next``, a referer) sends people only to a path
on this site: another site, a scheme-relative URL, a backslash trick or a script URL
given as the destination ends on the view's own default page instead."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

import pytest

from hakobou.testing import figures
from hakobou.testing.cast import PASSWORD
from messaging import simulator

ELSEWHERE = [
    "https://evil.example",
    "https://evil.example/my/",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "%2F%2Fevil.example",
    "http:evil.example",
    "https:/evil.example",
    "/my/\r\nLocation: https://evil.example/",
]
REFUSED = "hostile input: open redirect attempts refused"


def stays_on_this_site(location: str) -> bool:
    """Whether a browser following ``location`` stays on this site, read as browsers
    read it: tabs and newlines dropped, a backslash taken for a slash, any run of two
    or more slashes at the start naming a host, and a scheme naming another place
    even without slashes ("http:evil.example" from an https page)."""
    as_read = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").lstrip(" \x00")
    if re.match(r"[a-zA-Z][a-zA-Z0-9+.-]*:", as_read):
        target = urlsplit(as_read)
        return target.scheme in ("http", "https") and target.netloc == "testserver"
    return not as_read.startswith("//")


def assert_refused(response, candidate: str) -> None:
    assert response.status_code in (301, 302, 303), (candidate, response.status_code)
    location = response["Location"]
    # "%2F%2Fevil.example" may come back as it was: a relative path under this site
    # (browsers do not decode %2F), which is where a browser then goes.
    assert stays_on_this_site(location), (candidate, location)
    figures.count(REFUSED)


def assert_carries_no_other_site(page, candidate: str) -> None:
    """A page given a hostile next may keep its own path (the language switcher's next
    is the page itself, query and all) but no link or form may lead elsewhere."""
    assert page.status_code == 200, (candidate, page.status_code)
    text = page.content.decode()
    carried = re.findall(r'(?:name="next"[^>]*value|data-next|href|action)="([^"]*)"', text)
    for value in carried:
        assert stays_on_this_site(html.unescape(value)), (candidate, value)
    assert "javascript:" not in text.lower(), candidate
    figures.count(REFUSED)


def test_the_checker_itself_refuses_every_candidate():
    for candidate in ELSEWHERE:
        if candidate in ("%2F%2Fevil.example", "/my/\r\nLocation: https://evil.example/"):
            continue  # paths on this site as they stand: "//…" only once decoded or split
        assert not stays_on_this_site(candidate), candidate
    assert stays_on_this_site("/dashboard/")


@pytest.mark.django_db
def test_staff_login_and_logout_stay_on_this_site(client, cast):
    for candidate in ELSEWHERE:
        page = client.get(f"/login/?next={quote(candidate, safe='')}")
        assert_carries_no_other_site(page, candidate)
        response = client.post(
            "/login/", {"username": "staff", "password": PASSWORD, "next": candidate}
        )
        assert_refused(response, candidate)
        # Signed in already, the login page redirects at once: the same check applies.
        response = client.get(f"/login/?next={quote(candidate, safe='')}")
        assert_refused(response, candidate)
        response = client.post("/logout/", {"next": candidate})
        assert_refused(response, candidate)
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/i18n/setlang/", "/my/language/"])
@pytest.mark.parametrize("candidate", ELSEWHERE)
def test_the_language_switch_stays_on_this_site(client, url, candidate):
    response = client.post(url, {"language": "en", "next": candidate})
    assert_refused(response, candidate)
    # Without a next, Django falls back to the referer: a hostile one is refused too.
    response = client.post(url, {"language": "ja"}, HTTP_REFERER=candidate)
    assert_refused(response, candidate)


@pytest.mark.django_db
@pytest.mark.parametrize("candidate", ELSEWHERE)
def test_the_drill_sign_in_goes_home_not_elsewhere(client, candidate):
    response = client.post(
        "/my/simulator-session/", {"display_name": "遠方 太郎", "next": candidate}
    )
    assert_refused(response, candidate)
    # Signed in, the start page redirects at once to its next.
    response = client.get(f"/my/start/?next={quote(candidate, safe='')}")
    assert_refused(response, candidate)


@pytest.mark.django_db
def test_the_start_page_never_carries_another_site_as_its_next(client):
    for candidate in ELSEWHERE:
        page = client.get(f"/my/start/?next={quote(candidate, safe='')}")
        assert_carries_no_other_site(page, candidate)


@pytest.mark.django_db
def test_the_line_sign_in_tells_the_page_to_go_home(client):
    user = simulator.simulated_user_create(display_name="遠方 花子")
    for candidate in ELSEWHERE:
        response = client.post(
            "/my/session/", {"id_token": simulator.id_token_issue(user), "next": candidate}
        )
        assert response.status_code == 200
        assert response.json()["next"] == "/my/", candidate
        figures.count(REFUSED)


@pytest.mark.django_db
@pytest.mark.parametrize("candidate", ELSEWHERE)
def test_registration_given_another_site_ends_on_its_own_page(client, candidate):
    """The web sign-in and the wizard both take a next; neither keeps a hostile one,
    and the finished registration offers no link to it."""
    client.post("/my/web/", {"next": candidate})
    client.get(f"/my/register/?for=self&next={quote(candidate, safe='')}")
    client.post("/my/register/consent/", {"agree": "on"})
    client.post("/my/register/kana/", {"kana": "エンポウ ハナコ"})
    client.post("/my/register/birth/", {"era": "昭和", "year": 50, "month": 3, "day": 2})
    response = client.post(
        "/my/register/manual/",
        {
            "name": "遠方 花子",
            "name_kana": "エンポウ ハナコ",
            "era": "昭和",
            "year": 50,
            "month": 3,
            "day": 2,
            "address": "函館市若松町",
            "phone": "",
        },
    )
    assert_refused(response, candidate)
    assert response["Location"] == "/my/register/done/"
    assert_carries_no_other_site(client.get("/my/register/done/"), candidate)
