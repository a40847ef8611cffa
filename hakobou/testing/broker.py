"""Tests of what happens while the message broker is down."""

from collections.abc import Iterator
from contextlib import contextmanager

import kombu.pools

from hakobou.celery import app


@contextmanager
def broker_unreachable() -> Iterator[None]:
    """Publish tasks to a broker that refuses connections (instead of running them
    inline), then restore the app with fresh connection pools."""
    with broker_at("redis://127.0.0.1:1/0"):
        yield


@contextmanager
def broker_at(url: str) -> Iterator[None]:
    """Publish tasks to the broker at ``url`` (instead of running them inline), then
    restore the app with fresh connection pools."""
    conf = app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, url
    _fresh_pools()  # connections made earlier go to the broker configured before
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        _fresh_pools()


def _fresh_pools() -> None:
    """Drop the app's connection and producer pools: the next task makes new ones, to
    the broker configured now."""
    kombu.pools.reset()
    app._pool = app.amqp._producer_pool = None


@contextmanager
def broker_in_memory() -> Iterator[list[str]]:
    """Publish tasks to an in-memory broker nobody consumes (instead of running them
    inline); yields the names of the tasks published, in order."""
    from celery.signals import before_task_publish

    names: list[str] = []

    def record(sender=None, **_) -> None:
        names.append(sender)

    conf = app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "memory://"
    _fresh_pools()
    before_task_publish.connect(record)
    try:
        yield names
    finally:
        before_task_publish.disconnect(record)
        conf.task_always_eager, conf.broker_url = saved
        _fresh_pools()
