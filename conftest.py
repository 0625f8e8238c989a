"""Shared test fixtures: alice (owner), bob (another user) and an admin, each with a dev token."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from config.testing import ApiClient, api_for, make_user
from minNow import ratelimit
from users.models import User


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing():
    """MD5 instead of PBKDF2 for the passwords tests set (admin logins): each PBKDF2 hash takes a quarter of a
    second. Tests only; processes a test starts keep the real hashers."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


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


@pytest.fixture
def superuser_client(db) -> Client:
    """Django's test client logged in to the admin as a superuser through the login form, not `force_login`:
    django-axes records each login with the client's address, and force_login's request has none (its stand-in,
    "unknown", does not fit PostgreSQL's inet column)."""
    User.objects.create_superuser(username="root", email="root@example.com", password="a-long-admin-password-1")
    client = Client()
    login = client.post("/admin/login/?next=/admin/", {"username": "root", "password": "a-long-admin-password-1"})
    assert login.status_code == 302, login.content
    return client
