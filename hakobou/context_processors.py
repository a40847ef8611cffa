from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict:
    return {
        "CITY_NAME": settings.CITY_NAME,
        "DRILL_MODE": settings.LINE_MODE == "simulator",
    }
