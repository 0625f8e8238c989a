"""users/services.py: the per-request lookup by Clerk id, and creating users from a Clerk id or a dev email."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from config.testing import make_user
from users.models import User
from users.services import dev_clerk_id, dev_user_for_email, user_by_clerk_id, user_for_clerk_id

pytestmark = pytest.mark.django_db


def test_lookup_by_clerk_id_returns_the_stored_user_with_typed_fields(django_assert_num_queries):
    synced = datetime(2026, 5, 4, 3, 2, 1, 123000, tzinfo=UTC)
    alice = make_user("alice", clerk_synced_at=synced, is_admin=True)
    make_user("bob")

    with django_assert_num_queries(1):
        found = user_by_clerk_id("user_alice")

    assert found == alice
    assert (found.email, found.is_admin, found.clerk_synced_at) == ("alice@example.com", True, synced)
    assert isinstance(found.date_joined, datetime) and found.date_joined.tzinfo is not None


def test_lookup_of_an_unknown_or_empty_clerk_id_is_none():
    make_user("alice")

    assert user_by_clerk_id("user_nobody") is None
    assert user_by_clerk_id("") is None


def test_first_sight_of_a_clerk_id_creates_one_user_with_checkups():
    first = user_for_clerk_id("user_new", email="new@example.com")
    again = user_for_clerk_id("user_new", email="other@example.com")

    assert again == first
    assert User.objects.filter(clerk_id="user_new").count() == 1
    assert sorted(first.checkups.values_list("checkup_type", flat=True)) == ["give", "keep"]


def test_a_taken_username_gets_a_suffix():
    make_user("user_taken", clerk_id="user_someone_else")

    user = user_for_clerk_id("user_taken")

    assert user.clerk_id == "user_taken"
    assert user.username.startswith("user_taken-")


def test_dev_email_users_are_found_case_insensitively():
    user = dev_user_for_email("  Demo@Example.com ")

    assert dev_user_for_email("demo@example.com") == user
    assert user.clerk_id == dev_clerk_id("demo@example.com")
