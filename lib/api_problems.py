"""Every refusal of the JSON API in one shape, ``{"code", "message"}``, as its schema
declares: DRF's own answers (``{"detail": …}``, or a list of errors per field) are
reshaped, so a client reads one kind of problem whichever view refused."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

CODES = {
    status.HTTP_403_FORBIDDEN: "forbidden",
    status.HTTP_404_NOT_FOUND: "not_found",
}


def _first_error(detail, field: str = "input") -> tuple[str, str]:
    """The first field with a problem and its first message (as dashboard.api's
    ``invalid`` tells a serializer's errors)."""
    if isinstance(detail, dict):
        if not detail:
            return field, ""
        key, value = next(iter(detail.items()))
        return _first_error(value, str(key))
    if isinstance(detail, list):
        return _first_error(detail[0], field) if detail else (field, "")
    return field, str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: DRF's answer, in the problem's shape."""
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        field, message = _first_error(exc.detail)
        response.data = {"code": f"invalid_{field}", "message": message}
    elif isinstance(response.data, dict) and "detail" in response.data:
        code = CODES.get(response.status_code) or getattr(exc, "default_code", "error")
        response.data = {"code": code, "message": str(response.data["detail"])}
    return response
