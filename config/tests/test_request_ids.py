"""X-Request-ID on every answer and log line, and GET /readyz."""

from __future__ import annotations

import io
import json
import logging
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.test import Client, override_settings

from config.logs import JsonFormatter, RequestIdFilter, current_request_id
from config.testing import TEST_REDIS_URL, ApiClient, gunicorn_serving, redis_available

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What django.request logs, as the JSON lines the stdout handler writes."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)


def test_a_generated_id_is_answered_and_on_the_log_line_of_the_request(db, anon_api, json_log):
    response = anon_api.get("/api/no-such-route")

    request_id = response["X-Request-ID"]
    assert GENERATED.fullmatch(request_id)
    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]
    assert lines and all(line["request_id"] == request_id for line in lines)
    assert current_request_id.get() is None  # cleared after the response


def test_each_request_gets_its_own_id(db, anon_api):
    assert anon_api.get("/healthz")["X-Request-ID"] != anon_api.get("/healthz")["X-Request-ID"]


@pytest.mark.parametrize("given", ["abc", "req-1.2:3_X", "a" * 128])
def test_a_sane_id_is_echoed(db, anon_api, given):
    assert anon_api.get("/healthz", headers={"X-Request-ID": given})["X-Request-ID"] == given


@pytest.mark.parametrize("given", ["a" * 129, "has space", "two\nlines", "semi;colon", "ünï"])
def test_an_insane_id_is_replaced(db, given):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=given)

    assert GENERATED.fullmatch(response["X-Request-ID"])


def test_json_errors_carry_the_id(db, anon_api, alice_api):
    not_found = anon_api.get("/api/no-such-route", headers={"X-Request-ID": "nf-1"})
    invalid = alice_api.post("/api/items", {}, headers={"X-Request-ID": "bad-1"})

    assert (not_found.status_code, not_found["Content-Type"], not_found["X-Request-ID"]) == (
        404,
        "application/json",
        "nf-1",
    )
    assert (invalid.status_code, invalid["X-Request-ID"]) == (400, "bad-1")


@override_settings(RATE_LIMIT_REQUESTS=1, RATE_LIMIT_WINDOW_SECONDS=60)
def test_rate_limited_answers_carry_the_id(db, anon_api):
    anon_api.get("/api/no-such-route")
    limited = anon_api.get("/api/no-such-route", headers={"X-Request-ID": "rl-1"})

    assert (limited.status_code, limited["X-Request-ID"]) == (429, "rl-1")


def readyz() -> tuple[int, dict[str, str]]:
    response = ApiClient().get("/readyz")
    return response.status_code, response.json()


@override_settings(REDIS_URL="")
def test_readyz_without_redis(db):
    status, body = readyz()

    assert status == 200
    assert body["status"] == "ok" and body["database"] == "ok" and body["redis"] == "not configured"
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", body["version"])


@pytest.mark.skipif(not redis_available(), reason="needs the Redis at TEST_REDIS_URL")
@override_settings(REDIS_URL=TEST_REDIS_URL)
def test_readyz_with_redis(db):
    assert readyz() == (200, {"status": "ok", "database": "ok", "redis": "ok", "version": readyz()[1]["version"]})


@override_settings(REDIS_URL="redis://127.0.0.1:1/0", RATE_LIMIT_TIMEOUT_SECONDS=0.5)
def test_readyz_is_503_fast_when_redis_is_down(db):
    started = time.monotonic()
    status, body = readyz()

    assert time.monotonic() - started < 2
    assert (status, body["status"], body["database"], body["redis"]) == (503, "unavailable", "ok", "unavailable")


def test_healthz_stays_a_liveness_check(db, anon_api):
    assert anon_api.get("/healthz").json() == {"status": "ok"}


@pytest.mark.slow
def test_gunicorn_access_log_lines_are_json_with_the_request_id(transactional_db):
    with tempfile.TemporaryDirectory() as directory:
        log = Path(directory) / "access.log"
        with gunicorn_serving(GUNICORN_CMD_ARGS=f"--access-logfile {log}") as base:
            response = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "gunicorn-42"}, timeout=10)
            assert response.headers["X-Request-ID"] == "gunicorn-42"
            deadline = time.monotonic() + 5
            while "gunicorn-42" not in log.read_text() and time.monotonic() < deadline:
                time.sleep(0.1)
        lines = [json.loads(line) for line in log.read_text().splitlines() if "gunicorn-42" in line]
    [line] = lines
    assert line["request_id"] == "gunicorn-42"
    assert (line["logger"], line["method"], line["path"], line["status"]) == ("gunicorn.access", "GET", "/healthz", 200)
    assert line["message"] == "GET /healthz 200" and line["duration_ms"] >= 0 and line["bytes"] > 0


@override_settings(
    ALLOWED_HOSTS=["min-now.store"],
    SECURE_SSL_REDIRECT=True,
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
)
@pytest.mark.parametrize("probe", ["/healthz", "/readyz"])
def test_probes_answer_an_app_servers_own_address_over_plain_http(db, probe):
    """A container health check or the proxy's active check calls `app:8000` without X-Forwarded-Proto."""
    client = Client()
    assert client.get(probe, HTTP_HOST="app:8000").status_code == 200
    assert client.post(probe, HTTP_HOST="app:8000").status_code == 405
    # Everything else still refuses a host it does not serve and sends plain HTTP to https.
    assert client.get("/api/items", HTTP_HOST="app:8000").status_code == 400
    assert client.get("/api/items", HTTP_HOST="min-now.store").status_code == 301
