"""Faults cost a bounded time and answer JSON: a database that never answers, oversized bodies, a bad Host,
database errors inside a request; the PostgreSQL connection settings that bound them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.test import Client

from minNow.testing import PROJECT_DIR, STRONG_SECRET, manage

pytestmark = pytest.mark.django_db


@contextmanager
def black_hole() -> Iterator[int]:
    """A TCP port that accepts connections and never says a word: a hung database server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        listener.close()


def run_client(database_url: str, *paths: str) -> list[tuple[int, dict, float]]:
    """GET each path (with a valid token) through Django's test client in a fresh process whose database is
    `database_url`: status, body and seconds taken per request."""
    script = "\n".join(
        [
            "import django, json, time",
            "django.setup()",
            "from django.test import Client",
            "import minNow.urls",  # loaded before timing, as a server process has it loaded before any request
            "from minNow.auth import issue_dev_token",
            "from users.models import User",
            "token = issue_dev_token(User(clerk_id='user_faulty', username='faulty'))",
            "out = []",
            f"for path in {list(paths)!r}:",
            "    started = time.monotonic()",
            "    response = Client().get(path, headers={'Authorization': f'Bearer {token}'})",
            "    out.append([response.status_code, json.loads(response.content), time.monotonic() - started])",
            "print(json.dumps(out))",
        ]
    )
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "CRITICAL", "PROD": "False"}
    env["DJANGO_SETTINGS_MODULE"] = "minNow.settings"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [tuple(row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


def test_a_database_that_never_answers_makes_healthz_503_within_seconds():
    with black_hole() as port:
        [(status, body, elapsed)] = run_client(f"postgres://postgres@127.0.0.1:{port}/none", "/healthz")

    assert status == 503
    assert body == {"status": "error", "detail": "database unavailable"}
    assert elapsed < 7


def test_an_api_call_against_a_hung_database_is_a_503_json_error():
    with black_hole() as port:
        [(status, body, elapsed)] = run_client(f"postgres://postgres@127.0.0.1:{port}/none", "/api/items")

    assert status == 503
    assert body == {"detail": "The database is unavailable; try again shortly"}
    assert elapsed < 7


def test_an_oversized_body_is_a_413_json_error(alice_api, settings):
    response = alice_api.post("/api/items", b'{"name": "' + b"x" * 2_700_000 + b'"}')

    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large (at most 2.5 MB)"}


def test_an_oversized_body_on_an_unknown_route_is_json_too(alice_api):
    response = alice_api.post("/api/nowhere", b"x" * 2_700_000)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_a_bad_host_under_the_api_is_a_400_json_error():
    response = Client().get("/api/items", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request"}


def test_a_bad_host_outside_the_api_keeps_djangos_page():
    response = Client().get("/admin/", headers={"Host": "evil.example"})

    assert response.status_code == 400
    assert "json" not in response["Content-Type"]


def test_json_errors_keep_the_cors_and_allow_headers(alice_api):
    response = alice_api.request("patch", "/api/items", headers={"Origin": "http://localhost:3000"})

    assert response.status_code == 405
    assert response.json() == {"detail": "Method not allowed"}
    assert response["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "X-RateLimit-Limit" in response


# --- PostgreSQL connection settings --------------------------------------------------------------------------
def database_options(**env: str) -> dict:
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; import json; print(json.dumps(settings.DATABASES['default']['OPTIONS']))",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


PROD = {"PROD": "True", "SECRET_KEY": STRONG_SECRET, "ALLOWED_HOSTS": "example.com"}


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "postgres://u@db/app"}, {"connect_timeout": 5}),
        ({"DATABASE_URL": "postgres://u@db/app", **PROD}, {"connect_timeout": 5, "sslmode": "require"}),
        ({"DATABASE_URL": "postgres://u@db/app?sslmode=disable", **PROD}, {"connect_timeout": 5, "sslmode": "disable"}),
        ({"DATABASE_URL": "postgres://u@db/app?connect_timeout=2"}, {"connect_timeout": 2}),
        (
            {"DATABASE_URL": "postgres://u@db/app", "PGSSLMODE": "prefer", **PROD},
            {"connect_timeout": 5, "sslmode": "prefer"},
        ),
        ({"PGHOST": "db", **PROD}, {"connect_timeout": 5, "sslmode": "require"}),
        ({"PGHOST": "db", "PGSSLMODE": "disable", **PROD}, {"connect_timeout": 5, "sslmode": "disable"}),
    ],
)
def test_postgresql_connections_time_out_and_an_explicit_sslmode_wins(env, expected):
    assert database_options(**env) == expected
