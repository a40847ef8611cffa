from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from lib.city import city_name
from residents.budgets import city_alarm_raised


def site(request: HttpRequest) -> dict:
    return {
        "CITY_NAME": SimpleLazyObject(city_name),
        "DRILL_MODE": settings.LINE_MODE == "simulator",
        # Read only by a page that shows it (the admin index): one query there, none elsewhere.
        "REGISTRY_ALARM": SimpleLazyObject(city_alarm_raised),
    }
