"""DELETE /api/me: the caller's items, locations, checkups and user go in one transaction; nobody else's do.

The caller's locations form a three-level tree with items placed at every level, because Location.parent is
RESTRICT: the delete must take whole trees on SQLite and PostgreSQL alike. The Clerk account is not deleted
here (the web app deletes it next), so the same token still verifies and first sight makes a new, empty user.
"""

from __future__ import annotations

import pytest
from django.test import override_settings

from config.api import api
from config.testing import ApiClient, create_item, create_location
from items.models import Checkup, OwnedItem
from items.services import TEST_EMAILS_PER_HOUR
from locations.models import Location
from minNow import ratelimit
from users.models import User
from users.services import delete_user

pytestmark = pytest.mark.django_db


def fill_account(api: ApiClient) -> None:
    """A house > bedroom > wardrobe tree, an item in each location and one unplaced item."""
    house = create_location(api, "House")
    bedroom = create_location(api, "Bedroom", house)
    wardrobe = create_location(api, "Wardrobe", bedroom)
    create_location(api, "Attic", house)
    for place in (house, bedroom, wardrobe):
        create_item(api, name=f"Thing in {place['display_name']}", current_location_id=place["id"])
    create_item(api, name="Unplaced thing")


def rows_of(user_id: int) -> dict[str, int]:
    return {
        "users": User.objects.filter(pk=user_id).count(),
        "items": OwnedItem.objects.filter(user_id=user_id).count(),
        "locations": Location.objects.filter(user_id=user_id).count(),
        "checkups": Checkup.objects.filter(user_id=user_id).count(),
    }


def test_delete_me_removes_everything_of_the_caller_and_nothing_of_others(alice, alice_api, bob, bob_api):
    fill_account(alice_api)
    fill_account(bob_api)
    assert rows_of(alice.pk) == {"users": 1, "items": 4, "locations": 4, "checkups": 2}
    bob_before = rows_of(bob.pk)

    response = alice_api.delete("/api/me")

    assert response.status_code == 204, response.content
    assert response.content == b""
    assert rows_of(alice.pk) == {"users": 0, "items": 0, "locations": 0, "checkups": 0}
    assert rows_of(bob.pk) == bob_before
    assert bob_api.get("/api/locations/tree").status_code == 200


def test_delete_me_unauthenticated_is_401_and_deletes_nothing(alice, alice_api, anon_api):
    fill_account(alice_api)

    response = anon_api.delete("/api/me")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided"}
    assert rows_of(alice.pk) == {"users": 1, "items": 4, "locations": 4, "checkups": 2}


def test_delete_user_takes_a_deep_tree_in_one_go(alice, alice_api):
    """The deepest tree allowed (ten levels), an item on each: every parent goes with its children."""
    alice_pk, parent = alice.pk, None
    for level in range(10):
        parent = create_location(alice_api, f"Level {level}", parent)
        create_item(alice_api, name=f"Item {level}", current_location_id=parent["id"])

    delete_user(alice)

    assert rows_of(alice_pk) == {"users": 0, "items": 0, "locations": 0, "checkups": 0}
    assert not Location.objects.exists() and not OwnedItem.objects.exists()


def test_the_token_of_a_deleted_account_creates_a_new_empty_user(alice, alice_api):
    """What happens between DELETE /api/me and the app deleting the Clerk account: first sight again."""
    fill_account(alice_api)
    old_pk = alice.pk
    assert alice_api.delete("/api/me").status_code == 204

    response = alice_api.get("/api/clerk-jwt")

    assert response.status_code == 200, response.content
    assert response.json()["userId"] == "user_alice"
    fresh = User.objects.get(clerk_id="user_alice")
    assert fresh.pk != old_pk
    assert rows_of(fresh.pk) == {"users": 1, "items": 0, "locations": 0, "checkups": 2}
    assert alice_api.get("/api/items").json() == []


@override_settings(QUERY_AGENT_DAILY_LIMIT=2)
def test_deleting_the_account_does_not_reset_the_min_search_cap(alice, alice_api):
    def ask() -> int:
        return alice_api.post("/api/query-agent", {"query": "where is my passport?"}).status_code

    assert [ask(), ask(), ask()] == [200, 200, 429]
    assert alice_api.delete("/api/me").status_code == 204

    assert ask() == 429  # the same person with the same token, though their user row is new
    assert User.objects.get(clerk_id="user_alice").pk != alice.pk


def test_deleting_the_account_does_not_reset_the_test_email_cap(alice, alice_api, mailoutbox):
    def send() -> int:
        return alice_api.post("/api/send-test-email", {"checkup_type": "keep"}).status_code

    assert [send() for _ in range(TEST_EMAILS_PER_HOUR + 1)] == [200] * TEST_EMAILS_PER_HOUR + [429]
    assert alice_api.delete("/api/me").status_code == 204

    assert send() == 429
    assert len(mailoutbox) == TEST_EMAILS_PER_HOUR


def test_caps_are_keyed_by_the_clerk_id_else_by_the_user_row():
    assert ratelimit.person_key(User(pk=7, clerk_id="user_2abc")) == "user:user_2abc"
    assert ratelimit.person_key(User(pk=7, clerk_id=None)) == "user-pk:7"
    assert ratelimit.person_key(User(pk=7, clerk_id="")) == "user-pk:7"


def test_delete_me_is_documented_as_authenticated():
    operation = api.get_openapi_schema()["paths"]["/api/v1/me"]["delete"]

    assert {204, 401} <= set(operation["responses"])
    assert operation["security"]
    assert "Clerk account" in operation["description"]
