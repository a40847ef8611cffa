from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from residents.roles import can_use_dashboard


def responder_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous users go to the login page; a logged-in user without a role gets 403
    (sending them back to login would loop)."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not can_use_dashboard(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
