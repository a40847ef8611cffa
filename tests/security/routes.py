"""Every route the site answers, read from Django's URL resolver (so a new route is in
the suite the moment it is added), with the world's objects filled into its path."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.apps import apps
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security import world as w

# The objects of the world that a route's path names: resident A's, area X's, shelter
# SX's. A route whose path takes an argument and is missing here fails the matrix.
PARAMS: dict[str, Callable[[w.World], dict[str, object]]] = {
    "api/shelters/<int:pk>/reception/lookup": lambda world: {"pk": world.shelter_x.pk},
    "api/shelters/<int:pk>/reception/check-in": lambda world: {"pk": world.shelter_x.pk},
    "api/shelters/<int:pk>/reception/check-out": lambda world: {"pk": world.shelter_x.pk},
    "api/shelters/<int:pk>/reception/transfer": lambda world: {"pk": world.shelter_x.pk},
    "dashboard/shelters/<int:pk>/status": lambda world: {"pk": world.shelter_x.pk},
    "dashboard/reception/<int:pk>/": lambda world: {"pk": world.shelter_x.pk},
    "dashboard/shelters/<int:pk>/roster/": lambda world: {"pk": world.shelter_x.pk},
    "dashboard/shelters/<int:pk>/roster.csv": lambda world: {"pk": world.shelter_x.pk},
    "dashboard/supplies/rounds/<int:pk>/": lambda world: {"pk": world.round.pk},
    "dashboard/supplies/rounds/<int:pk>/open": lambda world: {"pk": world.round.pk},
    "dashboard/supplies/rounds/<int:pk>/close": lambda world: {"pk": world.round.pk},
    "dashboard/supplies/batches/<int:pk>/print": lambda world: {"pk": world.batch_x.pk},
    "dashboard/supplies/d/<str:token>/": lambda world: {"token": w.delivery_scan_token(world)},
    "dashboard/notices/<int:pk>/": lambda world: {"pk": world.notice.pk},
    "dashboard/notices/<int:pk>/approve": lambda world: {"pk": world.notice.pk},
    "dashboard/notices/<int:pk>/cancel": lambda world: {"pk": world.notice.pk},
    "dashboard/notices/<int:pk>/resend": lambda world: {"pk": world.notice.pk},
    "dashboard/shelters/<int:pk>/supplies/": lambda world: {"pk": world.shelter_x.pk},
    "dashboard/shelters/<int:pk>/supplies/requests/<int:request_pk>/close": lambda world: {
        "pk": world.shelter_x.pk,
        "request_pk": world.shelter_x.supply_requests.get().pk,
    },
    "api/evacuees/<int:pk>": lambda world: {"pk": world.report_a.pk},
    "api/evacuees/<int:pk>/dismiss": lambda world: {"pk": world.report_a.pk},
    "api/evacuees/<int:pk>/suspend": lambda world: {"pk": world.report_a.pk},
    **{
        f"api/pickups/<int:pk>/{step}": (lambda world: {"pk": world.pickup_a.pk})
        for step in (
            "claim",
            "release",
            "hand-over",
            "handover-candidates",
            "picked-up",
            "arrived",
            "unable",
            "notes",
        )
    },
    "api/deliveries/<int:pk>": lambda world: {"pk": world.delivery_a.pk},
    **{
        f"api/deliveries/<int:pk>/{step}": (lambda world: {"pk": world.delivery_a.pk})
        for step in ("deliver", "not-home", "refuse", "release", "resolve")
    },
    "api/rounds/<int:pk>/take": lambda world: {"pk": world.round.pk},
    "api/batches/<int:pk>/hand-over": lambda world: {"pk": world.batch_x.pk},
    "api/batches/<int:pk>/handover-candidates": lambda world: {"pk": world.batch_x.pk},
    "api/notices/<int:pk>/report": lambda world: {"pk": world.notice.pk},
    "my/residents/<int:pk>/": lambda world: {"pk": world.resident_a.pk},
    "my/residents/<int:pk>/unlink/": lambda world: {"pk": world.resident_a.pk},
    "my/report/<int:pk>/": lambda world: {"pk": world.report_a.pk},
    "my/report/<int:pk>/end/": lambda world: {"pk": world.report_a.pk},
    "my/report/pickup/<int:pk>/cancel/": lambda world: {"pk": world.pickup_a.pk},
    "c/<str:token>/": lambda world: {"token": w.poster(world)},
    "shelters/<int:pk>/poster/": lambda world: {"pk": world.shelter_x.pk},
    "my/supplies/<int:pk>/answer/": lambda world: {"pk": world.delivery_a.pk},
    "my/supplies/<int:pk>/note/": lambda world: {"pk": world.delivery_a.pk},
    "line-sim/v2/bot/profile/<str:user_id>": lambda world: {"user_id": world.line_user_a},
    **{
        f"line-sim/inbox/<str:user_id>/{step}": (lambda world: {"user_id": world.line_user_a})
        for step in ("", "messages/", "say/", "tap/", "follow/", "unfollow/")
    },
}

_ARGUMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    path: str  # as the resolver spells it: "api/pickups/<int:pk>/claim"
    name: str  # "namespace:name", or "" for an unnamed route

    @property
    def is_admin(self) -> bool:
        return self.path.startswith("admin/")

    @property
    def takes_arguments(self) -> bool:
        return bool(_ARGUMENT.search(self.path)) or "(?P<" in self.path

    def url(self, world: w.World) -> str:
        if self.is_admin:
            return "/" + _admin_path(self.path)
        if not self.takes_arguments:
            return "/" + self.path
        values = PARAMS[self.path](world)
        return "/" + _ARGUMENT.sub(lambda m: str(values[m.group("name")]), self.path)


def _walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[Route]:
    for pattern in resolver.url_patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace)))
            yield from _walk(pattern, text, inner)
        elif isinstance(pattern, URLPattern):
            name = ":".join(filter(None, (namespace, pattern.name))) if pattern.name else ""
            yield Route(text, name)


def all_routes() -> list[Route]:
    return list(_walk(get_resolver(), "", ""))


# Admin's patterns are regular expressions ("^(?P<app_label>auth|residents)/$",
# "<path:object_id>/change/"): filled with a real app label and the model's first row.
_ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")


def _admin_path(path: str) -> str:
    text = path.replace("^", "").replace("$", "")
    text = re.sub(r"\(\?P<app_label>([\w|]+)\)", lambda m: m.group(1).split("|")[0], text)
    found = _ADMIN_MODEL.match(text)
    if found and ("<path:object_id>" in text or "<int:pk>" in text or "<id>" in text):
        model = apps.get_model(found.group("app"), found.group("model"))
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        text = re.sub(r"<(path:object_id|int:pk|id)>", str(first or 1), text)
    text = text.replace("(?P<url>.*)", "1")
    return re.sub(r"<(\w+:)?(\w+)>", "1", text)


def outcome(response: HttpResponse) -> str:
    """What a caller got, in one word: "ok" (an answer), "login" (sent to sign in),
    "start" (a resident sent to /my/start/), "away" (sent on to another page), "denied"
    (401, 403, 404), "method" (405), "invalid" (400, 409, 422), "limited" (429) or the
    status code."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        target = urlsplit(response.headers.get("Location", "")).path
        if target.startswith(("/login/", "/admin/login/")):
            return "login"
        if target.startswith("/my/start/"):
            return "start"
        return "away"
    if 200 <= status < 300:
        return "ok"
    return {
        400: "invalid",
        401: "denied",
        403: "denied",
        404: "denied",
        405: "method",
        409: "invalid",
        422: "invalid",
        429: "limited",
    }.get(status, str(status))
