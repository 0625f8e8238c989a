"""The demo account `make run` sets up (seed_demo, then load_location_fixtures): it leaves room to add
items under the default limit, has items of several types and statuses with badges to show, and answers
the README's "Finding things" examples with what the README prints, through the HTTP API."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from config.testing import ApiClient, create_item, item_payload
from items.models import ItemStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_api(settings) -> ApiClient:
    """A client with the token seed_demo printed, after the same commands as `make run` (default item limit)."""
    settings.MAX_ITEMS_PER_USER = 10
    out = io.StringIO()
    call_command("seed_demo", "--base-url", "http://127.0.0.1:8010", stdout=out)
    call_command("load_location_fixtures", "--user-email", "demo@example.com", stdout=io.StringIO())
    (token,) = [line.removeprefix("TOKEN=") for line in out.getvalue().splitlines() if line.startswith("TOKEN=")]
    return ApiClient(token)


def get_json(api: ApiClient, path: str):
    response = api.get(path)
    assert response.status_code == 200, response.content
    return response.json()


def test_the_demo_account_has_room_for_four_more_items(demo_api):
    stats = get_json(demo_api, "/api/items/stats")

    assert stats["max_items"] == 10
    assert stats["remaining_slots"] >= 4
    assert stats["can_add_items"] is True
    for n in range(stats["remaining_slots"]):
        create_item(demo_api, name=f"New Thing {n}")
    assert demo_api.post("/api/items", item_payload(name="One Too Many")).status_code == 400


def test_the_demo_items_vary_in_type_and_status_and_show_badges(demo_api):
    items = get_json(demo_api, "/api/items")

    assert {item["status"] for item in items} == set(ItemStatus.values)
    assert len({item["item_type"] for item in items}) >= 5
    assert all(item["location_path"] for item in items)
    keepers = [item for item in items if any(badge["achieved"] for badge in item["keep_badge_progress"])]
    assert len(keepers) >= 3
    assert get_json(demo_api, "/api/badges/donated")


def test_readme_item_search_for_rain_jack(demo_api):
    results = get_json(demo_api, "/api/items/search?q=rain%20jack")

    assert [
        {key: result[key] for key in ("name", "picture_url", "item_type", "status", "location_path")}
        for result in results
    ] == [
        {
            "name": "Red Rain Jacket",
            "picture_url": "🧥",
            "item_type": "Clothing_Accessories",
            "status": "Keep",
            "location_path": "home/bedroom/closet",
        }
    ]
    assert list(results[0]) == [
        "id",
        "name",
        "picture_url",
        "item_type",
        "status",
        "current_location_id",
        "location_path",
    ]


def test_readme_search_for_garage(demo_api):
    body = get_json(demo_api, "/api/search?q=garage&limit=3")

    assert [(item["name"], item["location_path"]) for item in body["items"]] == [
        ("Camping Stove", "garage/storage-shelves"),
        ("Cordless Drill", "garage/workbench"),
        ("Road Bike", "garage"),
    ]
    assert [(place["display_name"], place["full_path"], place["item_count"]) for place in body["locations"]] == [
        ("Garage", "garage", 1),
        ("Storage Shelves", "garage/storage-shelves", 1),
        ("Workbench", "garage/workbench", 1),
    ]


@override_settings(OPENAI_API_KEY="")
def test_readme_question_where_did_i_put_the_drill(demo_api):
    response = demo_api.post("/api/query-agent", {"query": "where did I put the drill"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["success"] is True
    assert body["response"] == {"message": "Cordless Drill: in garage/workbench."}
    assert [result["name"] for result in body["results"]] == ["Cordless Drill"]
    assert {"conversation_id", "elapsed_time_ms"} <= set(body)
