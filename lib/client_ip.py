"""The address a request came from, also behind the city's reverse proxies.

Behind a proxy every request arrives from the proxy's address, so a limit per address
(failed registry matches, recovery codes) would be shared by the whole city: a few
wrong guesses anywhere would lock everyone out. Each proxy appends the address it
received the request from to X-Forwarded-For; with ``TRUSTED_PROXIES`` of them in
front of the app, the client's address is the one the outermost proxy wrote, that many
places from the right. Whatever stands further left was sent by the client and could
be anything, so it is never read.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest


def client_ip(meta: Mapping[str, str], *, trusted_proxies: int) -> str | None:
    """From a request's META: the client's address, or REMOTE_ADDR when there is no
    proxy, or when the request did not pass through all of them (a probe from inside,
    a misconfiguration): then it is the nearest sender's, never a forged one."""
    remote = meta.get("REMOTE_ADDR") or None
    if trusted_proxies < 1:
        return remote
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < trusted_proxies:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-trusted_proxies]))
    except ValueError:  # a proxy that writes something else (e.g. "unknown")
        return remote


def request_ip(request: HttpRequest) -> str | None:
    """The client's address of this request, with the deployment's TRUSTED_PROXIES."""
    return client_ip(request.META, trusted_proxies=settings.TRUSTED_PROXIES)
