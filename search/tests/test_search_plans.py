"""A person's search reads only their own rows, whatever other people store: on PostgreSQL, with 20,000 of
bob's items and 2,000 of his places that match the same words, every scan of the items and locations tables in the
plans of alice's searches touches at most alice's rows (rows returned plus rows filtered out, over all loops).
Before the place's words were copied onto the item's row, matching an item by its place joined the places
and ORed across the join, which no index could serve."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.testing import every_item_type, make_items
from items.models import OwnedItem
from locations.models import Location

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans"),
]

SEARCHES = [
    "/api/items?q=room",
    "/api/items?q=red+room",
    "/api/items/search?q=room",
    "/api/items/search?q=jacket+room",
    "/api/search?q=room",
    "/api/locations/search?q=room",
]
SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


def home(user, rooms: int) -> list[Location]:
    """`home` and `rooms` rooms under it (`home/room-N`), inserted in two queries."""
    root = Location.objects.create(user=user, display_name="Home")
    rooms_below = [
        Location(
            user=user, parent=root, display_name=f"Room {n}", slug=f"room-{n}", full_path=f"home/room-{n}", level=1
        )
        for n in range(rooms)
    ]
    return [root, *Location.objects.bulk_create(rooms_below)]


def rows_touched(plan: dict, tables: set[str]) -> dict[str, int]:
    """Rows each table's scans read in an EXPLAIN ANALYZE plan: returned plus filtered out, times loops."""
    touched = dict.fromkeys(tables, 0)
    stack = [plan]
    while stack:
        node = stack.pop()
        if node["Node Type"] in SCANS and node.get("Relation Name") in tables:
            read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read += node.get("Rows Removed by Index Recheck", 0)
            touched[node["Relation Name"]] += read * node["Actual Loops"]
        stack.extend(node.get("Plans", []))
    return touched


def test_searches_touch_only_the_callers_rows_whatever_others_store(alice, bob, alice_api):
    alices_places = home(alice, 3)
    make_items(alice, ["Red Rain Jacket", "Room Divider", "Desk Lamp"], current_location=alices_places[1])
    make_items(alice, ["Spare Fuse", "Red Mug"])
    bobs_places = home(bob, 2_000)
    make_items(
        bob,
        [f"Red Room Jacket {n}" for n in range(20_000)],
        current_location=lambda n: bobs_places[n % len(bobs_places)],
        item_type=every_item_type,
    )
    tables = {OwnedItem._meta.db_table, Location._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OwnedItem._meta.db_table}; ANALYZE {Location._meta.db_table}")
    own = {OwnedItem._meta.db_table: 5, Location._meta.db_table: len(alices_places)}

    for path in SEARCHES:
        with CaptureQueriesContext(connection) as queries:
            response = alice_api.get(path)
        assert response.status_code == 200, response.content
        searched = [query["sql"] for query in queries.captured_queries if " LIKE " in query["sql"]]
        assert searched, path
        for sql in searched:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
                plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            touched = rows_touched(plan[0]["Plan"], tables)
            assert all(touched[table] <= own[table] for table in tables), (path, touched, sql)

    found = alice_api.get("/api/items/search?q=room").json()
    assert sorted(row["name"] for row in found) == ["Desk Lamp", "Red Rain Jacket", "Room Divider"]
