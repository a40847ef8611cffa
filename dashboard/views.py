from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from dashboard.permissions import responder_required
from residents.selectors import areas_visible_to


@responder_required
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/index.html", {"areas": areas_visible_to(request.user)})
