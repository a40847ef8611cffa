"""A 403 is logged once, on one line (method, path, user id, status), never with a
traceback: from an HTML view and from a DRF API view alike."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.test import override_settings

from areas.services import responder_upsert
from hakobou.testing.cast import PASSWORD, BaseTestCase
from lib.request_log import ClientErrorsOnOneLine
from lib.roles import Role
from shelters.tests.factories import ShelterFactory


@contextmanager
def request_log_output() -> Iterator[io.StringIO]:
    """What the configured handlers write for a ``django.request`` record: every console
    handler on the way from that logger to the root writes into one buffer meanwhile."""
    buffer = io.StringIO()
    swapped = []
    logger: logging.Logger | None = logging.getLogger("django.request")
    while logger is not None:
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler:  # not pytest's capturing handlers
                swapped.append((handler, handler.setStream(buffer)))
        logger = logger.parent if logger.propagate else None
    try:
        yield buffer
    finally:
        for handler, stream in swapped:
            handler.setStream(stream)


# DEBUG on, as in `make run`: Django's own console handler then copies records too.
@override_settings(DEBUG=True)
class ForbiddenLoggingTestCase(BaseTestCase):
    def setUp(self):
        self.shelter = ShelterFactory()

    def forbidden(self, user, method: str, path: str) -> list[str]:
        self.client.force_login(user)
        with request_log_output() as output:
            response = getattr(self.client, method)(path)
        self.assertEqual(response.status_code, 403)
        return output.getvalue().splitlines()

    def test_a_403_from_a_page_is_one_line_without_a_traceback(self):
        path = f"/dashboard/shelters/{self.shelter.pk}/status"
        lines = self.forbidden(self.volunteer_a, "post", path)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("WARNING django.request Forbidden (Permission denied): ", lines[0])
        self.assertIn(f"{path} (POST, user {self.volunteer_a.pk}, status 403)", lines[0])

    def test_a_403_from_the_api_is_one_line_without_a_traceback(self):
        outsider = responder_upsert(
            username="no-role", password=PASSWORD, role=Role.RECEPTION, areas=[]
        )
        outsider.groups.clear()
        lines = self.forbidden(outsider, "get", "/api/shelters/board")
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("Forbidden: /api/shelters/board", lines[0])
        self.assertIn(f"(GET, user {outsider.pk}, status 403)", lines[0])
        self.assertNotIn("Traceback", lines[0])

    def test_logging_configured_twice_still_makes_the_line_once(self):
        # django.setup() run again adds the logger's filters again (dictConfig appends).
        logger, again = logging.getLogger("django.request"), ClientErrorsOnOneLine()
        logger.addFilter(again)
        try:
            lines = self.forbidden(
                self.volunteer_a, "post", f"/dashboard/shelters/{self.shelter.pk}/status"
            )
        finally:
            logger.removeFilter(again)
        self.assertEqual(len(lines), 1, lines)
        self.assertEqual(lines[0].count("status 403"), 1, lines)
