"""Django's SECRET_KEY for a development or drill machine: random, made once, kept.

A default written in the source is everyone's key. Hakobou derives more than Django's
signatures from SECRET_KEY in drill mode (the LINE simulator's channel secret, its
access token and the key of its ID tokens), so with a public default anyone who can
reach a `make run` server could sign in as any drill resident or message every inbox.
Instead the first start writes a random key into the data directory (outside git,
readable by its owner only) and every later start, and every process of the same
start, reads that one back.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

MINIMUM_LENGTH = 50


class SecretKeyFileError(ValueError):
    """The key file exists but does not hold a usable key (the message says what to do)."""


def development_secret_key(path: Path) -> str:
    """The key kept in ``path``, written there first (mode 0600) if there is none."""
    if not path.is_file():
        _write_once(path, secrets.token_urlsafe(MINIMUM_LENGTH))
    key = path.read_text().strip()
    if len(key) < MINIMUM_LENGTH:
        raise SecretKeyFileError(
            f"{path} does not hold a key of at least {MINIMUM_LENGTH} characters; delete it "
            "and start again (a new key signs everyone out and makes new drill LINE secrets)."
        )
    return key


def _write_once(path: Path, key: str) -> None:
    """Write the key under a temporary name, then link it into place: of several
    processes starting together exactly one key wins, and none reads a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(key + "\n")
        os.chmod(temporary, 0o600)  # whatever the umask was
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process was first: everyone keeps its key
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
