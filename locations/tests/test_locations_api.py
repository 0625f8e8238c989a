"""Location endpoints through HTTP (spec "Location Endpoints"; docs/design.md "Errors" and "Locations: a tree
stored as materialised paths"): the exact JSON of a created location, slugs and display-name validation, path
uniqueness among siblings, list / get / tree with direct item counts, rename and move rewriting the subtree
(and changing nothing when refused), delete guards, search with item names, object-level authorization
(another user's location is a 404, or a 400 when referenced from a body) and 401 without a token."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
import time_machine
from django.db.models import RestrictedError

from config.testing import ApiClient, api_for, assert_validation_error, create_location, make_item, make_items
from items.models import OwnedItem
from locations.models import Location
from locations.services import LocationService

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 1, 8, 16, 0, tzinfo=UTC)
NOW_JSON = "2025-01-08T16:00:00Z"
LOCATION_KEYS = {
    "id",
    "slug",
    "display_name",
    "full_path",
    "parent_id",
    "level",
    "item_count",
    "created_at",
    "updated_at",
}
SEARCH_KEYS = {"id", "slug", "display_name", "full_path", "level", "item_count", "item_names"}


# --- helpers ----------------------------------------------------------------------------------------
def snapshot(user) -> list[tuple]:
    """Everything a write could change, for every location of `user`."""
    return list(
        Location.objects.filter(user=user)
        .order_by("full_path")
        .values_list("id", "parent_id", "display_name", "slug", "full_path", "level", "updated_at")
    )


def paths(user) -> dict[str, tuple[str, int]]:
    """display_name -> (full_path, level) for every location of `user`."""
    return {
        name: (path, level)
        for name, path, level in Location.objects.filter(user=user).values_list("display_name", "full_path", "level")
    }


def location_id(user, full_path: str) -> uuid.UUID:
    return Location.objects.get(user=user, full_path=full_path).id


@pytest.fixture
def home(alice_api) -> dict:
    """alice's tree: home/{bedroom/closet, living-room}, garage."""
    root = create_location(alice_api, "Home")
    bedroom = create_location(alice_api, "Bedroom", root)
    return {
        "home": root,
        "bedroom": bedroom,
        "closet": create_location(alice_api, "Closet", bedroom),
        "living": create_location(alice_api, "Living Room", root),
        "garage": create_location(alice_api, "Garage"),
    }


# --- POST /api/locations --------------------------------------------------------------------------
def test_create_root_child_and_grandchild_return_201_with_the_exact_location_json(alice):
    with time_machine.travel(NOW, tick=False):
        api = api_for(alice)
        root = api.post("/api/locations", {"display_name": "Home", "parent_id": None})
        root_id = root.json()["id"]
        child = api.post("/api/locations", {"display_name": "Master Bedroom", "parent_id": root_id})
        child_id = child.json()["id"]
        grandchild = api.post("/api/locations", {"display_name": "Closet", "parent_id": child_id})

    assert (root.status_code, child.status_code, grandchild.status_code) == (201, 201, 201)
    assert root.json() == {
        "id": root_id,
        "slug": "home",
        "display_name": "Home",
        "full_path": "home",
        "parent_id": None,
        "level": 0,
        "item_count": 0,
        "created_at": NOW_JSON,
        "updated_at": NOW_JSON,
    }
    assert child.json() == {
        "id": child_id,
        "slug": "master-bedroom",
        "display_name": "Master Bedroom",
        "full_path": "home/master-bedroom",
        "parent_id": root_id,
        "level": 1,
        "item_count": 0,
        "created_at": NOW_JSON,
        "updated_at": NOW_JSON,
    }
    grandchild_id = grandchild.json()["id"]
    assert grandchild.json() == {
        "id": grandchild_id,
        "slug": "closet",
        "display_name": "Closet",
        "full_path": "home/master-bedroom/closet",
        "parent_id": child_id,
        "level": 2,
        "item_count": 0,
        "created_at": NOW_JSON,
        "updated_at": NOW_JSON,
    }
    stored = Location.objects.get(pk=grandchild_id)
    assert (stored.user_id, str(stored.parent_id), stored.full_path, stored.level) == (
        alice.id,
        child_id,
        "home/master-bedroom/closet",
        2,
    )


@pytest.mark.parametrize(
    ("display_name", "slug"),
    [
        ("Kid's Room", "kids-room"),
        ("客厅", "客厅"),
        ("📦", "location"),
        ("Bed   Room", "bed-room"),
        ("Café Ünder", "café-ünder"),
    ],
)
def test_create_slugifies_the_display_name_keeping_unicode_and_falling_back_to_location(alice_api, display_name, slug):
    body = create_location(alice_api, display_name)

    assert (body["display_name"], body["slug"], body["full_path"], body["level"]) == (display_name, slug, slug, 0)


def test_create_child_with_unicode_and_emoji_names_builds_the_path_from_their_slugs(alice_api):
    living = create_location(alice_api, "客厅")
    box = create_location(alice_api, "📦", living)

    assert box["full_path"] == "客厅/location"
    assert alice_api.get(f"/api/locations/{box['id']}").json()["full_path"] == "客厅/location"


def test_create_trims_the_display_name(alice_api):
    body = create_location(alice_api, "   Garage \t ")

    assert (body["display_name"], body["slug"]) == ("Garage", "garage")
    assert Location.objects.get(pk=body["id"]).display_name == "Garage"


def test_create_accepts_a_100_character_display_name(alice_api):
    name = "a" * 100

    body = create_location(alice_api, name)

    assert (body["display_name"], body["slug"]) == (name, name)


@pytest.mark.parametrize(
    "payload",
    [
        {"display_name": "a" * 101},
        {"display_name": ""},
        {"display_name": "   "},
        {"display_name": "Kit\x00chen"},
        {"display_name": "Kit\nchen"},
        {"display_name": "Kit\tchen"},
        {"display_name": "Kit\x7fchen"},
        {"display_name": None},
        {"display_name": 42},
        {"parent_id": None},
        {"display_name": "Attic", "parent_id": "not-a-uuid"},
    ],
    ids=[
        "101-chars",
        "empty",
        "whitespace",
        "nul",
        "newline",
        "tab",
        "del",
        "null",
        "number",
        "missing",
        "bad-parent-id",
    ],
)
def test_create_with_an_invalid_body_returns_400_and_writes_nothing(alice, alice_api, payload):
    response = alice_api.post("/api/locations", payload)

    assert_validation_error(response)
    assert not Location.objects.filter(user=alice).exists()


def test_create_with_malformed_json_returns_400(alice, alice_api):
    response = alice_api.post("/api/locations", '{"display_name": "Attic"')

    assert response.status_code == 400
    assert not Location.objects.filter(user=alice).exists()


def test_create_under_an_unknown_parent_returns_400(alice, alice_api):
    response = alice_api.post("/api/locations", {"display_name": "Attic", "parent_id": str(uuid.uuid4())})

    assert response.status_code == 400
    assert "parent_id" in response.json()["detail"]
    assert not Location.objects.filter(user=alice).exists()


def test_create_allows_the_same_name_under_two_different_parents(alice_api):
    home = create_location(alice_api, "Home")
    office = create_location(alice_api, "Office")

    first = create_location(alice_api, "Closet", home)
    second = create_location(alice_api, "Closet", office)

    assert (first["full_path"], second["full_path"]) == ("home/closet", "office/closet")


@pytest.mark.parametrize(
    ("existing", "duplicate", "slug"),
    [("Bedroom", "Bedroom", "bedroom"), ("Bed Room", "bed-room", "bed-room"), ("📦", "Location", "location")],
)
def test_create_sibling_whose_slug_is_taken_returns_400_naming_the_path(alice, alice_api, existing, duplicate, slug):
    home = create_location(alice_api, "Home")
    create_location(alice_api, existing, home)
    before = snapshot(alice)

    response = alice_api.post("/api/locations", {"display_name": duplicate, "parent_id": home["id"]})

    assert response.status_code == 400
    assert f"home/{slug}" in response.json()["detail"]
    assert snapshot(alice) == before


def test_create_second_root_with_the_same_name_returns_400(alice, alice_api):
    create_location(alice_api, "Home")

    response = alice_api.post("/api/locations", {"display_name": "HOME", "parent_id": None})

    assert response.status_code == 400
    assert "home" in response.json()["detail"]
    assert Location.objects.filter(user=alice).count() == 1


def test_create_same_root_name_as_another_user_is_allowed(alice_api, bob_api):
    create_location(alice_api, "Home")

    assert create_location(bob_api, "Home")["full_path"] == "home"


def test_create_name_whose_slug_expands_beyond_100_characters_never_answers_500(alice, alice_api):
    """NFKC turns "㍿" into "株式会社": 30 characters of name become a 120-character slug."""
    name = "㍿" * 30

    response = alice_api.post("/api/locations", {"display_name": name, "parent_id": None})

    assert response.status_code in (201, 400), response.content
    if response.status_code == 201:
        stored = Location.objects.get(user=alice)
        assert stored.display_name == name
        assert stored.slug == stored.full_path == response.json()["slug"]
        assert 0 < len(stored.slug) <= 100
        assert set(stored.slug) <= set("株式会社")


# --- GET /api/locations, GET /api/locations/{id} -----------------------------------------------------
def test_list_is_ordered_by_full_path_and_counts_only_items_directly_at_each_location(alice, alice_api, home):
    make_item(alice, "Key bowl", current_location_id=home["home"]["id"])
    make_items(alice, ["Pillow", "Blanket"], current_location_id=home["bedroom"]["id"])
    make_items(alice, ["Coat", "Scarf", "Boots"], current_location_id=home["closet"]["id"])
    make_item(alice, "Nowhere")

    response = alice_api.get("/api/locations")

    assert response.status_code == 200
    body = response.json()
    assert [(row["full_path"], row["level"], row["item_count"]) for row in body] == [
        ("garage", 0, 0),
        ("home", 0, 1),
        ("home/bedroom", 1, 2),
        ("home/bedroom/closet", 2, 3),
        ("home/living-room", 1, 0),
    ]
    assert all(set(row) == LOCATION_KEYS for row in body)
    by_path = {row["full_path"]: row for row in body}
    assert by_path["home/bedroom/closet"]["parent_id"] == home["bedroom"]["id"]
    assert by_path["home"]["parent_id"] is None


def test_list_is_empty_for_a_user_without_locations(alice_api):
    response = alice_api.get("/api/locations")

    assert (response.status_code, response.json()) == (200, [])


def test_get_returns_the_location_with_its_direct_item_count(alice, alice_api, home):
    make_items(alice, ["Pillow", "Blanket"], current_location_id=home["bedroom"]["id"])
    make_item(alice, "Coat", current_location_id=home["closet"]["id"])

    response = alice_api.get(f"/api/locations/{home['bedroom']['id']}")

    assert response.status_code == 200
    assert response.json() == {**home["bedroom"], "item_count": 2}


def test_get_unknown_location_returns_404(alice_api, home):
    response = alice_api.get(f"/api/locations/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Location not found"}


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("put", "", {"display_name": "Attic"}),
        ("put", "/move", {"parent_id": None}),
        ("delete", "", None),
    ],
)
def test_non_uuid_location_id_returns_400(alice_api, home, method, suffix, body):
    api_call = getattr(alice_api, method)
    args = (f"/api/locations/not-a-uuid{suffix}",) + ((body,) if body is not None else ())

    response = api_call(*args)

    assert_validation_error(response)


# --- GET /api/locations/tree ------------------------------------------------------------------------
def test_tree_nests_children_ordered_by_display_name_with_item_counts(alice, alice_api):
    home = create_location(alice_api, "Home")
    study = create_location(alice_api, "Study", home)
    attic = create_location(alice_api, "Attic", home)
    shelf = create_location(alice_api, "Shelf", study)
    desk = create_location(alice_api, "Desk", study)
    garage = create_location(alice_api, "Garage")
    make_items(alice, ["Lamp", "Chair"], current_location_id=study["id"])
    make_item(alice, "Pen", current_location_id=desk["id"])

    response = alice_api.get("/api/locations/tree")

    def node(location: dict, item_count: int, children: list) -> dict:
        return {
            "id": location["id"],
            "slug": location["slug"],
            "display_name": location["display_name"],
            "full_path": location["full_path"],
            "level": location["level"],
            "parent_id": location["parent_id"],
            "item_count": item_count,
            "children": children,
        }

    assert response.status_code == 200
    assert response.json() == [
        node(garage, 0, []),
        node(
            home,
            0,
            [
                node(attic, 0, []),
                node(study, 2, [node(desk, 1, []), node(shelf, 0, [])]),
            ],
        ),
    ]


def test_tree_is_empty_for_a_user_without_locations(alice_api):
    response = alice_api.get("/api/locations/tree")

    assert (response.status_code, response.json()) == (200, [])


# --- PUT /api/locations/{id} (rename) -------------------------------------------------------------
def test_rename_regenerates_the_slug_and_rewrites_descendant_paths_keeping_levels(alice, alice_api, home):
    create_location(alice_api, "Shoe Box", home["closet"])

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}", {"display_name": "  Master Bedroom "})

    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in ("id", "slug", "display_name", "full_path", "parent_id", "level")} == {
        "id": home["bedroom"]["id"],
        "slug": "master-bedroom",
        "display_name": "Master Bedroom",
        "full_path": "home/master-bedroom",
        "parent_id": home["home"]["id"],
        "level": 1,
    }
    assert set(body) == LOCATION_KEYS
    assert paths(alice) == {
        "Home": ("home", 0),
        "Master Bedroom": ("home/master-bedroom", 1),
        "Closet": ("home/master-bedroom/closet", 2),
        "Shoe Box": ("home/master-bedroom/closet/shoe-box", 3),
        "Living Room": ("home/living-room", 1),
        "Garage": ("garage", 0),
    }


def test_rename_root_rewrites_the_whole_tree_below_it(alice, alice_api, home):
    response = alice_api.put(f"/api/locations/{home['home']['id']}", {"display_name": "Flat"})

    assert response.status_code == 200
    assert paths(alice) == {
        "Flat": ("flat", 0),
        "Bedroom": ("flat/bedroom", 1),
        "Closet": ("flat/bedroom/closet", 2),
        "Living Room": ("flat/living-room", 1),
        "Garage": ("garage", 0),
    }


def test_rename_to_a_name_with_the_same_slug_only_changes_the_display_name(alice, alice_api, home):
    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}", {"display_name": "BEDROOM"})

    assert response.status_code == 200
    assert (response.json()["display_name"], response.json()["slug"]) == ("BEDROOM", "bedroom")
    assert paths(alice)["Closet"] == ("home/bedroom/closet", 2)


def test_rename_keeps_the_item_count(alice, alice_api, home):
    make_item(alice, "Pillow", current_location_id=home["bedroom"]["id"])

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}", {"display_name": "Guest Room"})

    assert response.json()["item_count"] == 1


@pytest.mark.parametrize("name", ["Living Room", "living-room", "LIVING room"])
def test_rename_to_a_sibling_name_returns_400_naming_the_path_and_changes_nothing(alice, alice_api, home, name):
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}", {"display_name": name})

    assert response.status_code == 400
    assert "home/living-room" in response.json()["detail"]
    assert snapshot(alice) == before


@pytest.mark.parametrize("payload", [{"display_name": ""}, {"display_name": "a" * 101}, {}, {"display_name": "a\x00"}])
def test_rename_with_an_invalid_body_returns_400_and_changes_nothing(alice, alice_api, home, payload):
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}", payload)

    assert_validation_error(response)
    assert snapshot(alice) == before


def test_rename_unknown_location_returns_404(alice_api):
    response = alice_api.put(f"/api/locations/{uuid.uuid4()}", {"display_name": "Attic"})

    assert response.status_code == 404


# --- PUT /api/locations/{id}/move -----------------------------------------------------------------
def test_move_under_another_parent_rewrites_the_subtree_paths_and_levels(alice, alice_api, home):
    shelf = create_location(alice_api, "Shelf", home["garage"])

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}/move", {"parent_id": shelf["id"]})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["full_path"], body["level"], body["parent_id"], body["slug"]) == (
        "garage/shelf/bedroom",
        2,
        shelf["id"],
        "bedroom",
    )
    assert set(body) == LOCATION_KEYS
    assert paths(alice) == {
        "Home": ("home", 0),
        "Living Room": ("home/living-room", 1),
        "Garage": ("garage", 0),
        "Shelf": ("garage/shelf", 1),
        "Bedroom": ("garage/shelf/bedroom", 2),
        "Closet": ("garage/shelf/bedroom/closet", 3),
    }
    assert str(Location.objects.get(pk=home["bedroom"]["id"]).parent_id) == shelf["id"]


def test_move_to_root_with_a_null_parent(alice, alice_api, home):
    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}/move", {"parent_id": None})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["full_path"], body["level"], body["parent_id"]) == ("bedroom", 0, None)
    assert paths(alice) == {
        "Home": ("home", 0),
        "Living Room": ("home/living-room", 1),
        "Garage": ("garage", 0),
        "Bedroom": ("bedroom", 0),
        "Closet": ("bedroom/closet", 1),
    }
    assert Location.objects.get(pk=home["bedroom"]["id"]).parent_id is None


def test_move_root_under_another_root_deepens_its_subtree(alice, alice_api, home):
    response = alice_api.put(f"/api/locations/{home['home']['id']}/move", {"parent_id": home["garage"]["id"]})

    assert response.status_code == 200
    assert paths(alice) == {
        "Garage": ("garage", 0),
        "Home": ("garage/home", 1),
        "Bedroom": ("garage/home/bedroom", 2),
        "Closet": ("garage/home/bedroom/closet", 3),
        "Living Room": ("garage/home/living-room", 2),
    }


def test_move_to_its_current_parent_changes_no_path(alice, alice_api, home):
    before = {row[0]: row[4:6] for row in snapshot(alice)}

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}/move", {"parent_id": home["home"]["id"]})

    assert response.status_code == 200
    assert {row[0]: row[4:6] for row in snapshot(alice)} == before


@pytest.mark.parametrize("target", ["home", "bedroom", "closet"])
def test_move_under_itself_or_a_descendant_returns_400_and_leaves_the_tree_unchanged(alice, alice_api, home, target):
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{home['home']['id']}/move", {"parent_id": home[target]["id"]})

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert snapshot(alice) == before


def test_move_under_a_location_whose_path_merely_starts_with_the_same_text_is_allowed(alice, alice_api):
    home = create_location(alice_api, "Home")
    annex = create_location(alice_api, "Home Annex")

    response = alice_api.put(f"/api/locations/{home['id']}/move", {"parent_id": annex["id"]})

    assert response.status_code == 200
    assert response.json()["full_path"] == "home-annex/home"


def test_move_colliding_with_an_existing_sibling_path_returns_400_and_changes_nothing(alice, alice_api, home):
    create_location(alice_api, "Bedroom", home["garage"])
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}/move", {"parent_id": home["garage"]["id"]})

    assert response.status_code == 400
    assert "garage/bedroom" in response.json()["detail"]
    assert snapshot(alice) == before


def test_move_to_root_colliding_with_an_existing_root_returns_400_and_changes_nothing(alice, alice_api, home):
    create_location(alice_api, "Garage", home["home"])
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{location_id(alice, 'home/garage')}/move", {"parent_id": None})

    assert response.status_code == 400
    assert '"garage"' in response.json()["detail"]
    assert snapshot(alice) == before


def test_move_under_an_unknown_parent_returns_400_and_changes_nothing(alice, alice_api, home):
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}/move", {"parent_id": str(uuid.uuid4())})

    assert response.status_code == 400
    assert "parent_id" in response.json()["detail"]
    assert snapshot(alice) == before


@pytest.mark.parametrize("payload", [{}, {"parent_id": "nope"}, {"parent_id": 5}])
def test_move_with_an_invalid_body_returns_400_and_changes_nothing(alice, alice_api, home, payload):
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{home['bedroom']['id']}/move", payload)

    assert_validation_error(response)
    assert snapshot(alice) == before


def test_move_unknown_location_returns_404(alice_api, home):
    response = alice_api.put(f"/api/locations/{uuid.uuid4()}/move", {"parent_id": home["home"]["id"]})

    assert response.status_code == 404


# --- DELETE /api/locations/{id} -------------------------------------------------------------------
def test_delete_empty_location_returns_200_with_the_success_message(alice, alice_api, home):
    response = alice_api.delete(f"/api/locations/{home['closet']['id']}")

    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Location deleted successfully"}
    assert not Location.objects.filter(pk=home["closet"]["id"]).exists()
    assert Location.objects.filter(user=alice).count() == 4


@pytest.mark.parametrize("count", [1, 3])
def test_delete_location_with_items_returns_400_with_the_item_count(alice, alice_api, home, count):
    make_items(alice, [f"Coat {n}" for n in range(count)], current_location_id=home["closet"]["id"])
    before = snapshot(alice)

    response = alice_api.delete(f"/api/locations/{home['closet']['id']}")

    assert response.status_code == 400
    assert response.json() == {"detail": f"Cannot delete location with items. This location contains {count} item(s)."}
    assert snapshot(alice) == before
    assert OwnedItem.objects.filter(current_location_id=home["closet"]["id"]).count() == count


def test_delete_location_with_children_returns_400_with_the_child_count(alice, alice_api, home):
    before = snapshot(alice)

    response = alice_api.delete(f"/api/locations/{home['home']['id']}")

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot delete location with children. This location has 2 child location(s)."}
    assert snapshot(alice) == before


def test_delete_location_with_one_child_and_items_only_below_it_counts_direct_children(alice, alice_api, home):
    make_item(alice, "Coat", current_location_id=home["closet"]["id"])

    response = alice_api.delete(f"/api/locations/{home['bedroom']['id']}")

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot delete location with children. This location has 1 child location(s)."}


def test_delete_unknown_location_returns_404(alice_api):
    response = alice_api.delete(f"/api/locations/{uuid.uuid4()}")

    assert response.status_code == 404


def test_deleted_location_is_gone_from_list_and_tree(alice_api, home):
    alice_api.delete(f"/api/locations/{home['living']['id']}")

    assert "home/living-room" not in [row["full_path"] for row in alice_api.get("/api/locations").json()]
    tree = alice_api.get("/api/locations/tree").json()
    assert [child["slug"] for child in tree[1]["children"]] == ["bedroom"]
    assert alice_api.get(f"/api/locations/{home['living']['id']}").status_code == 404


# --- GET /api/locations/search --------------------------------------------------------------------
def search(api: ApiClient, query: str) -> list[dict]:
    response = api.get(f"/api/locations/search?{urlencode({'q': query})}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert all(set(row) == SEARCH_KEYS for row in body)
    return body


def test_search_by_slug_fragment_finds_paths_containing_it(alice_api, home):
    body = search(alice_api, "bed")

    assert sorted(row["full_path"] for row in body) == ["home/bedroom", "home/bedroom/closet"]


def test_search_result_has_the_exact_shape(alice, alice_api, home):
    make_items(alice, ["Drill", "Bike"], current_location_id=home["garage"]["id"])

    assert search(alice_api, "garage") == [
        {
            "id": home["garage"]["id"],
            "slug": "garage",
            "display_name": "Garage",
            "full_path": "garage",
            "level": 0,
            "item_count": 2,
            "item_names": ["Bike", "Drill"],
        }
    ]


@pytest.mark.parametrize("query", ["living room", "Living Room", "LIVING ROOM", "living-room", "LiViNg"])
def test_search_by_display_name_with_spaces_is_case_insensitive(alice_api, home, query):
    body = search(alice_api, query)

    assert [(row["display_name"], row["full_path"]) for row in body] == [("Living Room", "home/living-room")]


@pytest.mark.parametrize("query", ["BED", "Bed", "bEdRoOm"])
def test_search_by_path_is_case_insensitive(alice_api, home, query):
    assert sorted(row["full_path"] for row in search(alice_api, query)) == ["home/bedroom", "home/bedroom/closet"]


def test_search_matches_a_display_name_that_is_not_in_the_path(alice_api):
    create_location(alice_api, "Kid's Room")

    assert [row["full_path"] for row in search(alice_api, "kid's")] == ["kids-room"]


def test_search_words_must_start_words_of_the_path_in_any_order_case_or_accents(alice_api, home):
    create_location(alice_api, "Étagère", create_location(alice_api, "Cellar"))

    assert [row["full_path"] for row in search(alice_api, "room liv")] == ["home/living-room"]
    assert [row["full_path"] for row in search(alice_api, "ETAGERE")] == ["cellar/étagère"]
    assert search(alice_api, "ving") == []  # inside a word is not a match
    assert search(alice_api, "?!") == []  # no words


def test_search_with_no_match_returns_an_empty_list(alice_api, home):
    assert search(alice_api, "basement") == []


def test_search_item_names_are_sorted_by_name_and_capped_at_10(alice, alice_api, home):
    names = [f"Item {letter}" for letter in "LKJIHGFEDCBA"]
    make_items(alice, names, current_location_id=home["closet"]["id"])
    make_item(alice, "Pillow", current_location_id=home["bedroom"]["id"])

    by_path = {row["full_path"]: row for row in search(alice_api, "closet")}

    assert list(by_path) == ["home/bedroom/closet"]
    closet = by_path["home/bedroom/closet"]
    assert closet["item_count"] == 12
    assert closet["item_names"] == sorted(names)[:10]


def test_search_item_names_list_only_items_directly_at_the_location(alice, alice_api, home):
    make_items(alice, ["Pillow", "Blanket"], current_location_id=home["bedroom"]["id"])
    make_item(alice, "Coat", current_location_id=home["closet"]["id"])

    by_path = {row["full_path"]: row for row in search(alice_api, "bed")}

    assert (by_path["home/bedroom"]["item_count"], by_path["home/bedroom"]["item_names"]) == (2, ["Blanket", "Pillow"])
    assert (by_path["home/bedroom/closet"]["item_count"], by_path["home/bedroom/closet"]["item_names"]) == (1, ["Coat"])


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "   "}, {"q": "a" * 101}, {"q": "bed\x00"}],
    ids=["missing", "empty", "whitespace", "101-chars", "control-char"],
)
def test_search_with_a_missing_or_invalid_query_returns_400(alice_api, home, params):
    response = alice_api.get(f"/api/locations/search?{urlencode(params)}")

    assert_validation_error(response)


def test_search_accepts_a_100_character_query(alice_api, home):
    assert search(alice_api, "a" * 100) == []


def test_search_never_returns_another_users_locations_or_item_names(alice, alice_api, bob, bob_api, home):
    bob_bedroom = create_location(bob_api, "Bedroom", create_location(bob_api, "Home"))
    make_item(bob, "Bob's secret", current_location_id=bob_bedroom["id"])
    make_item(alice, "Pillow", current_location_id=home["bedroom"]["id"])

    alice_results = search(alice_api, "bed")
    bob_results = search(bob_api, "bed")

    assert {row["id"] for row in alice_results} == {home["bedroom"]["id"], home["closet"]["id"]}
    assert [row["item_names"] for row in alice_results if row["id"] == home["bedroom"]["id"]] == [["Pillow"]]
    assert [(row["id"], row["item_names"]) for row in bob_results] == [(bob_bedroom["id"], ["Bob's secret"])]


# --- Object-level authorization and authentication --------------------------------------------------
def test_another_user_cannot_read_rename_move_or_delete_a_location_and_gets_404(alice, alice_api, bob_api, home):
    bob_root = create_location(bob_api, "Shed")
    before = snapshot(alice)
    tree_before = alice_api.get("/api/locations/tree").json()
    target = home["bedroom"]["id"]

    responses = [
        bob_api.get(f"/api/locations/{target}"),
        bob_api.put(f"/api/locations/{target}", {"display_name": "Hacked"}),
        bob_api.put(f"/api/locations/{target}/move", {"parent_id": None}),
        bob_api.put(f"/api/locations/{target}/move", {"parent_id": bob_root["id"]}),
        bob_api.delete(f"/api/locations/{home['closet']['id']}"),
    ]

    assert [response.status_code for response in responses] == [404, 404, 404, 404, 404]
    assert all(response.json() == {"detail": "Location not found"} for response in responses)
    assert snapshot(alice) == before
    assert alice_api.get("/api/locations/tree").json() == tree_before


def test_another_user_cannot_move_own_location_under_or_create_a_child_in_someone_elses(
    alice, alice_api, bob, bob_api, home
):
    bob_root = create_location(bob_api, "Shed")
    before = snapshot(alice)
    bob_before = snapshot(bob)
    tree_before = alice_api.get("/api/locations/tree").json()

    moved = bob_api.put(f"/api/locations/{bob_root['id']}/move", {"parent_id": home["bedroom"]["id"]})
    created = bob_api.post("/api/locations", {"display_name": "Spy", "parent_id": home["bedroom"]["id"]})

    assert (moved.status_code, created.status_code) == (400, 400)
    assert "parent_id" in moved.json()["detail"]
    assert "parent_id" in created.json()["detail"]
    assert snapshot(alice) == before
    assert snapshot(bob) == bob_before
    assert alice_api.get("/api/locations/tree").json() == tree_before


def test_lists_and_trees_only_show_the_callers_locations(alice_api, bob_api, home):
    create_location(bob_api, "Shed")

    assert [row["full_path"] for row in bob_api.get("/api/locations").json()] == ["shed"]
    assert [node["full_path"] for node in bob_api.get("/api/locations/tree").json()] == ["shed"]
    assert "shed" not in [row["full_path"] for row in alice_api.get("/api/locations").json()]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/locations", None),
        ("post", "/api/locations", {"display_name": "Attic"}),
        ("get", "/api/locations/tree", None),
        ("get", "/api/locations/search?q=bed", None),
        ("get", "/api/locations/{id}", None),
        ("put", "/api/locations/{id}", {"display_name": "Attic"}),
        ("put", "/api/locations/{id}/move", {"parent_id": None}),
        ("delete", "/api/locations/{id}", None),
    ],
)
def test_every_location_endpoint_requires_authentication(alice, anon_api, home, method, path, body):
    before = snapshot(alice)
    api_call = getattr(anon_api, method)
    url = path.replace("{id}", home["closet"]["id"])

    response = api_call(url, body) if body is not None else api_call(url)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)
    assert snapshot(alice) == before


def test_an_invalid_token_is_refused_with_401(home):
    response = ApiClient("not-a-jwt").get("/api/locations")

    assert response.status_code == 401


# --- Query budget (a fixed number of queries whatever the tree's size) ------------------------------
@pytest.mark.parametrize("size", [3, 60])
@pytest.mark.parametrize(
    ("path", "budget"),
    [("/api/locations", 3), ("/api/locations/tree", 3), ("/api/locations/search?q=room", 4)],
)
def test_reads_cost_the_same_number_of_queries_whatever_the_tree_size(
    alice, alice_api, size, path, budget, django_assert_max_num_queries
):
    parent = None
    for n in range(size):
        location = Location.objects.create(
            user=alice,
            parent=parent,
            display_name=f"Room {n}",
            slug=f"room-{n}",
            full_path=f"{parent.full_path}/room-{n}" if parent else f"room-{n}",
            level=parent.level + 1 if parent else 0,
        )
        make_item(alice, f"Thing {n}", current_location=location)
        parent = location if location.level < 5 else None

    with django_assert_max_num_queries(budget):
        response = alice_api.get(path)

    assert response.status_code == 200


def test_deleting_a_user_removes_their_whole_location_tree(alice, bob):
    home = LocationService.create(user=alice, display_name="Home")
    bedroom = LocationService.create(user=alice, display_name="Bedroom", parent_id=home.pk)
    LocationService.create(user=alice, display_name="Closet", parent_id=bedroom.pk)
    LocationService.create(user=bob, display_name="Garage")

    alice.delete()

    assert list(Location.objects.values_list("full_path", flat=True)) == ["garage"]


def test_a_parent_location_cannot_be_deleted_on_its_own(alice):
    home = LocationService.create(user=alice, display_name="Home")
    LocationService.create(user=alice, display_name="Bedroom", parent_id=home.pk)

    with pytest.raises(RestrictedError):
        home.delete()

    assert Location.objects.filter(user=alice).count() == 2
