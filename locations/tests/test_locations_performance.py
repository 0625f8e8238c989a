"""Every location read costs a fixed number of queries whatever the tree's size (docs/design.md "Locations: a
tree stored as materialised paths"): list, tree, search (with item names) and detail stay within their budgets
for 5 and for 500 locations, cost exactly the same number of queries for both sizes, and the tree built for 500
nodes is complete and correctly nested."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.testing import ApiClient, every_item_type, make_items
from items.models import OwnedItem
from locations.models import Location

pytestmark = pytest.mark.django_db

SIZES = [5, 500]
NAMES_AT_FIRST_ROOM = 12  # more than the 10 item names a search result carries


def build_home(user, size: int) -> list[Location]:
    """`home`, then rooms `home/room-NNN`, then one `shelf` under the first rooms: `size` locations, 3 levels."""
    home = Location(user=user, display_name="Home", slug="home", full_path="home", level=0)
    room_count = size // 2
    rooms = [
        Location(
            user=user,
            parent=home,
            display_name=f"Room {n:03d}",
            slug=f"room-{n:03d}",
            full_path=f"home/room-{n:03d}",
            level=1,
        )
        for n in range(room_count)
    ]
    shelves = [
        Location(
            user=user,
            parent=room,
            display_name="Shelf",
            slug="shelf",
            full_path=f"{room.full_path}/shelf",
            level=2,
        )
        for room in rooms[: size - 1 - room_count]
    ]
    Location.objects.bulk_create([home])
    Location.objects.bulk_create(rooms)
    Location.objects.bulk_create(shelves)
    locations = [home, *rooms, *shelves]
    assert len(locations) == size
    return locations


def place_items(user, locations: list[Location]) -> None:
    """One item at every room and shelf, and a dozen at the first room."""
    first_room = locations[1]
    places = [*locations[1:], *[first_room] * (NAMES_AT_FIRST_ROOM - 1)]
    make_items(
        user,
        [f"Item {n:04d}" for n in range(len(places))],
        item_type=every_item_type,
        current_location=lambda n: places[n],
        location_updated_at=datetime(2024, 6, 1, tzinfo=UTC),
    )


def furnished(user, size: int) -> list[Location]:
    locations = build_home(user, size)
    place_items(user, locations)
    return locations


def endpoints(locations: list[Location]) -> dict[str, tuple[str, int]]:
    """Path and query budget per endpoint."""
    first_room = locations[1]
    return {
        "list": ("/api/locations", 3),
        "tree": ("/api/locations/tree", 3),
        "search": ("/api/locations/search?q=room", 4),
        "detail": (f"/api/locations/{first_room.pk}", 2),
    }


def count_nodes(nodes: list[dict]) -> int:
    return sum(1 + count_nodes(node["children"]) for node in nodes)


def walk(nodes: list[dict]):
    for node in nodes:
        yield node
        yield from walk(node["children"])


@pytest.mark.parametrize("size", SIZES)
def test_list_locations_stays_within_3_queries(admin, admin_api, size, django_assert_max_num_queries):
    locations = furnished(admin, size)

    with django_assert_max_num_queries(3):
        response = admin_api.get("/api/locations")

    assert response.status_code == 200
    body = response.json()
    assert len(body) == size
    assert [location["full_path"] for location in body] == sorted(location.full_path for location in locations)
    assert sum(location["item_count"] for location in body) == OwnedItem.objects.filter(user=admin).count()


@pytest.mark.parametrize("size", SIZES)
def test_location_tree_stays_within_3_queries(admin, admin_api, size, django_assert_max_num_queries):
    furnished(admin, size)

    with django_assert_max_num_queries(3):
        response = admin_api.get("/api/locations/tree")

    assert response.status_code == 200
    assert count_nodes(response.json()) == size


@pytest.mark.parametrize("size", SIZES)
def test_location_search_with_many_matches_stays_within_4_queries(
    admin, admin_api, size, django_assert_max_num_queries
):
    locations = furnished(admin, size)

    with django_assert_max_num_queries(4):
        response = admin_api.get("/api/locations/search?q=room")

    assert response.status_code == 200
    body = response.json()
    assert len(body) == size - 1  # every room and shelf, not `home`
    by_path = {result["full_path"]: result for result in body}
    first_room = by_path[locations[1].full_path]
    assert first_room["item_count"] == NAMES_AT_FIRST_ROOM
    assert first_room["item_names"] == [f"Item {n:04d}" for n in [0, *range(size - 1, size + 8)]][:10]
    assert all(len(result["item_names"]) == result["item_count"] == 1 for result in body if result is not first_room)


@pytest.mark.parametrize("size", SIZES)
def test_location_detail_stays_within_2_queries(admin, admin_api, size, django_assert_max_num_queries):
    locations = furnished(admin, size)

    with django_assert_max_num_queries(2):
        response = admin_api.get(f"/api/locations/{locations[1].pk}")

    assert response.status_code == 200
    assert response.json()["full_path"] == "home/room-000"
    assert response.json()["item_count"] == NAMES_AT_FIRST_ROOM


def capture_counts(api: ApiClient, locations: list[Location]) -> dict[str, int]:
    counts = {}
    for name, (path, _budget) in endpoints(locations).items():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(path)
        assert response.status_code == 200, (name, response.content)
        counts[name] = len(queries.captured_queries)
    return counts


def test_every_location_read_costs_the_same_queries_for_5_and_500_locations(alice, alice_api, bob, bob_api):
    small = furnished(alice, 5)
    large = furnished(bob, 500)
    alice_api.get("/api/locations")  # let each user's first authenticated request settle
    bob_api.get("/api/locations")

    small_counts = capture_counts(alice_api, small)
    large_counts = capture_counts(bob_api, large)

    assert small_counts == large_counts
    for name, (_path, budget) in endpoints(small).items():
        assert small_counts[name] <= budget, (name, small_counts[name])


def test_tree_of_500_locations_is_complete_and_correctly_nested(admin, admin_api):
    locations = furnished(admin, 500)

    roots = admin_api.get("/api/locations/tree").json()

    assert count_nodes(roots) == 500
    assert [root["full_path"] for root in roots] == ["home"]
    nodes = list(walk(roots))
    assert {node["id"] for node in nodes} == {str(location.pk) for location in locations}
    for node in nodes:
        names = [child["display_name"] for child in node["children"]]
        assert names == sorted(names)
        for child in node["children"]:
            assert child["parent_id"] == node["id"]
            assert child["level"] == node["level"] + 1
            assert child["full_path"] == f"{node['full_path']}/{child['slug']}"
    home = roots[0]
    assert len(home["children"]) == 250
    assert sum(1 for room in home["children"] if room["children"]) == 249
    assert home["item_count"] == 0
    assert sum(node["item_count"] for node in nodes) == OwnedItem.objects.filter(user=admin).count() == 510


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plan")
def test_item_counts_per_place_read_only_the_owners_items_whatever_others_store(alice, bob, alice_api):
    """The tree's per-place counts must not scan other people's items: with 20,000 of bob's items in the
    table, the plan reaches alice's items through an index on their owner and never reads the whole table
    (before, a LEFT JOIN on the location alone read the items of every place through current_location)."""
    homes = furnished(alice, 5)
    bobs = build_home(bob, 5)
    make_items(bob, 20_000, current_location=lambda n: bobs[n % len(bobs)])
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OwnedItem._meta.db_table}")
    with CaptureQueriesContext(connection) as queries:
        tree = alice_api.get("/api/locations/tree")
    assert tree.status_code == 200
    counted = next(query["sql"] for query in queries.captured_queries if "COUNT(" in query["sql"].upper())

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {counted}")
        plan = "\n".join(row[0] for row in cursor.fetchall())

    table = OwnedItem._meta.db_table
    assert f"Seq Scan on {table}" not in plan, plan
    # Every read of the items table goes through an index whose condition starts with the owner.
    item_index = rf"(?:Scan using \w+ on {table} \w+|Bitmap Index Scan on (?:{table}|item)_\w+)"
    conditions = re.findall(rf"{item_index}.*\n(?:\s+Recheck Cond.*\n)?\s+Index Cond: \((\w+)", plan)
    assert conditions, plan
    assert set(conditions) == {"user_id"}, plan
    assert (
        sum(node["item_count"] for node in walk(tree.json()))
        == OwnedItem.objects.filter(user=alice, current_location__in=homes).count()
    )
