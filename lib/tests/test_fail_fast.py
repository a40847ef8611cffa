"""While Redis or the broker hangs, one request per process waits for it and fails;
the others fail at once and take their fallback, until a few seconds have passed."""

import socket
import threading
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from hakobou.testing.broker import broker_at
from lib import cache as redis_cache
from lib import tasks
from lib.breaker import Breaker, Unavailable
from messaging.tasks import outbox_deliver_task


class Server:
    """A TCP server on 127.0.0.1 that counts its connections and either never answers
    (a hung Redis) or closes each one at once (a broker that drops us)."""

    def __init__(self, *, hang: bool) -> None:
        self.hang = hang
        self.connections = 0
        self._open: list[socket.socket] = []
        self._socket = socket.create_server(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            if self.hang:
                self._open.append(connection)
            else:
                connection.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        for connection in self._open:
            connection.close()
        self._socket.close()


@contextmanager
def server(*, hang: bool):
    running = Server(hang=hang)
    try:
        yield running
    finally:
        running.close()


@pytest.fixture
def clock():
    """The breakers' clock, stopped; a test moves it on (``clock.now``)."""

    class Clock:
        now = 1000.0

        def __call__(self) -> float:
            return self.now

    stopped = Clock()
    with (
        mock.patch.object(redis_cache.breaker, "clock", stopped),
        mock.patch.object(tasks.broker, "clock", stopped),
    ):
        yield stopped


def test_a_breaker_is_open_for_its_cool_down_after_a_failure():
    now = [0.0]
    breaker = Breaker("Redis", 5, max_cool_down_seconds=12, clock=lambda: now[0])
    breaker.check()
    breaker.trip()
    with pytest.raises(Unavailable):
        breaker.check()
    now[0] = 5.0
    breaker.check()


def test_a_dependency_that_stays_down_is_tried_less_and_less_often():
    now = [0.0]
    breaker = Breaker("Redis", 5, max_cool_down_seconds=12, clock=lambda: now[0])
    windows = []
    for _ in range(4):
        breaker.trip()  # tried when the window ended, and failed again
        opened = now[0]
        while breaker.is_open:
            now[0] += 1
        windows.append(now[0] - opened)
    assert windows == [5, 10, 12, 12]
    breaker.succeeded()  # back: the next failure waits the first length again
    breaker.trip()
    opened = now[0]
    while breaker.is_open:
        now[0] += 1
    assert now[0] - opened == 5


def test_a_hung_cache_is_waited_for_once_then_failed_at_once(clock):
    with server(hang=True) as hung:
        cache = redis_cache.RedisCache(
            f"redis://127.0.0.1:{hung.port}/0", {"OPTIONS": {"socket_timeout": 0.2}}
        )
        with pytest.raises(Exception, match="Timeout"):
            cache.get("session")
        assert hung.connections == 1
        for _ in range(5):
            with pytest.raises(Exception, match="moments ago"):
                cache.get("session")
        assert hung.connections == 1  # nobody else waited
        clock.now += redis_cache.COOL_DOWN_SECONDS
        with pytest.raises(Exception, match="Timeout"):
            cache.get("session")  # tried again after the cool-down
        assert hung.connections == 2


@pytest.mark.django_db
def test_signed_in_requests_go_on_from_the_database_while_the_cache_hangs(client, clock):
    staff = User.objects.create_user("desk", password="pw-long-enough-1", is_staff=True)
    with server(hang=True) as hung:
        hung_cache = {
            "default": {
                "BACKEND": "lib.cache.RedisCache",
                "LOCATION": f"redis://127.0.0.1:{hung.port}/0",
                "OPTIONS": {"socket_timeout": 0.2},
            }
        }
        with override_settings(SESSION_ENGINE="lib.sessions", CACHES=hung_cache):
            client.force_login(staff)
            for _ in range(3):
                assert client.get("/dashboard/shelters/").status_code == 200
        assert hung.connections == 1


def test_a_broker_that_failed_is_not_tried_again_until_the_cool_down_has_passed(clock):
    with server(hang=False) as dropping, broker_at(f"redis://127.0.0.1:{dropping.port}/0"):
        with pytest.raises(Exception):  # noqa: B017 - whatever kombu makes of it
            tasks.publish(outbox_deliver_task, 1)
        tried = dropping.connections
        assert tried >= 1
        for _ in range(5):
            with pytest.raises(Unavailable):
                tasks.publish(outbox_deliver_task, 1)
        assert dropping.connections == tried
        clock.now += tasks.COOL_DOWN_SECONDS
        with pytest.raises(Exception):  # noqa: B017
            tasks.publish(outbox_deliver_task, 1)
        assert dropping.connections > tried
