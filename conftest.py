"""Shared test fixtures: alice (owner), bob (another user) and an admin, each with a dev token."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from django.db import connection
from django.test import Client

from minNow import ratelimit
from minNow.auth import issue_dev_token
from users.models import User


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, data: Any = None, **extra: Any):
        kwargs: dict[str, Any] = {"headers": {**self.headers, **extra.pop("headers", {})}, **extra}
        if data is not None:
            kwargs["data"] = data if isinstance(data, (str, bytes)) else json.dumps(data)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path: str, **extra: Any):
        return self.request("get", path, **extra)

    def post(self, path: str, data: Any = None, **extra: Any):
        return self.request("post", path, data, **extra)

    def put(self, path: str, data: Any = None, **extra: Any):
        return self.request("put", path, data, **extra)

    def delete(self, path: str, **extra: Any):
        return self.request("delete", path, **extra)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with empty in-process rate-limit counters."""
    ratelimit.reset_backend()
    yield
    ratelimit.reset_backend()


T = TypeVar("T")


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


def database_url() -> str:
    """A URL for the test database, for a server or command started as a separate process."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    )


def make_user(name: str, **fields: Any) -> User:
    return User.objects.create(
        username=name, clerk_id=f"user_{name}", email=f"{name}@example.com", first_name=name.title(), **fields
    )


@pytest.fixture
def alice(db) -> User:
    return make_user("alice")


@pytest.fixture
def bob(db) -> User:
    return make_user("bob")


@pytest.fixture
def admin(db) -> User:
    return make_user("admin", is_admin=True)


@pytest.fixture
def alice_api(alice) -> ApiClient:
    return ApiClient(issue_dev_token(alice))


@pytest.fixture
def bob_api(bob) -> ApiClient:
    return ApiClient(issue_dev_token(bob))


@pytest.fixture
def admin_api(admin) -> ApiClient:
    return ApiClient(issue_dev_token(admin))


@pytest.fixture
def anon_api() -> ApiClient:
    return ApiClient()
