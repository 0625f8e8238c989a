"""The `load_location_fixtures` management command: it builds a multi-level sample home for one
user and places that user's unplaced items in it by type, is idempotent (a second run creates and
moves nothing), rebuilds everything with `--clear`, refuses an unknown email, and never touches
another user's locations or items."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from config.testing import make_item
from items.models import ItemStatus, ItemType, OwnedItem
from locations.models import Location
from locations.services import LocationService

pytestmark = pytest.mark.django_db

LOADED_AT = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)
EXPECTED_PLACES = {
    "Scarf": "home/bedroom/closet",
    "Laptop": "home/office/desk",
    "Novel": "home/living-room/bookshelf",
}


def load(*args: str) -> str:
    out = io.StringIO()
    call_command("load_location_fixtures", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def alices_items(alice) -> list[OwnedItem]:
    return [
        make_item(alice, "Scarf", item_type=ItemType.CLOTHING_ACCESSORIES),
        make_item(alice, "Laptop", item_type=ItemType.TECHNOLOGY),
        make_item(alice, "Novel", item_type=ItemType.BOOKS_MEDIA),
    ]


def paths_of(user) -> dict[str, object]:
    return dict(Location.objects.filter(user=user).values_list("full_path", "id"))


def placements(user) -> dict[str, str | None]:
    return {
        item.name: item.location_path for item in OwnedItem.objects.filter(user=user).select_related("current_location")
    }


def test_load_creates_a_multi_level_home_and_places_items_by_type(alice, alices_items):
    with time_machine.travel(LOADED_AT, tick=False):
        output = load("--user-email", alice.email)

    locations = Location.objects.filter(user=alice)
    count = locations.count()
    assert count >= 15
    assert max(locations.values_list("level", flat=True)) >= 2
    assert output.strip() == f"alice@example.com: {count} location(s) created, 3 item(s) placed"
    assert placements(alice) == EXPECTED_PLACES
    for item in OwnedItem.objects.filter(user=alice):
        assert item.current_location.user_id == alice.pk
        assert item.location_updated_at == LOADED_AT
        assert item.full_search_text == item.search_text + item.current_location.search_text  # found by place


def test_loaded_locations_form_a_consistent_tree(alice):
    load("--user-email", alice.email)

    locations = {location.pk: location for location in Location.objects.filter(user=alice)}
    for location in locations.values():
        parent = locations.get(location.parent_id)
        if parent is None:
            assert location.parent_id is None
            assert location.level == 0
            assert location.full_path == location.slug
        else:
            assert location.level == parent.level + 1
            assert location.full_path == f"{parent.full_path}/{location.slug}"
    assert {"home", "garage", "home/kids-room", "home/bedroom/closet/top-shelf"} <= {
        location.full_path for location in locations.values()
    }


def test_load_leaves_unmapped_and_already_placed_items_where_they_are(alice, alices_items):
    other = make_item(alice, "Mystery Box", item_type=ItemType.OTHER)
    attic = LocationService.create(user=alice, display_name="Attic")
    stamped = datetime(2024, 5, 5, tzinfo=UTC)
    placed = make_item(
        alice, "Old Phone", item_type=ItemType.TECHNOLOGY, current_location=attic, location_updated_at=stamped
    )

    output = load("--user-email", alice.email)

    assert output.strip().endswith(", 3 item(s) placed")
    assert OwnedItem.objects.get(pk=other.pk).current_location_id is None
    placed.refresh_from_db()
    assert placed.current_location_id == attic.pk
    assert placed.location_updated_at == stamped


def test_load_places_items_of_every_status(alice):
    for status in ItemStatus.values:
        make_item(alice, f"Shirt {status}", item_type=ItemType.CLOTHING_ACCESSORIES, status=status)

    output = load("--user-email", alice.email)

    assert output.strip().endswith(", 3 item(s) placed")
    assert set(placements(alice).values()) == {"home/bedroom/closet"}


def test_running_the_load_twice_creates_and_moves_nothing_new(alice, alices_items):
    with time_machine.travel(LOADED_AT, tick=False):
        load("--user-email", alice.email)
    first_paths = paths_of(alice)
    first_items = list(
        OwnedItem.objects.filter(user=alice).values_list("id", "current_location_id", "location_updated_at")
    )

    output = load("--user-email", alice.email)

    assert output.strip() == "alice@example.com: 0 location(s) created, 0 item(s) placed"
    assert paths_of(alice) == first_paths
    assert Location.objects.filter(user=alice).count() == len(first_paths)
    second_items = list(
        OwnedItem.objects.filter(user=alice).values_list("id", "current_location_id", "location_updated_at")
    )
    assert second_items == first_items


def test_load_completes_a_partially_existing_home_without_duplicates(alice):
    home = LocationService.create(user=alice, display_name="Home")
    kitchen = LocationService.create(user=alice, display_name="Kitchen", parent_id=home.pk)

    output = load("--user-email", alice.email)

    paths = paths_of(alice)
    assert output.strip().startswith(f"alice@example.com: {len(paths) - 2} location(s) created")
    assert paths["home"] == home.pk
    assert paths["home/kitchen"] == kitchen.pk
    assert len(paths) == len(set(paths.values()))
    assert load("--user-email", alice.email).strip().startswith("alice@example.com: 0 location(s) created")
    assert paths_of(alice) == paths


def test_load_with_clear_recreates_every_location_with_new_ids_and_the_same_paths(alice, alices_items):
    load("--user-email", alice.email)
    attic = LocationService.create(user=alice, display_name="Attic")
    LocationService.create(user=alice, display_name="Box", parent_id=attic.pk)
    before = paths_of(alice)
    fixture_paths = set(before) - {"attic", "attic/box"}

    output = load("--user-email", alice.email, "--clear")

    after = paths_of(alice)
    assert set(after) == fixture_paths
    assert not set(after.values()) & set(before.values())
    assert output.strip() == f"alice@example.com: {len(fixture_paths)} location(s) created, 3 item(s) placed"
    assert placements(alice) == EXPECTED_PLACES
    for item in OwnedItem.objects.filter(user=alice).select_related("current_location"):
        assert item.full_search_text == item.search_text + item.current_location.search_text
    assert set(OwnedItem.objects.filter(user=alice).values_list("current_location_id", flat=True)) <= set(
        after.values()
    )


def test_load_with_clear_for_a_user_without_locations_just_loads(alice, alices_items):
    output = load("--user-email", alice.email, "--clear")

    count = Location.objects.filter(user=alice).count()
    assert count >= 15
    assert output.strip() == f"alice@example.com: {count} location(s) created, 3 item(s) placed"


def test_load_matches_the_email_case_insensitively(alice):
    output = load("--user-email", "ALICE@Example.COM")

    assert Location.objects.filter(user=alice).count() >= 15
    assert output.startswith("alice@example.com: ")


def test_load_for_an_unknown_email_is_a_command_error_and_writes_nothing(alice, bob):
    with pytest.raises(CommandError, match=r"No user with email nobody@example\.com"):
        load("--user-email", "nobody@example.com")

    assert not Location.objects.exists()


def test_load_and_clear_for_alice_leave_bobs_locations_and_items_untouched(alice, bob, alices_items):
    bobs_home = LocationService.create(user=bob, display_name="Home")
    bobs_closet = LocationService.create(user=bob, display_name="Bedroom", parent_id=bobs_home.pk)
    bobs_placed = make_item(
        bob,
        "Bob's Coat",
        item_type=ItemType.CLOTHING_ACCESSORIES,
        current_location=bobs_closet,
        location_updated_at=datetime(2024, 2, 2, tzinfo=UTC),
    )
    bobs_loose = make_item(bob, "Bob's Tablet", item_type=ItemType.TECHNOLOGY)
    bobs_before = list(Location.objects.filter(user=bob).values_list("id", "full_path", "level", "updated_at"))

    load("--user-email", alice.email)
    load("--user-email", alice.email, "--clear")

    assert list(Location.objects.filter(user=bob).values_list("id", "full_path", "level", "updated_at")) == bobs_before
    bobs_placed.refresh_from_db()
    assert bobs_placed.current_location_id == bobs_closet.pk
    assert bobs_placed.location_updated_at == datetime(2024, 2, 2, tzinfo=UTC)
    bobs_loose.refresh_from_db()
    assert bobs_loose.current_location_id is None
    assert bobs_loose.location_updated_at is None
    assert placements(alice) == EXPECTED_PLACES
