"""Items placed in locations through HTTP (docs/design.md "Per-user limits and the user lock" and "Locations: a
tree stored as materialised paths"): `current_location_id`, `location_path` and
`location_updated_at` on create and update (stamped only when the location really changes), the
rule that an item can only be placed in one of the caller's own locations (400 and nothing written
otherwise), the `location_id` filter, paths that follow a renamed or moved location, the refusal to
delete a location holding items, and a fixed query budget for listing placed items."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine

from config.testing import (
    ITEM_PAYLOAD,
    api_for,
    create_item,
    create_location,
    every_item_type,
    every_status,
    make_items,
    moment,
)
from items.models import OwnedItem
from locations.models import Location

pytestmark = pytest.mark.django_db

CREATED_AT = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
MOVED_AT = datetime(2025, 2, 3, 17, 45, tzinfo=UTC)


def at(when: datetime):
    return time_machine.travel(when, tick=False)


@pytest.fixture
def closet(alice) -> dict:
    """alice's `home/bedroom/closet`."""
    with at(datetime(2025, 1, 1, tzinfo=UTC)):
        api = api_for(alice)
        home = create_location(api, "Home")
        bedroom = create_location(api, "Bedroom", home)
        return create_location(api, "Closet", bedroom)


@pytest.fixture
def garage(alice) -> dict:
    """alice's `garage`, a root."""
    with at(datetime(2025, 1, 1, tzinfo=UTC)):
        return create_location(api_for(alice), "Garage")


@pytest.fixture
def placed_item(alice, closet) -> dict:
    """An item alice created in her closet at CREATED_AT."""
    with at(CREATED_AT):
        return create_item(api_for(alice), current_location_id=closet["id"])


# --- Create -----------------------------------------------------------------------------------------
def test_create_item_at_own_location_returns_location_id_path_and_stamp(alice, closet):
    with at(CREATED_AT):
        body = create_item(api_for(alice), current_location_id=closet["id"])

    assert body["current_location_id"] == closet["id"]
    assert body["location_path"] == "home/bedroom/closet" == closet["full_path"]
    assert moment(body["location_updated_at"]) == CREATED_AT
    stored = OwnedItem.objects.get(pk=body["id"])
    assert str(stored.current_location_id) == closet["id"]
    assert stored.location_updated_at == CREATED_AT


def test_create_item_without_location_leaves_all_three_location_fields_null(alice, alice_api):
    body = create_item(alice_api)

    assert body["current_location_id"] is None
    assert body["location_path"] is None
    assert body["location_updated_at"] is None
    stored = OwnedItem.objects.get(pk=body["id"])
    assert stored.current_location_id is None
    assert stored.location_updated_at is None


def test_create_item_with_explicit_null_location_leaves_it_unplaced(alice_api):
    body = create_item(alice_api, current_location_id=None)

    assert (body["current_location_id"], body["location_path"], body["location_updated_at"]) == (None, None, None)


def test_get_item_reports_its_location(alice, placed_item, closet):
    response = api_for(alice).get(f"/api/items/{placed_item['id']}")

    assert response.status_code == 200
    body = response.json()
    assert body["current_location_id"] == closet["id"]
    assert body["location_path"] == "home/bedroom/closet"
    assert moment(body["location_updated_at"]) == CREATED_AT


# --- Update -----------------------------------------------------------------------------------------
def test_update_to_another_location_changes_it_and_stamps_location_updated_at(alice, placed_item, garage):
    with at(MOVED_AT):
        response = api_for(alice).put(f"/api/items/{placed_item['id']}", {"current_location_id": garage["id"]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["current_location_id"] == garage["id"]
    assert body["location_path"] == "garage"
    assert moment(body["location_updated_at"]) == MOVED_AT
    stored = OwnedItem.objects.get(pk=placed_item["id"])
    assert str(stored.current_location_id) == garage["id"]
    assert stored.location_updated_at == MOVED_AT


def test_update_unplaced_item_into_a_location_stamps_location_updated_at(alice, garage):
    with at(CREATED_AT):
        item = create_item(api_for(alice))
    with at(MOVED_AT):
        response = api_for(alice).put(f"/api/items/{item['id']}", {"current_location_id": garage["id"]})

    assert response.status_code == 200, response.content
    assert response.json()["location_path"] == "garage"
    assert moment(response.json()["location_updated_at"]) == MOVED_AT


def test_update_with_null_location_clears_it_and_stamps_location_updated_at(alice, placed_item):
    with at(MOVED_AT):
        response = api_for(alice).put(f"/api/items/{placed_item['id']}", {"current_location_id": None})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["current_location_id"] is None
    assert body["location_path"] is None
    assert moment(body["location_updated_at"]) == MOVED_AT
    stored = OwnedItem.objects.get(pk=placed_item["id"])
    assert stored.current_location_id is None
    assert stored.location_updated_at == MOVED_AT


def test_update_without_location_field_keeps_location_and_its_timestamp(alice, placed_item, closet):
    with at(MOVED_AT):
        response = api_for(alice).put(f"/api/items/{placed_item['id']}", {"name": "Cashmere Sweater"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Cashmere Sweater"
    assert body["current_location_id"] == closet["id"]
    assert body["location_path"] == "home/bedroom/closet"
    assert moment(body["location_updated_at"]) == CREATED_AT
    stored = OwnedItem.objects.get(pk=placed_item["id"])
    assert str(stored.current_location_id) == closet["id"]
    assert stored.location_updated_at == CREATED_AT


def test_update_with_the_same_location_does_not_restamp_location_updated_at(alice, placed_item, closet):
    with at(MOVED_AT):
        response = api_for(alice).put(f"/api/items/{placed_item['id']}", {"current_location_id": closet["id"]})

    assert response.status_code == 200, response.content
    assert response.json()["current_location_id"] == closet["id"]
    assert moment(response.json()["location_updated_at"]) == CREATED_AT
    assert OwnedItem.objects.get(pk=placed_item["id"]).location_updated_at == CREATED_AT


def test_update_unplaced_item_with_null_location_does_not_stamp(alice):
    with at(CREATED_AT):
        item = create_item(api_for(alice))
    with at(MOVED_AT):
        response = api_for(alice).put(f"/api/items/{item['id']}", {"current_location_id": None})

    assert response.status_code == 200, response.content
    assert response.json()["location_updated_at"] is None
    assert OwnedItem.objects.get(pk=item["id"]).location_updated_at is None


# --- Ownership and validation of the location id ----------------------------------------------------
def test_create_item_in_another_users_location_is_400_and_writes_nothing(bob, bob_api, closet):
    response = bob_api.post("/api/items", {**ITEM_PAYLOAD, "current_location_id": closet["id"]})

    assert response.status_code == 400
    assert "current_location_id" in str(response.json()["detail"])
    assert not OwnedItem.objects.filter(user=bob).exists()
    assert not OwnedItem.objects.filter(current_location_id=closet["id"]).exists()


def test_update_item_into_another_users_location_is_400_and_changes_nothing(bob, bob_api, closet):
    with at(CREATED_AT):
        bobs_api = api_for(bob)
        bobs_shed = create_location(bobs_api, "Shed")
        item = create_item(bobs_api, current_location_id=bobs_shed["id"])
    before = OwnedItem.objects.get(pk=item["id"])

    response = bob_api.put(f"/api/items/{item['id']}", {"name": "Renamed", "current_location_id": closet["id"]})

    assert response.status_code == 400
    after = OwnedItem.objects.get(pk=item["id"])
    assert after.name == "Wool Sweater"
    assert after.current_location_id == before.current_location_id
    assert str(after.current_location_id) == bobs_shed["id"]
    assert after.location_updated_at == before.location_updated_at == CREATED_AT
    assert after.updated_at == before.updated_at
    assert not OwnedItem.objects.filter(current_location_id=closet["id"]).exists()


def test_create_item_with_unknown_location_uuid_is_400_and_writes_nothing(alice, alice_api):
    response = alice_api.post("/api/items", {**ITEM_PAYLOAD, "current_location_id": str(uuid.uuid4())})

    assert response.status_code == 400
    assert "current_location_id" in str(response.json()["detail"])
    assert not OwnedItem.objects.filter(user=alice).exists()


def test_update_item_with_unknown_location_uuid_is_400_and_changes_nothing(alice, alice_api, placed_item, closet):
    response = alice_api.put(f"/api/items/{placed_item['id']}", {"current_location_id": str(uuid.uuid4())})

    assert response.status_code == 400
    stored = OwnedItem.objects.get(pk=placed_item["id"])
    assert str(stored.current_location_id) == closet["id"]
    assert stored.location_updated_at == CREATED_AT


@pytest.mark.parametrize("malformed", ["not-a-uuid", "1234", "", 42, ["x"]])
def test_create_item_with_malformed_location_id_is_400_and_writes_nothing(alice, alice_api, malformed):
    response = alice_api.post("/api/items", {**ITEM_PAYLOAD, "current_location_id": malformed})

    assert response.status_code == 400
    assert not OwnedItem.objects.filter(user=alice).exists()


@pytest.mark.parametrize("malformed", ["not-a-uuid", "1234", "", 42, ["x"]])
def test_update_item_with_malformed_location_id_is_400_and_changes_nothing(
    alice, alice_api, placed_item, closet, malformed
):
    response = alice_api.put(f"/api/items/{placed_item['id']}", {"current_location_id": malformed})

    assert response.status_code == 400
    stored = OwnedItem.objects.get(pk=placed_item["id"])
    assert str(stored.current_location_id) == closet["id"]
    assert stored.location_updated_at == CREATED_AT


# --- Filtering and paths that follow the location ---------------------------------------------------
def test_list_items_location_filter_returns_only_items_directly_at_that_location(alice, alice_api):
    home = create_location(alice_api, "Home")
    bedroom = create_location(alice_api, "Bedroom", home)
    closet = create_location(alice_api, "Closet", bedroom)
    in_bedroom = {create_item(alice_api, name=f"Lamp {n}", current_location_id=bedroom["id"])["id"] for n in range(2)}
    create_item(alice_api, name="Coat", current_location_id=closet["id"])
    create_item(alice_api, name="Loose")

    response = alice_api.get(f"/api/items?location_id={bedroom['id']}")

    assert response.status_code == 200
    assert {body["id"] for body in response.json()} == in_bedroom
    assert all(body["location_path"] == "home/bedroom" for body in response.json())
    assert alice_api.get(f"/api/items?location_id={home['id']}").json() == []
    assert [body["name"] for body in alice_api.get(f"/api/items?location_id={closet['id']}").json()] == ["Coat"]


def test_list_items_location_filter_with_another_users_location_returns_nothing(bob_api, placed_item, closet):
    response = bob_api.get(f"/api/items?location_id={closet['id']}")

    assert response.status_code == 200
    assert response.json() == []


def test_list_items_location_filter_with_malformed_id_is_400(alice_api):
    assert alice_api.get("/api/items?location_id=not-a-uuid").status_code == 400


def test_item_location_path_follows_a_rename_of_its_location_or_an_ancestor(alice, alice_api, placed_item, closet):
    home_id = Location.objects.get(user=alice, full_path="home").pk

    assert alice_api.put(f"/api/locations/{closet['id']}", {"display_name": "Walk-in Wardrobe"}).status_code == 200
    assert alice_api.get(f"/api/items/{placed_item['id']}").json()["location_path"] == "home/bedroom/walk-in-wardrobe"

    assert alice_api.put(f"/api/locations/{home_id}", {"display_name": "Flat"}).status_code == 200
    body = alice_api.get(f"/api/items/{placed_item['id']}").json()
    assert body["location_path"] == "flat/bedroom/walk-in-wardrobe"
    assert body["current_location_id"] == closet["id"]
    listed = alice_api.get("/api/items").json()
    assert [item["location_path"] for item in listed] == ["flat/bedroom/walk-in-wardrobe"]


def test_item_location_path_follows_a_move_of_its_location(alice_api, placed_item, closet, garage):
    response = alice_api.put(f"/api/locations/{closet['id']}/move", {"parent_id": garage["id"]})
    assert response.status_code == 200, response.content
    assert response.json()["full_path"] == "garage/closet"

    body = alice_api.get(f"/api/items/{placed_item['id']}").json()
    assert body["location_path"] == "garage/closet"
    assert body["current_location_id"] == closet["id"]
    assert moment(body["location_updated_at"]) == CREATED_AT  # the item itself did not move


def test_deleting_a_location_holding_items_is_refused_and_keeps_everything(alice, alice_api, placed_item, closet):
    response = alice_api.delete(f"/api/locations/{closet['id']}")

    assert response.status_code == 400
    assert response.json()["detail"] == "Cannot delete location with items. This location contains 1 item(s)."
    assert Location.objects.filter(pk=closet["id"]).exists()
    assert str(OwnedItem.objects.get(pk=placed_item["id"]).current_location_id) == closet["id"]


def test_deleting_a_location_is_allowed_once_its_items_are_moved_out(alice_api, placed_item, closet):
    assert alice_api.put(f"/api/items/{placed_item['id']}", {"current_location_id": None}).status_code == 200

    response = alice_api.delete(f"/api/locations/{closet['id']}")

    assert response.status_code == 200, response.content
    assert not Location.objects.filter(pk=closet["id"]).exists()


# --- Query budget -----------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 100])
def test_list_placed_items_costs_at_most_3_queries_for_1_and_100_items(
    admin, admin_api, count, django_assert_max_num_queries
):
    roots = Location.objects.bulk_create(
        Location(user=admin, display_name=f"Room {n}", slug=f"room-{n}", full_path=f"room-{n}", level=0)
        for n in range(10)
    )
    shelves = Location.objects.bulk_create(
        Location(
            user=admin,
            parent=root,
            display_name="Shelf",
            slug="shelf",
            full_path=f"{root.full_path}/shelf",
            level=1,
        )
        for root in roots
    )
    places = roots + shelves
    make_items(
        admin,
        count,
        item_type=every_item_type,
        status=every_status,
        current_location=lambda n: places[n % len(places)],
        location_updated_at=datetime(2024, 6, 1, tzinfo=UTC),
    )

    with django_assert_max_num_queries(3):
        response = admin_api.get("/api/items")

    assert response.status_code == 200
    body = response.json()
    assert len(body) == count
    paths = {place.full_path for place in places}
    assert all(item["location_path"] in paths for item in body)
    assert all(item["current_location_id"] is not None for item in body)
