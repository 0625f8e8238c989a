"""Rate limiting on every /api/ route, the same on the Upstash (via the bridge), Redis and in-process backends."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import httpx
import pytest
from django.test import Client, override_settings

from config.testing import (
    PROJECT_DIR,
    TEST_REDIS_URL,
    ApiClient,
    database_url,
    free_port,
    make_user,
    redis_available,
)
from minNow import ratelimit
from minNow.auth import issue_dev_token
from minNow.tests.upstash_bridge import UpstashBridge

pytestmark = pytest.mark.django_db
NO_BACKEND = {"UPSTASH_REDIS_REST_URL": "", "UPSTASH_REDIS_REST_TOKEN": "", "REDIS_URL": ""}


needs_redis = pytest.mark.skipif(not redis_available(), reason=f"Redis does not answer at {TEST_REDIS_URL}")


@contextmanager
def upstash() -> Iterator[UpstashBridge]:
    """The Upstash backend, through a loopback bridge to the real Redis."""
    with (
        UpstashBridge(redis_url=TEST_REDIS_URL) as bridge,
        override_settings(
            **{**NO_BACKEND, "UPSTASH_REDIS_REST_URL": bridge.url, "UPSTASH_REDIS_REST_TOKEN": bridge.token}
        ),
    ):
        yield bridge


@pytest.fixture(params=["memory", pytest.param("redis", marks=needs_redis), pytest.param("upstash", marks=needs_redis)])
def backend(request):
    """Each backend in turn; the name of the one in use is returned."""
    if request.param == "memory":
        with override_settings(**NO_BACKEND):
            yield "memory"
    elif request.param == "redis":
        with override_settings(**{**NO_BACKEND, "REDIS_URL": TEST_REDIS_URL}):
            yield "redis"
    else:
        with upstash():
            yield "upstash"


def fresh_window(window: int, needed: float = 3.0) -> None:
    """Wait for a new fixed window when the current one ends too soon for the test to fit in it."""
    left = window - time.time() % window
    if left < needed:
        time.sleep(left + 0.05)


def unique_user():
    """A user no earlier run has counted against (Redis keys outlive a test)."""
    name = f"rl{uuid.uuid4().hex[:10]}"
    return make_user(name)


def unique_ip() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"


def test_the_101st_request_in_a_window_is_429(backend):
    user = unique_user()
    api = ApiClient(issue_dev_token(user))
    fresh_window(60, needed=10)

    remaining = []
    for _ in range(100):
        response = api.get("/api/clerk-jwt")
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "100"
        remaining.append(int(response["X-RateLimit-Remaining"]))
        assert 0 < int(response["X-RateLimit-Reset"]) <= 60
    limited = api.get("/api/clerk-jwt")

    assert remaining == list(range(99, -1, -1))
    assert limited.status_code == 429
    retry_after = int(limited["Retry-After"])
    assert 0 < retry_after <= 60
    assert limited.json() == {"detail": f"Rate limit exceeded. Try again in {retry_after} seconds."}
    assert limited["X-RateLimit-Remaining"] == "0"


@override_settings(RATE_LIMIT_REQUESTS=3, RATE_LIMIT_WINDOW_SECONDS=2)
@pytest.mark.slow  # sleeps into the next window
def test_the_window_resets(backend):
    api = ApiClient(issue_dev_token(unique_user()))
    fresh_window(2, needed=1.5)

    assert [api.get("/api/items").status_code for _ in range(4)] == [200, 200, 200, 429]
    time.sleep(2 - time.time() % 2 + 0.05)
    response = api.get("/api/items")

    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "2"


@override_settings(RATE_LIMIT_REQUESTS=3)
def test_two_users_have_separate_budgets(backend):
    first, second = ApiClient(issue_dev_token(unique_user())), ApiClient(issue_dev_token(unique_user()))
    fresh_window(60)

    assert [first.get("/api/items").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get("/api/items").status_code == 200
    assert second.get("/api/items")["X-RateLimit-Remaining"] == "1"


@override_settings(RATE_LIMIT_REQUESTS=3, TRUSTED_PROXY_COUNT=0)
def test_unauthenticated_and_failed_auth_requests_are_keyed_by_ip(backend):
    ip, other_ip = unique_ip(), unique_ip()
    client = Client(REMOTE_ADDR=ip)
    fresh_window(60)

    statuses = [
        client.get("/api/items").status_code,
        client.get("/api/items", headers={"Authorization": "Bearer garbage"}).status_code,
        client.post("/api/dev/auth/clerk-login", {}, content_type="application/json").status_code,
        client.get("/api/items", headers={"X-Forwarded-For": unique_ip()}).status_code,
    ]

    assert statuses == [401, 401, 400, 429]
    assert Client(REMOTE_ADDR=other_ip).get("/api/items").status_code == 401


@override_settings(RATE_LIMIT_REQUESTS=2, TRUSTED_PROXY_COUNT=0)
def test_forged_forwarded_for_does_not_change_the_key_without_trusted_proxies(backend):
    client = Client(REMOTE_ADDR=unique_ip())
    fresh_window(60)

    statuses = [client.get("/api/items", headers={"X-Forwarded-For": unique_ip()}).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


@override_settings(RATE_LIMIT_REQUESTS=2, TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_it_saw_is_the_key(backend):
    proxy, client_address = Client(REMOTE_ADDR="127.0.0.1"), unique_ip()
    fresh_window(60)

    forged = [
        proxy.get("/api/items", headers={"X-Forwarded-For": f"{unique_ip()}, {client_address}"}).status_code
        for _ in range(3)
    ]
    another_client = proxy.get("/api/items", headers={"X-Forwarded-For": unique_ip()})

    assert forged == [401, 401, 429]  # what the client prepends is ignored
    assert another_client.status_code == 401


@override_settings(RATE_LIMIT_REQUESTS=2, TRUSTED_PROXY_COUNT=1)
def test_a_client_that_bypasses_the_proxy_cannot_pick_its_key(backend):
    """With a proxy configured, X-Forwarded-For counts only on connections that come from a proxy address."""
    direct = Client(REMOTE_ADDR=f"2a01:4f8::{uuid.uuid4().hex[:4]}")  # a public address, not a proxy
    fresh_window(60)

    statuses = [direct.get("/api/items", headers={"X-Forwarded-For": unique_ip()}).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


def test_routes_outside_the_api_are_not_limited():
    with override_settings(RATE_LIMIT_REQUESTS=1, **NO_BACKEND):
        statuses = {Client().get("/healthz").status_code for _ in range(3)}
        assert statuses == {200}
        assert "X-RateLimit-Limit" not in Client().get("/healthz")


def test_the_memory_backend_warns_that_it_is_per_process(caplog):
    with override_settings(**NO_BACKEND), caplog.at_level(logging.WARNING, logger="minNow.ratelimit"):
        ratelimit.backend()

    assert "process memory" in caplog.text


@needs_redis
def test_a_failing_upstash_lets_requests_through(caplog):
    api = ApiClient(issue_dev_token(unique_user()))
    with upstash() as bridge:
        bridge.mode = "error"
        with caplog.at_level(logging.WARNING, logger="minNow.ratelimit"):
            response = api.get("/api/items")

    assert response.status_code == 200
    assert "X-RateLimit-Limit" not in response
    assert "Rate limiter unavailable" in caplog.text


@needs_redis
@pytest.mark.slow  # waits out the backend timeout
def test_a_hanging_upstash_delays_a_request_by_about_a_second_at_most():
    api = ApiClient(issue_dev_token(unique_user()))
    with upstash() as bridge:
        bridge.mode = "hang"
        started = time.monotonic()
        response = api.get("/api/items")
        elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert elapsed < 2.0
    assert len(bridge.requests) == 1  # no retry


@needs_redis
@pytest.mark.slow  # waits out the backend timeout
def test_after_a_failure_the_limiter_is_skipped_for_a_while(caplog):
    """The circuit breaker: a hanging backend costs one bounded call, then requests skip it entirely."""
    api = ApiClient(issue_dev_token(unique_user()))
    with upstash() as bridge:
        bridge.mode = "hang"
        with caplog.at_level(logging.WARNING, logger="minNow.ratelimit"):
            first = api.get("/api/items")
            started = time.monotonic()
            later = [api.get("/api/items").status_code for _ in range(5)]
            elapsed = time.monotonic() - started

    assert first.status_code == 200
    assert later == [200] * 5
    assert elapsed < 0.5  # no call waited for the backend
    assert len(bridge.requests) == 1
    assert caplog.text.count("Rate limiter unavailable") == 1
    assert f"next {ratelimit.BREAKER_OPEN_SECONDS} s" in caplog.text


@needs_redis
@pytest.mark.slow  # sleeps out the breaker
def test_the_breaker_closes_after_its_pause(monkeypatch):
    monkeypatch.setattr(ratelimit, "BREAKER_OPEN_SECONDS", 2)
    api = ApiClient(issue_dev_token(unique_user()))
    with upstash() as bridge:
        bridge.mode = "error"
        assert "X-RateLimit-Limit" not in api.get("/api/items")  # fails and opens the breaker
        bridge.mode = "ok"
        assert "X-RateLimit-Limit" not in api.get("/api/items")  # still skipped
        time.sleep(2.1)
        assert api.get("/api/items")["X-RateLimit-Limit"] == "100"  # asked again, and counting


def test_an_unreachable_redis_lets_requests_through_quickly():
    api = ApiClient(issue_dev_token(unique_user()))
    with override_settings(**{**NO_BACKEND, "REDIS_URL": "redis://127.0.0.1:1/0"}):
        started = time.monotonic()
        response = api.get("/api/items")

    assert response.status_code == 200
    assert time.monotonic() - started < 2.0


@pytest.mark.slow  # pytest in a fresh process
def test_the_redis_tests_use_the_redis_named_by_test_redis_url():
    """Runs sharing a host each point TEST_REDIS_URL at their own Redis database (.ci/run: CI_REDIS_URL)."""
    nowhere = "redis://127.0.0.1:1/0"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", f"{__file__}::test_a_failing_upstash_lets_requests_through"],
        cwd=PROJECT_DIR,
        env={**os.environ, "TEST_REDIS_URL": nowhere},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert "SKIPPED [1] minNow/tests/test_ratelimit.py:" in run.stdout, run.stdout + run.stderr
    assert f"Redis does not answer at {nowhere}" in run.stdout


def test_upstash_bridge_rejects_a_wrong_token():
    with (
        UpstashBridge(redis_url=TEST_REDIS_URL) as bridge,
        override_settings(**{**NO_BACKEND, "UPSTASH_REDIS_REST_URL": bridge.url, "UPSTASH_REDIS_REST_TOKEN": "wrong"}),
    ):
        assert ratelimit.hit("bridge-token-check") is None  # fail open, and the bridge said 401


@needs_redis
@pytest.mark.django_db(transaction=True)
@pytest.mark.slow  # gunicorn with four workers
def test_limit_is_exact_across_four_gunicorn_workers():
    """150 concurrent requests from one user to 4 worker processes sharing Redis: exactly 100 pass."""
    port = free_port()
    sub = f"user_rl_{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": TEST_REDIS_URL,
        "UPSTASH_REDIS_REST_URL": "",
        "RATE_LIMIT_REQUESTS": "100",
        "RATE_LIMIT_WINDOW_SECONDS": "60",
        "LOG_LEVEL": "ERROR",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", "4", "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        user = make_user(sub.removeprefix("user_"))
        token = issue_dev_token(user)
        fresh_window(60, needed=8)

        def call(_: int) -> int:
            response = httpx.get(f"{base}/api/items", headers={"Authorization": f"Bearer {token}"}, timeout=30)
            return response.status_code

        with ThreadPoolExecutor(max_workers=30) as pool:
            statuses = list(pool.map(call, range(150)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    assert statuses.count(200) == 100
    assert statuses.count(429) == 50
