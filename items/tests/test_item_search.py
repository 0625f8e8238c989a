"""GET /api/items/search: the web frontend's manual search by name, scoped to the caller."""

from __future__ import annotations

import pytest

from config.testing import make_item
from items.models import ItemStatus
from locations.services import LocationService

pytestmark = pytest.mark.django_db

RESULT_FIELDS = {"id", "name", "picture_url", "item_type", "status", "current_location_id", "location_path"}


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [result["name"] for result in response.json()]


def test_search_is_not_read_as_an_item_id(alice, alice_api):
    make_item(alice, "Blue Umbrella")

    response = alice_api.get("/api/items/search?q=umbrella")

    assert names(response) == ["Blue Umbrella"]


def test_search_answers_the_fields_the_frontend_groups_by_location(alice, alice_api):
    garage = LocationService.create(user=alice, display_name="Garage", parent_id=None)
    shelf = LocationService.create(user=alice, display_name="Top Shelf", parent_id=garage.id)
    drill = make_item(alice, "Cordless Drill", current_location=shelf)
    make_item(alice, "Drill Bits")

    results = alice_api.get("/api/items/search?q=drill").json()

    assert [set(result) for result in results] == [RESULT_FIELDS, RESULT_FIELDS]
    assert [result["name"] for result in results] == ["Drill Bits", "Cordless Drill"]
    assert results[1] == {
        "id": str(drill.id),
        "name": "Cordless Drill",
        "picture_url": "📦",
        "item_type": "Other",
        "status": "Keep",
        "current_location_id": str(shelf.id),
        "location_path": "garage/top-shelf",
    }
    assert results[0]["current_location_id"] is None and results[0]["location_path"] is None


def test_every_word_must_match_case_insensitively(alice, alice_api):
    make_item(alice, "Red Rain Jacket")
    make_item(alice, "Rain Boots")
    make_item(alice, "Jacket Potato Tray")

    assert names(alice_api.get("/api/items/search?q=RAIN jacket")) == ["Red Rain Jacket"]
    assert names(alice_api.get("/api/items/search?q=rain")) == ["Rain Boots", "Red Rain Jacket"]


def test_names_that_start_with_the_query_come_first(alice, alice_api):
    make_item(alice, "Old Lamp")
    make_item(alice, "Lamp Shade")
    make_item(alice, "Desk Lamp")

    assert names(alice_api.get("/api/items/search?q=lamp")) == ["Lamp Shade", "Desk Lamp", "Old Lamp"]


def test_search_finds_items_of_every_status(alice, alice_api):
    make_item(alice, "Book A", status=ItemStatus.KEEP)
    make_item(alice, "Book B", status=ItemStatus.GIVE)
    make_item(alice, "Book C", status=ItemStatus.DONATE)

    assert names(alice_api.get("/api/items/search?q=book")) == ["Book A", "Book B", "Book C"]


def test_search_never_shows_another_users_items(alice, bob, bob_api):
    make_item(alice, "Passport")

    assert names(bob_api.get("/api/items/search?q=passport")) == []


def test_search_returns_at_most_50(admin, admin_api):
    for n in range(60):
        make_item(admin, f"Box {n:02d}")

    assert len(names(admin_api.get("/api/items/search?q=box"))) == 50


@pytest.mark.parametrize("query", ["", "q=", "q=%20%20", "q=" + "x" * 256, "q=a%00b"])
def test_a_missing_empty_long_or_control_query_is_a_readable_400(alice_api, query):
    response = alice_api.get(f"/api/items/search?{query}")

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert response.json()["detail"].startswith("q: ")


def test_search_needs_a_token(anon_api):
    assert anon_api.get("/api/items/search?q=x").status_code == 401


@pytest.mark.parametrize("count", [1, 60])
def test_search_costs_the_same_queries_whatever_the_count(admin, admin_api, count, django_assert_max_num_queries):
    for n in range(count):
        make_item(admin, f"Box {n}")

    with django_assert_max_num_queries(2):
        response = admin_api.get("/api/items/search?q=box")

    assert len(names(response)) == min(count, 50)
