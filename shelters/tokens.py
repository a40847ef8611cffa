"""Signed tokens for QR codes: a shelter's poster, and (later) a resident's personal QR.

A poster token names a shelter and is signed, so a printed code cannot be edited to
check people in somewhere else; it does not expire (posters stay up for days).
"""

from __future__ import annotations

from django.core import signing

from hakobou.lib.qr import qr_svg
from messaging.line import liff_url
from shelters.models import Shelter

POSTER_SALT = "shelters.poster"


def poster_token(shelter: Shelter) -> str:
    return signing.Signer(salt=POSTER_SALT).sign(shelter.code)


def shelter_from_poster_token(token: str) -> Shelter | None:
    """The shelter a poster token names; None for a forged, altered or unknown token."""
    try:
        code = signing.Signer(salt=POSTER_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Shelter.objects.filter(code=code).first()


def poster_path(shelter: Shelter) -> str:
    return f"/c/{poster_token(shelter)}/"


def poster_url(shelter: Shelter) -> str:
    """Opens the check-in inside LINE (live) or on the portal (drill mode / no LINE)."""
    return liff_url(poster_path(shelter))


def poster_qr_svg(shelter: Shelter) -> str:
    return qr_svg(poster_url(shelter))
