"""Runs the LINE simulator as its own small HTTP server for the test session, as
`make run` does, so messaging/line.py reaches it over real HTTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session", autouse=True)
def line_simulator_url(django_test_environment) -> Iterator[str]:
    from django.conf import settings

    server = ThreadedWSGIServer(("127.0.0.1", 0), _QuietHandler, allow_reuse_address=True)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/line-sim"
    previous = settings.LINE_SIMULATOR_URL, settings.LINE_API_URL
    settings.LINE_SIMULATOR_URL = settings.LINE_API_URL = url
    yield url
    settings.LINE_SIMULATOR_URL, settings.LINE_API_URL = previous
    server.shutdown()
    server.server_close()
