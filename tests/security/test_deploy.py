"""Deployment: production settings, secrets from the environment only, and the docker
compose stack (issue #18, 8).

hakobou/tests/test_settings.py checks `check --deploy` with DEBUG=false and the refusals
for a missing SECRET_KEY, LINE channel secret and resident data key; this file adds DEBUG
left unset (a forgotten variable must mean production too), every other secret, the
development key files, the source itself, and docker-compose.yml.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

import pytest
import yaml
from django.db import connection

from hakobou.testing.production import PRODUCTION_ENV, ROOT, run_manage

SECRETS = (
    "SECRET_KEY",
    "LINE_CHANNEL_SECRET",
    "LINE_CHANNEL_ACCESS_TOKEN",
    "LINE_LOGIN_CHANNEL_ID",
    "LIFF_ID",
    "RESIDENT_DATA_KEY",
    "RESIDENT_INDEX_KEY",
)
# Production with DEBUG not set at all.
UNSET_DEBUG = {k: v for k, v in PRODUCTION_ENV.items() if k != "DEBUG"}
DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")


def test_the_deploy_check_is_clean_when_debug_is_left_unset():
    result = run_manage(*DEPLOY_CHECK, env=UNSET_DEBUG, drop=("DEBUG",))
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("secret", SECRETS)
def test_production_refuses_to_start_without_each_secret(secret):
    result = run_manage("check", env=UNSET_DEBUG, drop=("DEBUG", secret))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert secret in result.stderr


@pytest.mark.parametrize("debug", ["false", None])
def test_production_refuses_simulator_mode(debug):
    env = {**UNSET_DEBUG, "LINE_MODE": "simulator"}
    if debug is not None:
        env["DEBUG"] = debug
    result = run_manage("check", env=env, drop=("DEBUG",) if debug is None else ())
    assert result.returncode != 0
    assert "LINE_MODE=simulator is refused" in result.stderr


def test_production_does_not_fall_back_on_development_key_files(tmp_path):
    # What `make run` leaves in DATA_DIR: never a source of production secrets.
    (tmp_path / "secret-key").write_text("x" * 64)
    keys = {name: PRODUCTION_ENV[name] for name in ("RESIDENT_DATA_KEY", "RESIDENT_INDEX_KEY")}
    (tmp_path / "dev-keys.json").write_text(json.dumps(keys))
    env = {**UNSET_DEBUG, "DATA_DIR": str(tmp_path)}
    for secret in ("SECRET_KEY", "RESIDENT_DATA_KEY", "RESIDENT_INDEX_KEY"):
        result = run_manage("check", env=env, drop=("DEBUG", secret))
        assert result.returncode != 0, secret
        assert secret in result.stderr


def test_production_uses_exactly_the_secrets_in_the_environment():
    code = (
        "import os; from django.conf import settings; "
        f"print(all(getattr(settings, n) == os.environ[n] for n in {SECRETS!r}))"
    )
    result = run_manage("shell", "--no-imports", "-c", code, env=UNSET_DEBUG, drop=("DEBUG",))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def _env_calls(tree: ast.AST):
    """(variable name, call) for every env.<kind>("NAME", ...) in the settings."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            yield node.args[0].value, node


def test_settings_have_no_default_for_any_secret():
    tree = ast.parse((ROOT / "hakobou" / "settings.py").read_text())
    read = {name for name, _ in _env_calls(tree)}
    assert {"SECRET_KEY", "RESIDENT_DATA_KEY", "RESIDENT_INDEX_KEY"} <= read
    for name, call in _env_calls(tree):
        if name in SECRETS:
            assert not [k for k in call.keywords if k.arg == "default"], name
    # LINE credentials go through one helper that reads the environment.
    line = [
        n for n in ast.walk(tree) if isinstance(n, ast.Call) and _called(n) == "_line_credential"
    ]
    assert {c.args[0].value for c in line} == set(SECRETS) - {
        "SECRET_KEY",
        "RESIDENT_DATA_KEY",
        "RESIDENT_INDEX_KEY",
    }
    for call in line:
        assert len(call.args) == 2 and not call.keywords  # name and pattern, no default


def _called(call: ast.Call) -> str:
    return call.func.id if isinstance(call.func, ast.Name) else ""


# Something shaped like a key or a token: 20+ characters of one base64/hex-like run,
# with digits and letters (identifiers, URLs and module paths have dots, colons or no digits).
_SECRET_SHAPED = re.compile(
    r"(?=[A-Za-z0-9+/=_-]*\d)(?=[A-Za-z0-9+/=_-]*[A-Za-z])[A-Za-z0-9+/=_-]{20,}"
)


def test_no_secret_is_written_in_the_settings_the_compose_file_or_the_example():
    # The pattern knows a secret when it sees one.
    for secret in SECRETS:
        if len(PRODUCTION_ENV[secret]) >= 20:
            assert _SECRET_SHAPED.fullmatch(PRODUCTION_ENV[secret]), secret
    tree = ast.parse((ROOT / "hakobou" / "settings.py").read_text())
    literals = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert [s for s in literals if _SECRET_SHAPED.fullmatch(s)] == []

    compose = (ROOT / "docker-compose.yml").read_text()
    for secret in SECRETS:  # they come from .env (env_file), never from the file itself
        assert not re.search(rf"^\s*{secret}\s*:", compose, re.M), secret
    # The database password is required from .env, never defaulted.
    passwords = re.findall(r"\$\{POSTGRES_PASSWORD([^}]*)\}", compose)
    assert passwords and all(p.startswith(":?") for p in passwords)
    assert "POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?" in compose

    # .env.example leaves every secret for the operator to fill in.
    example = dict(
        line.split("=", 1)
        for line in (ROOT / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    )
    for secret in SECRETS:
        assert example.get(secret, "") == "", secret


# --- docker compose ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_the_compose_stack_has_every_service(compose):
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "migrate"} <= set(services)
    for name in ("web", "worker", "beat", "migrate"):
        service = services[name]
        assert service["env_file"] == ".env", name
        assert service["environment"]["DATABASE_URL"].startswith("postgres://"), name
        assert service["environment"]["REDIS_URL"].startswith("redis://redis:"), name
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    for name in ("db", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert "celery" in services["worker"]["command"] and "worker" in services["worker"]["command"]
    assert "celery" in services["beat"]["command"] and "beat" in services["beat"]["command"]


def test_web_has_a_healthcheck_on_healthz(compose):
    test = compose["services"]["web"]["healthcheck"]["test"]
    assert test[0] == "CMD"
    assert "/healthz" in " ".join(test)


def _compose_cli() -> list[str] | None:
    """`docker compose` (v2) or `docker-compose` (v1), whichever runs here."""
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return command
    return None


def test_docker_compose_accepts_the_file(tmp_path):
    cli = _compose_cli()
    if cli is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is installed here")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path)
    (tmp_path / ".env").write_text(
        (ROOT / ".env.example").read_text() + "\nPOSTGRES_PASSWORD=test-only\n"
    )
    # `config` interpolates and validates offline: no daemon, no image is needed.
    result = subprocess.run(
        [*cli, "config"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    assert "/healthz" in " ".join(config["services"]["web"]["healthcheck"]["test"])

    (tmp_path / ".env").write_text((ROOT / ".env.example").read_text())
    missing = subprocess.run(
        [*cli, "config"], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert missing.returncode != 0
    assert "set POSTGRES_PASSWORD in .env" in missing.stderr


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_the_web_healthcheck_passes_against_a_production_server(compose):
    """The compose file's own probe, run against gunicorn with production settings, as
    the web container runs it (only the port differs)."""
    port = _free_port()
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("LINE_", "DJANGO_"))},
        **PRODUCTION_ENV,
        "TRUST_PROXY_SSL_HEADER": "true",
        "DATABASE_URL": (
            f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "DATABASE_POOL_MAX_SIZE": "0",
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "hakobou.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    probe = [
        sys.executable if part == "python" else part.replace(":8000/", f":{port}/")
        for part in compose["services"]["web"]["healthcheck"]["test"][1:]
    ]
    try:
        result = _until_listening(port, probe, env, server)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.returncode == 0, result.stderr

    # And it fails when nothing answers.
    down = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=30)
    assert down.returncode != 0


def _until_listening(port, probe, env, server) -> subprocess.CompletedProcess:
    for _ in range(300):
        assert server.poll() is None, server.stderr.read().decode()
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    return subprocess.run(probe, env=env, capture_output=True, text=True, timeout=30)
