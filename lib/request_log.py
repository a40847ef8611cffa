"""How Django's request loggers report a client error (4xx): one line, no traceback.

Django logs a PermissionDenied with its traceback (``log_response(..., exception=exc)``);
a 403 is a user reaching for something that is not theirs, an expected answer, and a
traceback per 403 buries the logs of a busy day. The line keeps what tells the story:
Django's own message (with the path), the method, who asked (the user id, or
anonymous) and the status. Server errors (5xx) keep their traceback.
"""

from __future__ import annotations

import logging


class ClientErrorsOnOneLine(logging.Filter):
    """For the ``django.request`` and ``django.security.*`` loggers (``LOGGING``)."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        # Configuring logging again (django.setup() twice) adds a logger's filters again.
        if getattr(record, "on_one_line", False):
            return True
        record.on_one_line = True
        request = getattr(record, "request", None)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left as it is, never dropped
            return True
        record.msg = "%s (%s, %s, status %s)"
        record.args = (message, getattr(request, "method", None) or "-", _who(request), status)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


def _who(request: object) -> str:
    user = getattr(request, "user", None)  # set (lazily) by AuthenticationMiddleware
    if user is None:
        return "user unknown"
    try:
        return f"user {user.pk}" if user.is_authenticated else "anonymous"
    except Exception:  # reading the session or the user failed: the line still goes out
        return "user unknown"
