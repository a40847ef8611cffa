from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from hakobou import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404. An address under /api/ that names nothing (an id that is not a
    number) answers in the API's JSON, with the words of its other 404s; pages get
    the 404 page."""
    if request.path.startswith("/api/"):
        message = _("見つかりません。担当地区の外か、すでに終わっています。")
        return JsonResponse({"code": "not_found", "message": message}, status=404)
    return defaults.page_not_found(request, exception)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent from a page that has expired (or without cookies)
    gets a polite page saying nothing was sent, not Django's technical one."""
    return render(request, "403_csrf.html", status=403)
