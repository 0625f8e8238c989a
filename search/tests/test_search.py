"""Search over the caller's items and places: GET /api/items/search, GET /api/search, GET /api/items with
include_sublocations, POST /api/sync-my-data. The same results on SQLite and PostgreSQL, and the same
matches from every search-like route (GET /api/items?q=, GET /api/locations/search)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from config.testing import item_payload, make_item, make_items
from items.models import ItemStatus, ItemType, OwnedItem
from locations.models import Location
from locations.services import LocationService
from minNow.text import indexed

pytestmark = pytest.mark.django_db


def place(user, *names):
    """A chain of locations named `names`, each inside the previous; the last one."""
    parent = None
    for name in names:
        existing = Location.objects.filter(user=user, parent=parent, display_name=name).first()
        parent = existing or LocationService.create(
            user=user, display_name=name, parent_id=parent.pk if parent else None
        )
    return parent


def item_names(response) -> list[str]:
    assert response.status_code == 200, response.content
    body = response.json()
    return [row["name"] for row in (body["items"] if isinstance(body, dict) else body)]


def test_accents_and_case_do_not_matter(alice, alice_api):
    make_item(alice, "Café Table")
    make_item(alice, "CRÈME BRÛLÉE TORCH")

    assert item_names(alice_api.get("/api/items/search?q=cafe")) == ["Café Table"]
    assert item_names(alice_api.get("/api/items/search?q=Creme brulee")) == ["CRÈME BRÛLÉE TORCH"]
    assert item_names(alice_api.get("/api/items/search?q=CAFÉ")) == ["Café Table"]


def test_every_word_must_start_a_word(alice, alice_api):
    make_item(alice, "Red Rain Jacket")
    make_item(alice, "Drainpipe")

    assert item_names(alice_api.get("/api/items/search?q=rain jack")) == ["Red Rain Jacket"]
    assert item_names(alice_api.get("/api/items/search?q=ain")) == []  # inside a word is not a match
    assert item_names(alice_api.get("/api/items/search?q=rain boots")) == []


def test_items_match_on_their_type_label_and_their_place(alice, alice_api):
    garage = place(alice, "Home", "Garage")
    make_item(alice, "Hammer", item_type=ItemType.TOOLS_EQUIPMENT)
    make_item(alice, "Bike", item_type=ItemType.VEHICLES, current_location=garage)
    make_item(alice, "Garage Remote", item_type=ItemType.TECHNOLOGY)

    assert item_names(alice_api.get("/api/items/search?q=tools")) == ["Hammer"]
    # The name match first, then the item found through its place.
    assert item_names(alice_api.get("/api/items/search?q=garage")) == ["Garage Remote", "Bike"]
    body = alice_api.get("/api/items/search?q=garage").json()
    assert body[1]["location_path"] == "home/garage"


def test_search_finds_items_anywhere_below_a_matching_place(alice, alice_api):
    shelf = place(alice, "Storage Unit", "Bin A", "Top Shelf")
    make_item(alice, "Lego Set", current_location=shelf)
    make_item(alice, "Tent", current_location=place(alice, "Garage"))

    body = alice_api.get("/api/search?q=storage").json()

    assert [row["name"] for row in body["items"]] == ["Lego Set"]
    assert [row["full_path"] for row in body["locations"]] == [
        "storage-unit",
        "storage-unit/bin-a",
        "storage-unit/bin-a/top-shelf",
    ]
    assert set(body["locations"][0]) == {"id", "display_name", "full_path", "item_count"}
    assert [row["item_count"] for row in body["locations"]] == [0, 0, 1]


def test_a_place_named_by_its_last_words_comes_first(alice, alice_api):
    place(alice, "Storage Unit", "Bin A")
    place(alice, "Storage Unit", "Bin B")

    body = alice_api.get("/api/search?q=bin b").json()

    assert [row["full_path"] for row in body["locations"]] == ["storage-unit/bin-b", "storage-unit/bin-a"]


def test_names_and_places_found_after_renames_moves_and_bulk_inserts(alice, alice_api):
    attic = place(alice, "Attic")
    box = place(alice, "Attic", "Box")
    make_item(alice, "Old Photo Album", current_location=box)
    make_items(alice, ["Spare Fuse", "Spare Bulb"])  # bulk_create: no save() calls

    assert item_names(alice_api.get("/api/items/search?q=spare")) == ["Spare Bulb", "Spare Fuse"]
    alice_api.put(f"/api/locations/{attic.id}", {"display_name": "Loft"})
    assert item_names(alice_api.get("/api/items/search?q=attic")) == []
    assert item_names(alice_api.get("/api/items/search?q=loft")) == ["Old Photo Album"]
    garage = place(alice, "Garage")
    alice_api.put(f"/api/locations/{box.id}/move", {"parent_id": str(garage.id)})
    assert item_names(alice_api.get("/api/items/search?q=loft")) == []
    assert item_names(alice_api.get("/api/items/search?q=garage box")) == ["Old Photo Album"]
    item = OwnedItem.objects.get(name="Old Photo Album")
    alice_api.put(f"/api/items/{item.id}", {"name": "Wedding Album"})
    assert item_names(alice_api.get("/api/items/search?q=wedding")) == ["Wedding Album"]
    assert item_names(alice_api.get("/api/items/search?q=photo")) == []


def test_other_users_things_are_never_found(alice, bob, bob_api):
    make_item(alice, "Passport", current_location=place(alice, "Safe"))

    assert item_names(bob_api.get("/api/items/search?q=passport")) == []
    assert bob_api.get("/api/search?q=safe").json() == {"items": [], "locations": []}


def test_limit_and_query_length_are_checked(alice, alice_api):
    make_items(alice, [f"Box {n:02}" for n in range(30)])

    assert len(alice_api.get("/api/search?q=box").json()["items"]) == 20
    assert len(alice_api.get("/api/search?q=box&limit=50").json()["items"]) == 30
    assert len(alice_api.get("/api/items/search?q=box").json()) == 30
    for path in ("/api/search?q=box&limit=0", "/api/search?q=box&limit=51", "/api/search?q=", "/api/search"):
        response = alice_api.get(path)
        assert response.status_code == 400, path
        assert isinstance(response.json()["detail"], str)
    assert alice_api.get("/api/items/search?q=" + "x" * 256).status_code == 400
    assert alice_api.get("/api/search?q=%20%21%3F").json() == {"items": [], "locations": []}  # no words


def test_items_below_a_place(alice, bob, alice_api, bob_api):
    garage = place(alice, "Home", "Garage")
    shelf = place(alice, "Home", "Garage", "Shelf")
    make_item(alice, "Bike", current_location=garage)
    make_item(alice, "Stove", current_location=shelf)
    make_item(alice, "Lamp", current_location=place(alice, "Home"))
    make_item(alice, "Garage Sign", current_location=place(alice, "Home", "Garage Annex"))

    below = alice_api.get(f"/api/items?location_id={garage.id}&include_sublocations=true")
    direct = alice_api.get(f"/api/items?location_id={garage.id}")

    assert sorted(item_names(below)) == ["Bike", "Stove"]  # not the sibling "garage-annex"
    assert below["X-Total-Count"] == "2"
    assert item_names(direct) == ["Bike"]
    assert item_names(bob_api.get(f"/api/items?location_id={garage.id}&include_sublocations=true")) == []


@pytest.mark.parametrize("count", [3, 40])
def test_query_counts_do_not_grow_with_the_data(alice, alice_api, count, django_assert_max_num_queries):
    shelf = place(alice, "Home", "Garage", "Shelf")
    make_items(alice, [f"Drill {n}" for n in range(count)], current_location=shelf)
    garage = Location.objects.get(full_path="home/garage")

    with django_assert_max_num_queries(2):  # the user, the search
        assert len(item_names(alice_api.get("/api/items/search?q=drill"))) == count
    with django_assert_max_num_queries(3):  # the user, items, places
        alice_api.get("/api/search?q=garage")
    with django_assert_max_num_queries(3):  # the user, the place's path, the items
        alice_api.get(f"/api/items?location_id={garage.id}&include_sublocations=true")


def test_sync_my_data_reindexes_the_callers_rows_only(alice, bob, alice_api):
    make_item(alice, "Kettle", current_location=place(alice, "Kitchen"))
    make_item(bob, "Toaster")
    OwnedItem.objects.filter(user=alice).update(search_text="", full_search_text="")  # written around the model
    Location.objects.filter(user=alice).update(search_text="")

    response = alice_api.post("/api/sync-my-data")

    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True and (body["items"], body["locations"]) == (1, 1)
    assert isinstance(body["message"], str)
    assert item_names(alice_api.get("/api/items/search?q=kitchen")) == ["Kettle"]
    assert_full_text_current(alice)
    assert OwnedItem.objects.get(user=bob).search_text == " toaster other"


def test_status_does_not_hide_items(alice, alice_api):
    make_item(alice, "Book A", status=ItemStatus.GIVE)

    assert item_names(alice_api.get("/api/items/search?q=book")) == ["Book A"]


def test_every_place_in_a_moved_or_renamed_subtree_keeps_its_folded_path(alice, alice_api):
    top = place(alice, "Maison Été")
    place(alice, "Maison Été", "Chambre d'Amis", "Étagère 2")
    place(alice, "Maison Été", "Cuisine")
    other = place(alice, "Garage")

    alice_api.put(f"/api/locations/{top.id}", {"display_name": "Château"})
    alice_api.put(f"/api/locations/{top.id}/move", {"parent_id": str(other.id)})

    rows = list(Location.objects.filter(user=alice).values_list("full_path", "search_text"))
    assert len(rows) == 5
    assert all(search_text == indexed(full_path) for full_path, search_text in rows)
    assert item_names(alice_api.get("/api/items/search?q=etagere")) == []
    assert [row["full_path"] for row in alice_api.get("/api/search?q=chateau etagere").json()["locations"]] == [
        "garage/château/chambre-damis/étagère-2"
    ]


# Whole words, word starts, several words, any case or accents, a type label, a place, a word inside a word, no words.
AGREEING_QUERIES = ["garage", "rain jack", "CAFE", "tools", "shelf garage", "étagère", "ain", "arage", "?!"]


@pytest.mark.parametrize("query", AGREEING_QUERIES)
def test_every_search_like_route_finds_the_same_things(alice, alice_api, query):
    shelf = place(alice, "Home", "Garage", "Étagère")
    make_item(alice, "Red Rain Jacket", item_type=ItemType.CLOTHING_ACCESSORIES, current_location=shelf)
    make_item(alice, "Café Table", item_type=ItemType.FURNITURE_APPLIANCES)
    make_item(alice, "Hammer", item_type=ItemType.TOOLS_EQUIPMENT, current_location=place(alice, "Home", "Garage"))
    make_item(alice, "Garage Remote", item_type=ItemType.TECHNOLOGY, current_location=place(alice, "Home"))
    make_item(alice, "Drainpipe")
    params = urlencode({"q": query})

    listed = alice_api.get(f"/api/items?{params}")
    searched = alice_api.get(f"/api/items/search?{params}")
    everything = alice_api.get(f"/api/search?{params}&limit=50")
    places = alice_api.get(f"/api/locations/search?{params}")

    assert sorted(item_names(listed)) == sorted(item_names(searched)) == sorted(item_names(everything))
    assert [row["full_path"] for row in places.json()] == sorted(
        row["full_path"] for row in everything.json()["locations"]
    )


def test_the_routes_agree_on_what_they_find_for_a_known_query(alice, alice_api):
    make_item(alice, "Cordless Drill", current_location=place(alice, "Home", "Garage", "Workbench"))
    make_item(alice, "Garage Remote")
    make_item(alice, "Drill Bits")

    assert sorted(item_names(alice_api.get("/api/items?q=garage"))) == ["Cordless Drill", "Garage Remote"]
    assert item_names(alice_api.get("/api/items/search?q=garage")) == ["Garage Remote", "Cordless Drill"]
    assert [row["full_path"] for row in alice_api.get("/api/locations/search?q=garage").json()] == [
        "home/garage",
        "home/garage/workbench",
    ]


def assert_full_text_current(user) -> None:
    """Every item's full search text is its own folded text followed by its place's folded path."""
    rows = OwnedItem.objects.filter(user=user).select_related("current_location")
    assert rows.exists()
    for item in rows:
        path = item.current_location.full_path if item.current_location else ""
        assert item.search_text == indexed(item.search_source())
        assert item.full_search_text == item.search_text + indexed(path), item.name


def test_the_full_search_text_follows_every_write_that_places_renames_or_moves(alice, bob, alice_api):
    """The place's words live on each item's row (so one indexed column answers a search): every write that
    changes a name, a place or a place's path keeps them current, through the API and around it."""
    box = place(alice, "Attic", "Box")
    created = alice_api.post("/api/items", item_payload(name="Photo Album", current_location_id=str(box.id)))
    assert created.status_code == 201, created.content
    item_id = created.json()["id"]
    make_items(alice, ["Spare Fuse"], current_location=box)
    place(bob, "Attic", "Box")
    assert_full_text_current(alice)

    alice_api.put(f"/api/locations/{box.parent_id}", {"display_name": "Loft"})  # a rename moves the subtree
    assert_full_text_current(alice)
    garage = place(alice, "Garage")
    alice_api.put(f"/api/locations/{box.id}/move", {"parent_id": str(garage.id)})
    assert_full_text_current(alice)
    alice_api.put(f"/api/items/{item_id}", {"name": "Wedding Album", "current_location_id": str(garage.id)})
    assert_full_text_current(alice)
    alice_api.put(f"/api/items/{item_id}", {"item_type": ItemType.BOOKS_MEDIA})
    assert_full_text_current(alice)

    imported = alice_api.post(
        "/api/import",
        {
            "version": 1,
            "locations": [{"full_path": "shed", "display_name": "Shed"}],
            "items": [item_payload(name="Rake", item_type=ItemType.TOOLS_EQUIPMENT, location_path="shed")],
        },
    )
    assert imported.status_code == 200, imported.content
    assert_full_text_current(alice)

    Location.objects.get(user=alice, full_path="shed").delete()  # around the API (admin, shell): items lose it
    assert OwnedItem.objects.get(user=alice, name="Rake").full_search_text == indexed("Rake Tools & Equipment")
    assert_full_text_current(alice)
    assert item_names(alice_api.get("/api/items?q=shed")) == []
    assert item_names(alice_api.get("/api/items?q=garage box")) == ["Spare Fuse"]
    assert OwnedItem.objects.get(pk=item_id).full_search_text.endswith(" garage")
    assert not OwnedItem.objects.filter(user=bob).exists()
