"""A production-like environment for tests and CI's `check --deploy`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "t3st-Only_production-like-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "hakobou.example.jp",
    "CSRF_TRUSTED_ORIGINS": "https://hakobou.example.jp",
    "LINE_MODE": "live",
    "LINE_CHANNEL_SECRET": "0123456789abcdef0123456789abcdef",
    "LINE_CHANNEL_ACCESS_TOKEN": "dGVzdC1vbmx5LWFjY2Vzcy10b2tlbg==",
    "LINE_LOGIN_CHANNEL_ID": "1234567890",
    "LIFF_ID": "1234567890-AbCdEfGh",
    "RESIDENT_DATA_KEY": "cHJvZHVjdGlvbi1saWtlLWRhdGEta2V5LTAwMDAwMDA=",
    "RESIDENT_INDEX_KEY": "cHJvZHVjdGlvbi1saWtlLWluZGV4LWtleS0wMDAwMDA=",
}


def run_manage(
    *args: str, env: dict[str, str], drop: tuple[str, ...] = ()
) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh interpreter, so settings are read from ``env`` alone."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "DJANGO_ALLOW"))}
    full_env.update(env)
    for name in drop:
        full_env.pop(name, None)
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
