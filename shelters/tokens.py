"""Signed tokens for QR codes: a shelter's poster and a resident's personal QR.

A poster token names a shelter and is signed, so a printed code cannot be edited to
check people in somewhere else; it does not expire (posters stay up for days). A
personal token names a resident and expires after minutes, so a screenshot cannot
be replayed for ever.
"""

from __future__ import annotations

from django.core import signing

from lib.qr import qr_svg
from messaging.line import liff_url
from residents.models import Resident
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


# --- Personal QR ---------------------------------------------------------------------

PERSONAL_SALT = "shelters.personal"
PERSONAL_PREFIX = "HKB1:"
# A screenshot stops working after this; the page renews its codes well before.
PERSONAL_MAX_AGE_SECONDS = 15 * 60


class PersonalTokenError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired" | "invalid"


def personal_token(resident: Resident) -> str:
    """What a resident's personal QR code holds: who, signed, with the time it was made."""
    signer = signing.TimestampSigner(salt=PERSONAL_SALT)
    return PERSONAL_PREFIX + signer.sign_object({"r": resident.pk}, compress=True)


def resident_id_from_personal_token(text: str, *, max_age: int = PERSONAL_MAX_AGE_SECONDS) -> int:
    """The id of the resident a scanned personal QR names (whether they still exist is
    the reader's question). Raises PersonalTokenError."""
    text = (text or "").strip()
    if not text.startswith(PERSONAL_PREFIX):
        raise PersonalTokenError("invalid")
    signer = signing.TimestampSigner(salt=PERSONAL_SALT)
    try:
        payload = signer.unsign_object(text[len(PERSONAL_PREFIX) :], max_age=max_age)
    except signing.SignatureExpired:
        raise PersonalTokenError("expired") from None
    except signing.BadSignature:
        raise PersonalTokenError("invalid") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("r"), int):
        raise PersonalTokenError("invalid")
    return payload["r"]


def personal_qr_svg(resident: Resident) -> str:
    return qr_svg(personal_token(resident))


# --- Reception handles ------------------------------------------------------------------

RECEPTION_SALT = "shelters.reception"
# A person card on the reception screen stays usable for a shift, not longer.
RECEPTION_MAX_AGE_SECONDS = 8 * 60 * 60


def reception_handle(
    *, resident: Resident | None = None, person_id: int | None = None, method: str
) -> str:
    """What the reception page sends back to act on a person it was shown: signed, so
    the page cannot act on people it was never shown by guessing ids. It also says how
    the person was found (a scanned QR or a name search), for the presence log."""
    payload = {"r": resident.pk} if resident is not None else {"p": person_id}
    payload["m"] = method
    return signing.TimestampSigner(salt=RECEPTION_SALT).sign_object(payload)


def reception_handle_payload(handle: str) -> dict:
    """{"r": resident id} or {"p": registry person id}, and "m" the method it was found
    by. Raises PersonalTokenError."""
    signer = signing.TimestampSigner(salt=RECEPTION_SALT)
    try:
        payload = signer.unsign_object(handle or "", max_age=RECEPTION_MAX_AGE_SECONDS)
    except signing.SignatureExpired:
        raise PersonalTokenError("expired") from None
    except signing.BadSignature:
        raise PersonalTokenError("invalid") from None
    if not isinstance(payload, dict) or not ({"r", "p"} & payload.keys()):
        raise PersonalTokenError("invalid")
    return payload
