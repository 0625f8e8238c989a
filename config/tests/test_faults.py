"""Faults cost a bounded time and answer JSON: a database that never answers, oversized bodies, a bad Host,
database errors inside a request; the PostgreSQL connection settings that bound them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import httpx
import pytest
from django.conf import settings
from django.db import DatabaseError, DataError, IntegrityError, connection, transaction
from django.test import Client

from config.testing import ITEM_PAYLOAD, PROJECT_DIR, STRONG_SECRET, gunicorn_serving, manage
from config.tests.servers import SilenceableProxy, black_hole
from minNow.auth import issue_dev_token
from minNow.errors import DATABASE_UNAVAILABLE
from users.models import User

pytestmark = pytest.mark.django_db


def run_client(database_url: str, *paths: str) -> list[tuple[int, dict, float]]:
    """GET each path (with a valid token) through Django's test client in a fresh process whose database is
    `database_url`: status, body and seconds taken per request."""
    script = "\n".join(
        [
            "import django, json, time",
            "django.setup()",
            "from django.test import Client",
            "import config.urls",  # loaded before timing, as a server process has it loaded before any request
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
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return [tuple(row) for row in json.loads(result.stdout.strip().splitlines()[-1])]


@pytest.mark.slow  # a fresh process waiting on a hung database
def test_a_database_that_never_answers_makes_healthz_503_within_seconds():
    with black_hole() as port:
        [(status, body, elapsed)] = run_client(f"postgres://postgres@127.0.0.1:{port}/none", "/healthz")

    assert status == 503
    assert body == {"status": "error", "detail": "database unavailable"}
    assert elapsed < 7


@pytest.mark.slow  # a fresh process waiting on a hung database
def test_an_api_call_against_a_hung_database_is_a_503_json_error():
    with black_hole() as port:
        [(status, body, elapsed)] = run_client(f"postgres://postgres@127.0.0.1:{port}/none", "/api/items")

    assert status == 503
    assert body == {"detail": "The database is unavailable; try again shortly"}
    assert elapsed < 7


@pytest.mark.slow  # a fresh process
def test_a_sqlite_file_that_is_not_a_database_is_a_503_everywhere(tmp_path):
    garbage = tmp_path / "db.sqlite3"
    garbage.write_bytes(b"This file is anything but a database.\n" * 200)  # SQLite: "file is not a database"

    health, items = run_client(f"sqlite:///{garbage}", "/healthz", "/api/items")

    assert health[:2] == (503, {"status": "error", "detail": "database unavailable"})
    assert items[:2] == (503, {"detail": "The database is unavailable; try again shortly"})


@pytest.mark.parametrize(
    "error",
    [IntegrityError("duplicate key"), DataError("value too long"), DatabaseError("no such function: nope")],
    ids=["IntegrityError", "DataError", "another DatabaseError"],
)
def test_database_errors_that_are_bugs_stay_500s(alice_api, monkeypatch, error):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr("users.auth.user_by_clerk_id", broken)

    response = alice_api.get("/api/items")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error"}


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
# What every PostgreSQL connection gets besides connect_timeout (config/settings.py, "Time budget").
SILENCE_BOUNDS = {
    "keepalives": 1,
    "keepalives_idle": 2,
    "keepalives_interval": 1,
    "keepalives_count": 2,
    "tcp_user_timeout": 4000,
    "options": "-c statement_timeout=3000",
}


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
@pytest.mark.slow  # manage.py in a fresh process
def test_postgresql_connections_time_out_and_an_explicit_sslmode_wins(env, expected):
    assert database_options(**env) == {**SILENCE_BOUNDS, **expected}


@pytest.mark.parametrize(
    ("env", "options"),
    [
        (
            {"DATABASE_URL": "postgres://u@db/app?options=-c%20search_path%3Dapp"},
            "-c search_path=app -c statement_timeout=3000",
        ),
        ({"DATABASE_URL": "postgres://u@db/app", "DATABASE_STATEMENT_TIMEOUT": "10"}, "-c statement_timeout=10000"),
        ({"DATABASE_URL": "postgres://u@db/app", "DATABASE_STATEMENT_TIMEOUT": "0"}, None),
    ],
    ids=["merged-with-the-urls-options", "configured", "off"],
)
@pytest.mark.slow  # manage.py in a fresh process
def test_the_statement_timeout_joins_the_options_already_given(env, options):
    assert database_options(**env).get("options") == options


@pytest.mark.slow  # manage.py in a fresh process
def test_sqlite_gets_none_of_the_postgresql_bounds():
    options = database_options(DATABASE_URL="sqlite:///db.sqlite3")

    assert not {"connect_timeout", *SILENCE_BOUNDS} & set(options)


# --- PostgreSQL that stops answering on an open connection ------------------------------------------------------
def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs the test database on PostgreSQL (DATABASE_URL=postgres://...)")


@pytest.mark.django_db(transaction=True)  # gunicorn's worker reads and writes the test database
@pytest.mark.slow  # gunicorn, waits out the database timeouts
def test_a_database_gone_silent_on_an_open_connection_is_a_503_within_the_budget():
    require_postgresql()
    database = connection.settings_dict
    headers = {"Authorization": f"Bearer {issue_dev_token(User(clerk_id='user_silenced', username='silenced'))}"}
    with SilenceableProxy((database["HOST"] or "127.0.0.1", int(database["PORT"] or 5432))) as proxy:
        through_proxy = f"postgres://{database['USER']}@127.0.0.1:{proxy.port}/{database['NAME']}"
        with gunicorn_serving(workers=1, DATABASE_URL=through_proxy) as base:
            first = httpx.get(f"{base}/api/items", headers=headers, timeout=60)  # the worker keeps its connection
            proxy.silence()
            started = time.monotonic()
            response = httpx.get(f"{base}/api/items", headers=headers, timeout=60)
            elapsed = time.monotonic() - started

    assert first.status_code == 200
    assert response.status_code == 503
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}
    # The connection answered a moment ago, so it is used without a health check: the request's first statement
    # waits DATABASE_ANSWER_TIMEOUT. Before these bounds nothing answered until gunicorn killed the worker at 30 s.
    allowed = settings.DATABASE_ANSWER_TIMEOUT
    assert allowed - 1 < elapsed < allowed + 1.5


def backends_of_other_connections() -> int:
    """Terminate every other connection to the test database (a server restart, as the worker sees it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # gunicorn's worker reads the test database
@pytest.mark.slow  # gunicorn
def test_a_connection_lost_while_idle_is_replaced_by_the_health_check_and_a_busy_one_skips_it():
    """A kept connection is checked before use only after DATABASE_HEALTH_CHECK_IDLE_SECONDS idle: a
    connection lost while idle (the server restarted) is replaced without the caller noticing, while one that
    answered a moment ago is used at once, and if it was lost that request alone is a 503."""
    require_postgresql()
    headers = {"Authorization": f"Bearer {issue_dev_token(User(clerk_id='user_idle', username='idle'))}"}
    with gunicorn_serving(workers=1, DATABASE_HEALTH_CHECK_IDLE_SECONDS="1") as base:
        assert httpx.get(f"{base}/api/items", headers=headers, timeout=30).status_code == 200
        time.sleep(1.2)
        assert backends_of_other_connections() >= 1
        after_idle = httpx.get(f"{base}/api/items", headers=headers, timeout=30)
        assert backends_of_other_connections() >= 1  # at once: the connection served a request just now
        right_after = httpx.get(f"{base}/api/items", headers=headers, timeout=30)
        next_one = httpx.get(f"{base}/api/items", headers=headers, timeout=30)

    assert after_idle.status_code == 200
    assert right_after.status_code == 503
    assert right_after.json() == {"detail": DATABASE_UNAVAILABLE}
    assert next_one.status_code == 200


@pytest.mark.django_db(transaction=True)  # the lock is held from another connection
@pytest.mark.slow  # waits out statement_timeout
def test_a_statement_past_statement_timeout_is_cancelled_into_a_503_and_the_connection_is_kept(alice, alice_api):
    require_postgresql()
    locked, release = threading.Event(), threading.Event()

    def hold_alices_row() -> None:
        try:
            with transaction.atomic():
                User.objects.select_for_update().get(pk=alice.pk)
                locked.set()
                release.wait(60)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_alices_row)
    holder.start()
    try:
        assert locked.wait(10)
        kept = connection.connection
        started = time.monotonic()
        response = alice_api.post("/api/items", ITEM_PAYLOAD)  # creating an item waits for the owner's row lock
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join()

    assert response.status_code == 503
    assert response.json() == {"detail": DATABASE_UNAVAILABLE}
    # The server cancelled the statement (QueryCanceled) before the client would have given up on the connection.
    assert settings.DATABASE_STATEMENT_TIMEOUT <= elapsed < settings.DATABASE_ANSWER_TIMEOUT
    assert connection.connection is kept and not kept.closed
    assert alice_api.post("/api/items", ITEM_PAYLOAD).status_code == 201
