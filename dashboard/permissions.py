from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from residents.roles import Role, can_use_dashboard, has_role, is_city_staff


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


def can_see_evacuees(user) -> bool:
    """Out-of-shelter evacuees and pickups are volunteers' and staff's work. Shelter
    reception has a dashboard role too, but its task (check-in at one shelter) does not
    need to know who is sheltering where in town, so it sees none of them."""
    return is_city_staff(user) or (can_use_dashboard(user) and has_role(user, Role.VOLUNTEER))
