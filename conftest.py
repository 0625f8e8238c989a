"""Shared test fixtures: alice (owner), bob (another user) and an admin, each with a dev token."""

from __future__ import annotations

import pytest

from minNow import ratelimit
from minNow.testing import ApiClient, api_for, make_user
from users.models import User


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with empty in-process rate-limit counters."""
    ratelimit.reset_backend()
    yield
    ratelimit.reset_backend()


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
    return api_for(alice)


@pytest.fixture
def bob_api(bob) -> ApiClient:
    return api_for(bob)


@pytest.fixture
def admin_api(admin) -> ApiClient:
    return api_for(admin)


@pytest.fixture
def anon_api() -> ApiClient:
    return ApiClient()
