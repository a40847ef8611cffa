"""Drill mode on a server others can reach: nothing is derived from a public key.

Before, a DEBUG run without SECRET_KEY used a default written in the source, and the
LINE simulator derived its ID-token key, channel secret and access token from it: a
forged ID token signed in as a drill resident, and a broadcast reached every inbox.
"""

import base64
import hashlib
import hmac
import json
import stat
import time

import pytest
import requests
from django.conf import settings

from hakobou.testing.production import run_manage
from lib import jwt
from messaging import simulator
from messaging.models import SimulatedMessage
from residents.models import Account

pytestmark = pytest.mark.django_db(transaction=True)

OLD_DEFAULT_KEY = "insecure-development-only-key-never-used-with-debug-off"
# What the old code derived from it, as anyone reading the source could.
OLD_ID_TOKEN_KEY = hashlib.sha256(
    b"hakobou-line-simulator-id-token" + OLD_DEFAULT_KEY.encode()
).digest()
OLD_SEED = hashlib.sha256(f"line-simulator:{OLD_DEFAULT_KEY}".encode()).hexdigest()
OLD_CHANNEL_SECRET = OLD_SEED[:32]
OLD_ACCESS_TOKEN = f"simulator-{OLD_SEED[32:]}"
HELLO = {"messages": [{"type": "text", "text": "訓練です"}]}


def forged_id_token(user_id: str, key: bytes) -> str:
    now = int(time.time())
    claims = {
        "iss": simulator.ISSUER,
        "sub": user_id,
        "aud": settings.LINE_LOGIN_CHANNEL_ID,
        "exp": now + 3600,
        "iat": now,
        "amr": ["linesso"],
        "name": "訓練 花子",
    }
    return jwt.encode(claims, key)


def test_a_forged_token_signed_with_the_old_default_key_is_refused(client):
    hanako = simulator.simulated_user_create(display_name="訓練 花子")
    forged = forged_id_token(hanako.user_id, OLD_ID_TOKEN_KEY)
    response = client.post("/my/session/", {"id_token": forged})
    assert response.status_code == 401
    assert not response.json()["ok"]
    assert not Account.objects.exists()
    assert client.get("/my/").status_code == 302  # still nobody
    # The same claims under this server's own key do sign in: only the key was wrong.
    genuine = forged_id_token(hanako.user_id, simulator._signing_key())
    assert client.post("/my/session/", {"id_token": genuine}).status_code == 200


def test_a_broadcast_with_the_access_token_of_the_old_default_key_is_refused(line_simulator_url):
    simulator.simulated_user_create(display_name="訓練 花子")
    response = requests.post(
        f"{line_simulator_url}/v2/bot/message/broadcast",
        json=HELLO,
        headers={"Authorization": f"Bearer {OLD_ACCESS_TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 401
    assert not SimulatedMessage.objects.exists()


def test_a_webhook_signed_with_the_channel_secret_of_the_old_default_key_is_refused(client):
    hanako = simulator.simulated_user_create(display_name="訓練 花子")
    body = simulator.webhook_body(hanako, {"type": "follow"})
    digest = hmac.new(OLD_CHANNEL_SECRET.encode(), body.encode(), hashlib.sha256).digest()
    response = client.post(
        "/line/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": base64.b64encode(digest).decode()},
    )
    assert response.status_code == 400
    signed = client.post(
        "/line/webhook",
        data=body,
        content_type="application/json",
        headers={"X-Line-Signature": simulator.webhook_signature(body)},
    )
    assert signed.status_code == 200


def drill_settings(data_dir) -> dict:
    """SECRET_KEY and the simulator's access token of a DEBUG run without SECRET_KEY."""
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from django.conf import settings as s; print(json.dumps("
        "[s.SECRET_KEY, s.LINE_CHANNEL_SECRET, s.LINE_CHANNEL_ACCESS_TOKEN]))",
        env={"DEBUG": "true", "LINE_MODE": "simulator", "DATA_DIR": str(data_dir)},
        drop=("SECRET_KEY",),
    )
    assert result.returncode == 0, result.stderr
    key, channel_secret, access_token = json.loads(result.stdout.strip().splitlines()[-1])
    return {"key": key, "channel_secret": channel_secret, "access_token": access_token}


@pytest.mark.django_db(transaction=False)
def test_a_debug_run_without_secret_key_makes_its_own_once_and_keeps_it_private(tmp_path):
    first = drill_settings(tmp_path / "var")
    key_file = tmp_path / "var" / "secret-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip() == first["key"]
    assert len(first["key"]) >= 50
    assert first["key"] != OLD_DEFAULT_KEY
    assert first["channel_secret"] != OLD_CHANNEL_SECRET
    assert first["access_token"] != OLD_ACCESS_TOKEN
    # The next start (and the simulator's process) reads the same key back.
    assert drill_settings(tmp_path / "var") == first
    # Another machine gets another key.
    assert drill_settings(tmp_path / "elsewhere")["key"] != first["key"]
