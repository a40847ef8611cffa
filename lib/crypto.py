"""Encryption at rest for residents' personal data, and the keyed blind index.

A database dump alone must reveal no name, kana, birth date or address, so those
columns hold AES-256-GCM ciphertext under RESIDENT_DATA_KEY. Matching by furigana
+ birth date cannot then use the columns; it uses a blind index instead: an
HMAC-SHA256, under a second key, of the normalised kana and the date. Without the
index key a dump's index values cannot be tested against guessed birth dates.

Each setting may list several keys (comma-separated, newest first): the first
encrypts / indexes, all of them decrypt / match, so keys can be rotated without
downtime (`manage.py rotate_resident_keys` then rewrites every row).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
_PREFIX = "g1"  # format version: AES-256-GCM, 96-bit nonce, key id


class KeyConfigError(ValueError):
    """A configured key is missing or malformed (message names the setting)."""


class DecryptionError(ValueError):
    pass


def generate_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode("ascii")


def parse_keys(setting_name: str, value: str | Sequence[str] | None) -> tuple[bytes, ...]:
    """Decode a comma-separated list of base64 keys; raise KeyConfigError naming the setting."""
    if value is None or value == "" or value == []:
        raise KeyConfigError(f"{setting_name} is not set.")
    items = value.split(",") if isinstance(value, str) else list(value)
    keys = []
    for position, item in enumerate(items, start=1):
        try:
            raw = base64.urlsafe_b64decode(item.strip().encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raw = b""
        if len(raw) != KEY_BYTES:
            raise KeyConfigError(
                f"{setting_name}: key {position} must be {KEY_BYTES} random bytes in base64 "
                f'(generate one with: python -c "import base64,os; '
                f'print(base64.urlsafe_b64encode(os.urandom(32)).decode())").'
            )
        keys.append(raw)
    return tuple(keys)


def development_keys(path: Path) -> dict[str, str]:
    """Keys for a development machine: made once, kept in a file outside git."""
    if path.is_file():
        return json.loads(path.read_text())
    keys = {"RESIDENT_DATA_KEY": generate_key(), "RESIDENT_INDEX_KEY": generate_key()}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keys))
    path.chmod(0o600)
    return keys


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"hakobou-key-id" + key).hexdigest()[:8]


class Cipher:
    """Encrypts with the first key; decrypts with whichever key id the value names."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise KeyConfigError("at least one key is needed")
        self._current = keys[0]
        self._current_id = key_id(keys[0])
        self._by_id = {key_id(key): AESGCM(key) for key in keys}

    def encrypt(self, plaintext: str, *, context: str) -> str:
        # `context` (the column's name) is authenticated, so a value copied into
        # another column fails to decrypt instead of showing up there.
        nonce = os.urandom(12)
        sealed = self._by_id[self._current_id].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        payload = base64.b64encode(nonce + sealed).decode("ascii")
        return f"{_PREFIX}:{self._current_id}:{payload}"

    def decrypt(self, token: str, *, context: str) -> str:
        try:
            prefix, kid, payload = token.split(":", 2)
            raw = base64.b64decode(payload)
        except (ValueError, binascii.Error):
            raise DecryptionError("not an encrypted value") from None
        if prefix != _PREFIX:
            raise DecryptionError(f"unknown format {prefix!r}")
        aead = self._by_id.get(kid)
        if aead is None:
            raise DecryptionError(f"no key with id {kid} is configured")
        try:
            return aead.decrypt(raw[:12], raw[12:], context.encode("utf-8")).decode("utf-8")
        except InvalidTag:
            raise DecryptionError("the value was altered or belongs to another column") from None

    def is_current(self, token: str) -> bool:
        return token.startswith(f"{_PREFIX}:{self._current_id}:")


class BlindIndex:
    """HMAC-SHA256 under each configured index key; the first is the one stored."""

    def __init__(self, keys: Sequence[bytes]) -> None:
        if not keys:
            raise KeyConfigError("at least one key is needed")
        self._keys = tuple(keys)

    def current(self, message: str) -> str:
        return self._digest(self._keys[0], message)

    def candidates(self, message: str) -> list[str]:
        """Every value the message may be stored under while keys are being rotated."""
        return [self._digest(key, message) for key in self._keys]

    @staticmethod
    def _digest(key: bytes, message: str) -> str:
        return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


@cache
def resident_cipher() -> Cipher:
    from django.conf import settings

    return Cipher(parse_keys("RESIDENT_DATA_KEY", settings.RESIDENT_DATA_KEY))


@cache
def resident_index() -> BlindIndex:
    from django.conf import settings

    return BlindIndex(parse_keys("RESIDENT_INDEX_KEY", settings.RESIDENT_INDEX_KEY))


def reset_caches() -> None:
    """For tests and the key-rotation command, after the settings changed."""
    resident_cipher.cache_clear()
    resident_index.cache_clear()
