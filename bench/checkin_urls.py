"""The project's URLs plus the floor bench/checkin.py measures: a view that does no work,
behind the same gunicorn, middleware (sessions, CSRF, auth, locale …) and URL resolver."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def minimal(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal", minimal, name="bench-minimal"),
    path("", include("hakobou.urls")),
]
