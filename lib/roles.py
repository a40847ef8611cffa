"""Who may do what. City staff are Django staff users; volunteers and shelter
reception are ordinary users in one of these groups (created by a migration)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


class Role(StrEnum):
    VOLUNTEER = "volunteer"
    RECEPTION = "reception"


RESPONDER_ROLES = tuple(Role)


def has_role(user: AbstractBaseUser | AnonymousUser, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    # groups are prefetched by the dashboard's user loader; .all() keeps that cache
    return any(group.name == role for group in user.groups.all())


def is_city_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def can_use_dashboard(user: AbstractBaseUser | AnonymousUser) -> bool:
    return is_city_staff(user) or any(has_role(user, role) for role in RESPONDER_ROLES)


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


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """City staff only: anonymous users go to the login page, other roles get 403."""

    @wraps(view)
    @responder_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_city_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
