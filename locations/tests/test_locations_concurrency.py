"""Location writes under concurrency: whatever runs at the same time, the tree stays a tree.

Each round releases several requests at once, each in its own thread with its own database connection
(on PostgreSQL these are real concurrent transactions), through the HTTP API. Afterwards the whole tree is
checked: every location's path is its parent's path plus its slug, its level its parent's plus one, no
location is its own ancestor, and the tree endpoint answers. A write that loses a race is a 400 or a 409,
never a 500.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from config.testing import ITEM_PAYLOAD, ApiClient, api_for, create_location, run_together
from items.models import OwnedItem
from locations.models import Location

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]  # threads racing on transactions

ROUNDS = 20
LOST_RACE = {400, 409}


def assert_tree_is_consistent(user) -> None:
    rows = {row["id"]: row for row in Location.objects.filter(user=user).values()}
    for row in rows.values():
        parent = rows.get(row["parent_id"])
        if row["parent_id"] is None:
            assert (row["full_path"], row["level"]) == (row["slug"], 0), row
        else:
            assert parent is not None, row
            assert row["full_path"] == f"{parent['full_path']}/{row['slug']}", (row, parent)
            assert row["level"] == parent["level"] + 1, (row, parent)
        seen, node = set(), row
        while node["parent_id"] is not None:
            assert node["id"] not in seen, f"{row['full_path']} is its own ancestor"
            seen.add(node["id"])
            node = rows[node["parent_id"]]
        assert row["slug"] and row["full_path"]
    tree = api_for(user).get("/api/locations/tree")
    assert tree.status_code == 200, tree.content

    def count(nodes: list[dict[str, Any]]) -> int:
        return sum(1 + count(node["children"]) for node in nodes)

    assert count(tree.json()) == len(rows)


@pytest.fixture
def api(alice, settings) -> ApiClient:
    settings.RATE_LIMIT_REQUESTS = 100_000  # hundreds of calls a minute from one user, on purpose
    return api_for(alice)


def status(response) -> int:
    assert response.status_code < 500, response.content
    return response.status_code


def call(api: ApiClient, method: str, path: str, body: Any = None):
    """A request to run later, in a thread: its status, which must not be a 500."""
    return lambda: status(api.request(method, path, body))


def test_three_crossing_moves_never_make_a_loop(alice, api):
    for round_number in range(ROUNDS):
        a, b, c = (create_location(api, f"{name}{round_number}") for name in "abc")

        def move(node: dict, under: dict):
            return call(api, "put", f"/api/locations/{node['id']}/move", {"parent_id": under["id"]})

        statuses = run_together(move(a, b), move(b, c), move(c, a))

        assert statuses.count(200) == 2, statuses  # the third would close the loop
        assert set(statuses) - {200} <= LOST_RACE
        assert_tree_is_consistent(alice)


def test_a_child_created_while_its_parent_moves_or_is_renamed_follows_it(alice, api):
    for round_number in range(ROUNDS):
        home, garage = create_location(api, f"Home {round_number}"), create_location(api, f"Garage {round_number}")
        parent = create_location(api, f"Shelf {round_number}", home)
        statuses = run_together(
            call(api, "post", "/api/locations", {"display_name": "Bin", "parent_id": parent["id"]}),
            call(api, "put", f"/api/locations/{parent['id']}", {"display_name": f"Rack {round_number}"}),
            call(api, "put", f"/api/locations/{parent['id']}/move", {"parent_id": garage["id"]}),
            call(api, "post", "/api/locations", {"display_name": "Box", "parent_id": parent["id"]}),
        )

        assert statuses == [201, 200, 200, 201]
        children = Location.objects.filter(parent_id=parent["id"]).values_list("full_path", flat=True)
        rack = f"garage-{round_number}/rack-{round_number}"
        assert sorted(children) == [f"{rack}/bin", f"{rack}/box"]
        assert_tree_is_consistent(alice)


def test_an_item_placed_at_a_location_being_deleted_is_refused_or_blocks_the_delete(alice, api):
    for round_number in range(ROUNDS):
        place = create_location(api, f"Attic {round_number}")
        item = api.post("/api/items", ITEM_PAYLOAD).json()
        placed, deleted = run_together(
            call(api, "put", f"/api/items/{item['id']}", {"current_location_id": place["id"]}),
            call(api, "delete", f"/api/locations/{place['id']}"),
        )

        assert sorted([placed, deleted]) == [200, 400], (placed, deleted)  # exactly one wins
        stored = OwnedItem.objects.get(pk=item["id"])
        exists = Location.objects.filter(pk=place["id"]).exists()
        assert exists == (placed == 200)
        assert (stored.current_location_id is not None) == exists
        api.delete(f"/api/items/{item['id']}")


def test_siblings_with_one_name_created_at_once_leave_exactly_one(alice, api):
    for round_number in range(ROUNDS):
        home = create_location(api, f"Home {round_number}")
        statuses = run_together(
            *[call(api, "post", "/api/locations", {"display_name": "Closet", "parent_id": home["id"]})] * 4
        )

        assert sorted(statuses) == [201, 400, 400, 400]
    assert Location.objects.filter(user=alice, slug="closet").count() == ROUNDS
    assert_tree_is_consistent(alice)


def test_a_burst_of_mixed_writes_keeps_the_tree_whole(alice, api):
    """Creates, renames, moves and deletes on random nodes of one small tree, eight at a time."""
    chooser = random.Random(20261202)  # fixed: a failure replays
    nodes = [create_location(api, f"Room {n}") for n in range(4)]
    nodes += [create_location(api, f"Shelf {n}", nodes[n % 4]) for n in range(4)]

    def action(kind: str, node: dict, other: dict, n: int):
        if kind == "create":
            return call(api, "post", "/api/locations", {"display_name": f"Box {n}", "parent_id": node["id"]})
        if kind == "rename":
            return call(api, "put", f"/api/locations/{node['id']}", {"display_name": f"Place {n}"})
        if kind == "move":
            return call(api, "put", f"/api/locations/{node['id']}/move", {"parent_id": other["id"]})
        return call(api, "delete", f"/api/locations/{node['id']}")

    for round_number in range(ROUNDS):
        ids = list(Location.objects.filter(user=alice).values_list("id", flat=True))
        pool = [{"id": str(pk)} for pk in ids]
        actions = [
            action(
                chooser.choice(["create", "rename", "move", "delete"]),
                chooser.choice(pool),
                chooser.choice(pool),
                round_number * 10 + n,
            )
            for n in range(8)
        ]
        statuses = run_together(*actions)

        assert set(statuses) <= {200, 201} | LOST_RACE | {404}, statuses
        assert_tree_is_consistent(alice)


def test_the_location_limit_holds_under_concurrent_creates(alice, api, settings):
    settings.MAX_LOCATIONS_PER_USER = 5

    statuses = run_together(*[call(api, "post", "/api/locations", {"display_name": f"Box {n}"}) for n in range(12)])

    assert sorted(statuses) == [201] * 5 + [400] * 7
    assert Location.objects.filter(user=alice).count() == 5
