"""Stored XSS, in Chromium: a drill whose every free-text field holds a script payload
(tests/security/hostile.py) and every page that shows those fields opened as the people
who see them, the map's popups and the detail panels JavaScript builds from the API's
JSON included.

A payload that runs counts itself in ``window.__xss`` or opens a dialog: on every page
that must stay undefined and no dialog may open; no link may carry a ``javascript:``
URL; and on the pages that show people's text the payload is there to read, as text."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.contrib import admin
from django.test import Client
from django.urls import NoReverseMatch, reverse

from dashboard.supply_views import sign_delivery
from hakobou.testing import figures
from hakobou.testing.browser import PHONE, TABLET
from messaging import simulator
from notices.models import Notice
from notices.services import NoticeInvalid, notice_create
from residents.models import Resident
from shelters.models import Stay
from shelters.tokens import personal_token, poster_token
from supplies.models import Delivery, DeliveryBatch
from tests.security.hostile import SCRIPT_URL, XSS_PAYLOADS, World, hostile_world

pytestmark = pytest.mark.browser


@dataclass
class Visit:
    path: str
    shows_payload: bool = True  # the page shows people's text: the payload must be read
    then: str = ""  # what to do once loaded (see _act)


@dataclass
class Findings:
    pages: int = 0
    ran: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    script_links: list[str] = field(default_factory=list)
    not_shown: list[str] = field(default_factory=list)


@pytest.fixture
def world(transactional_db, live_server, settings, tmp_path) -> World:
    settings.LINE_WEBHOOK_URL = f"{live_server.url}/line/webhook"
    world = hostile_world(XSS_PAYLOADS, data_dir=tmp_path)
    # Through the simulator's own forms, as people in a drill do: new LINE users with
    # hostile names, and messages typed into a chat (the portal receives them too).
    staff = Client()
    staff.force_login(world.staff)
    for payload in XSS_PAYLOADS[:3]:
        staff.post("/line-sim/inbox/new/", {"display_name": payload})
        staff.post(f"/line-sim/inbox/{world.line_user.user_id}/say/", {"text": payload})
    return world


def _staff_visits(world: World) -> list[Visit]:
    shelter, round = world.shelter.pk, world.round.pk
    batch = DeliveryBatch.objects.first()
    delivery = Delivery.objects.first()
    visits = [
        Visit("/dashboard/", then="open every row and popup"),
        Visit("/dashboard/shelters/"),
        Visit(f"/dashboard/shelters/{shelter}/roster/"),
        Visit(f"/dashboard/reception/{shelter}/", then="scan a checked-in person"),
        Visit("/dashboard/supplies/"),
        Visit(f"/dashboard/supplies/rounds/{round}/", then="open deliveries"),
        Visit(f"/dashboard/supplies/batches/{batch.pk}/print"),
        Visit(f"/dashboard/supplies/d/{sign_delivery(delivery.pk)}/"),
        Visit(f"/dashboard/shelters/{shelter}/supplies/"),
        Visit("/dashboard/notices/"),
        Visit(f"/dashboard/notices/{world.notice.pk}/"),
        Visit("/dashboard/notices/new", shows_payload=False, then="type into the composer"),
        Visit("/line-sim/inbox/"),
        Visit(f"/line-sim/inbox/{world.line_user.user_id}/"),
        Visit("/shelters/"),
        Visit(f"/shelters/{shelter}/poster/"),
        Visit("/admin/", shows_payload=False),
    ]
    for model in admin.site._registry:
        meta = model._meta
        try:
            changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        except NoReverseMatch:
            continue
        visits.append(Visit(changelist, shows_payload=False))
        first = model._default_manager.order_by("pk").first()
        # A change page for each model that holds a payload (its form shows them all).
        if first is not None and any(f.startswith(meta.label + ".") for f in world.fields):
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[first.pk])
            visits.append(Visit(change, shows_payload=False))
    return visits


def _resident_visits(world: World) -> list[Visit]:
    visits = [
        Visit("/my/"),
        Visit(f"/my/report/{world.report.pk}/"),
        Visit("/my/qr/"),
        Visit(f"/c/{poster_token(world.shelter)}/"),
        Visit(f"/line-sim/inbox/{world.line_user.user_id}/"),
    ]
    for link in world.resident_account.links.all():
        visits.append(Visit(f"/my/residents/{link.resident_id}/"))
    return visits


def _act(page, visit: Visit, world: World) -> None:
    if visit.then == "open every row and popup":
        page.wait_for_selector("#dash-list tbody tr[data-id]")
        for row in page.locator("#dash-list tbody tr[data-id]").all()[:6]:
            row.click()
            page.wait_for_selector("#dash-detail-body h2, #dash-detail-body h3")
        for marker in page.locator(".leaflet-marker-icon, path.leaflet-interactive").all()[:12]:
            marker.click(force=True)
            page.wait_for_timeout(50)
    elif visit.then == "scan a checked-in person":
        resident = Resident.objects.get(
            pk=Stay.objects.filter(shelter=world.shelter).first().resident_id
        )
        page.fill("#scan-code", personal_token(resident))
        page.press("#scan-code", "Enter")
        page.wait_for_selector("#results .person-name")
    elif visit.then == "open deliveries":
        for opener in page.locator("[data-action=open]").all()[:3]:
            opener.click()
            page.wait_for_selector("#sup-detail-body h2, #sup-detail-body h3, #sup-detail-body dl")
    elif visit.then == "type into the composer":
        box = page.locator("#ntc-form textarea").first
        box.fill(XSS_PAYLOADS[0] + XSS_PAYLOADS[2])
        page.wait_for_timeout(300)


def _quick(page, live_server) -> None:
    """Only this server's pages, scripts and styles: tiles, fonts and pictures (the
    payloads' ``src=x`` too, whose onerror a refusal fires at once) are refused."""

    def route(route):
        request = route.request
        if request.resource_type in ("image", "font", "media"):
            route.abort()
        elif request.url.startswith(live_server.url):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)


def _visit_all(page, visits: list[Visit], world: World, findings: Findings) -> None:
    page.on("dialog", lambda dialog: (findings.dialogs.append(page.url), dialog.dismiss()))
    for visit in visits:
        response = page.goto(visit.path)
        assert response is not None and response.status < 400, (
            visit.path,
            response and response.status,
        )
        _act(page, visit, world)
        findings.pages += 1
        if page.evaluate("() => window.__xss") is not None:
            findings.ran.append(visit.path)
        if page.locator("a[href^='javascript:' i], iframe[src^='javascript:' i]").count():
            findings.script_links.append(visit.path)
        if visit.shows_payload and "__xss" not in page.inner_text("body"):
            findings.not_shown.append(visit.path)


def _share_session(page, client, live_server) -> None:
    """The browser signs in as the test client did: the same session cookie."""
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_no_stored_payload_runs_on_any_page(world, new_page, live_server, screenshot):
    findings = Findings()

    staff = Client()
    staff.force_login(world.staff)
    page = new_page(viewport=TABLET)
    _quick(page, live_server)
    # The canary: written into a page unescaped, the payloads do run and are counted.
    page.goto("/healthz")
    page.set_content("".join(p for p in XSS_PAYLOADS if p.startswith(("<", '"', "'>"))))
    page.wait_for_function("() => window.__xss >= 1")
    _share_session(page, staff, live_server)
    _visit_all(page, _staff_visits(world), world, findings)
    page.goto("/dashboard/")
    _act(page, Visit("/dashboard/", then="open every row and popup"), world)
    screenshot(page, "dashboard-detail")
    page.goto(f"/line-sim/inbox/{world.line_user.user_id}/")
    screenshot(page, "inbox-chat")

    resident = Client()
    token = simulator.id_token_issue(world.line_user)
    assert resident.post("/my/session/", {"id_token": token}).status_code == 200
    page = new_page(viewport=PHONE)
    _quick(page, live_server)
    _share_session(page, resident, live_server)
    _visit_all(page, _resident_visits(world), world, findings)
    page.goto("/my/")
    screenshot(page, "my-page")

    figures.count("hostile input: pages checked for XSS", findings.pages)
    figures.count(
        "hostile input: XSS payloads rendered in the browser",
        findings.pages * len(XSS_PAYLOADS),
    )
    figures.record("hostile input: free-text fields holding XSS payloads", len(world.fields))
    assert (findings.ran, findings.dialogs, findings.script_links, findings.not_shown) == (
        [],
        [],
        [],
        [],
    ), "payload ran / opened a dialog / javascript: link / payload not shown as text"


def test_a_notice_link_cannot_be_a_script_url(client, db, cast):
    """The one link people type (a notice's button): neither the composer nor the
    service behind it keeps a javascript: URL, so no page or LINE message carries one."""
    client.force_login(cast.staff)
    page = client.post(
        "/dashboard/notices/new",
        {
            "segment": '{"if": "everyone"}',
            "text_ja": "本文",
            "link_url": SCRIPT_URL,
            "link_label": "開く",
        },
    )
    assert page.status_code in (200, 400)  # the form again, with its error
    assert "リンク先は https:// で始まる URL を入力してください。" in page.content.decode()
    assert not Notice.objects.exists()
    with pytest.raises(NoticeInvalid):
        notice_create(
            title="t",
            segment={"if": "everyone"},
            texts={"ja": "本文"},
            link_url=SCRIPT_URL,
            link_label="開く",
            by_user=cast.staff,
        )
