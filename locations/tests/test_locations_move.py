"""Renaming and moving whole subtrees (docs/design.md "Locations: a tree stored as materialised paths"): a
200-node subtree is rewritten (every descendant's full_path and level) within a fixed query budget, a failure
half-way through the rewrite rolls everything back, and a move, rename or create that would break the depth
limit (levels 0..9) or the 500-character path limit anywhere in the subtree is a 400 that changes nothing."""

from __future__ import annotations

from collections import deque

import pytest
from django.db.models.query import QuerySet

from locations.models import Location
from locations.services import LocationService
from minNow.errors import BadRequest

pytestmark = pytest.mark.django_db

SUBTREE_SIZE = 200
FAN_OUT = 4


# --- helpers ----------------------------------------------------------------------------------------
def add(user, name: str, parent: Location | None = None) -> Location:
    return LocationService.create(user=user, display_name=name, parent_id=parent.id if parent else None)


def chain(user, *names: str, parent: Location | None = None) -> list[Location]:
    """Each name nested under the previous one (under `parent` for the first)."""
    nodes = []
    for name in names:
        parent = add(user, name, parent)
        nodes.append(parent)
    return nodes


def build_subtree(user, root_name: str, size: int) -> Location:
    """`size` locations under (and including) a root, breadth first with FAN_OUT children each."""
    root = add(user, root_name)
    queue, created = deque([root]), 1
    while created < size:
        parent = queue.popleft()
        for n in range(FAN_OUT):
            if created == size:
                break
            queue.append(add(user, f"Box {created} {n}", parent))
            created += 1
    return root


def snapshot(user) -> list[tuple]:
    return list(
        Location.objects.filter(user=user)
        .order_by("full_path")
        .values_list("id", "parent_id", "display_name", "slug", "full_path", "level", "updated_at")
    )


def expected_paths(user) -> dict:
    """id -> (full_path, level) recomputed from the parent links and slugs alone."""
    rows = {
        pk: (parent_id, slug)
        for pk, parent_id, slug in Location.objects.filter(user=user).values_list("id", "parent_id", "slug")
    }

    def walk(pk) -> tuple[str, int]:
        parent_id, slug = rows[pk]
        if parent_id is None:
            return slug, 0
        parent_path, parent_level = walk(parent_id)
        return f"{parent_path}/{slug}", parent_level + 1

    return {pk: walk(pk) for pk in rows}


def stored_paths(user) -> dict:
    return {
        pk: (path, level)
        for pk, path, level in Location.objects.filter(user=user).values_list("id", "full_path", "level")
    }


# --- A 200-node subtree ------------------------------------------------------------------------------
def test_building_the_fixture_gives_200_nodes_down_to_level_4(alice):
    root = build_subtree(alice, "Attic", SUBTREE_SIZE)

    subtree = Location.objects.filter(user=alice, full_path__startswith="attic")
    assert subtree.count() == SUBTREE_SIZE
    assert max(subtree.values_list("level", flat=True)) == 4
    assert root.level == 0


def test_rename_and_move_of_a_200_node_subtree_rewrite_every_descendant_and_its_items_within_11_queries(
    alice, alice_api, django_assert_max_num_queries
):
    root = build_subtree(alice, "Attic", SUBTREE_SIZE)
    garage = add(alice, "Garage")
    shelf = add(alice, "Shelf", garage)
    annex = chain(alice, "Attic Annex", "Crate")  # a path that starts with "attic" but is not below it
    subtree_ids = set(
        Location.objects.filter(user=alice, full_path__startswith="attic/").values_list("id", flat=True)
    ) | {root.id}
    assert len(subtree_ids) == SUBTREE_SIZE

    with django_assert_max_num_queries(11):
        renamed = alice_api.put(f"/api/locations/{root.id}", {"display_name": "Loft"})
    assert renamed.status_code == 200, renamed.content
    assert (renamed.json()["full_path"], renamed.json()["level"]) == ("loft", 0)
    stored = stored_paths(alice)
    assert stored == expected_paths(alice)
    assert all(stored[pk][0] == "loft" or stored[pk][0].startswith("loft/") for pk in subtree_ids)
    assert not Location.objects.filter(user=alice, full_path__startswith="attic/").exists()

    with django_assert_max_num_queries(11):
        moved = alice_api.put(f"/api/locations/{root.id}/move", {"parent_id": str(shelf.id)})
    assert moved.status_code == 200, moved.content
    assert (moved.json()["full_path"], moved.json()["level"]) == ("garage/shelf/loft", 2)

    stored = stored_paths(alice)
    assert stored == expected_paths(alice)
    levels = {pk: level for pk, (_, level) in stored.items() if pk in subtree_ids}
    assert len(levels) == SUBTREE_SIZE
    assert min(levels.values()) == 2
    assert max(levels.values()) == 6
    assert all(stored[pk][0].startswith("garage/shelf/loft") for pk in subtree_ids)
    assert (stored[annex[0].id], stored[annex[1].id]) == (("attic-annex", 0), ("attic-annex/crate", 1))
    assert (stored[garage.id], stored[shelf.id]) == (("garage", 0), ("garage/shelf", 1))


def test_moving_a_200_node_subtree_back_to_root_restores_its_levels(alice, alice_api, django_assert_max_num_queries):
    home = add(alice, "Home")
    root = build_subtree(alice, "Attic", SUBTREE_SIZE)
    alice_api.put(f"/api/locations/{root.id}/move", {"parent_id": str(home.id)})
    assert Location.objects.filter(user=alice, level=5).exists()

    with django_assert_max_num_queries(11):
        response = alice_api.put(f"/api/locations/{root.id}/move", {"parent_id": None})

    assert response.status_code == 200
    assert stored_paths(alice) == expected_paths(alice)
    assert not Location.objects.filter(user=alice, level=5).exists()
    assert Location.objects.filter(user=alice, full_path__startswith="attic/").count() == SUBTREE_SIZE - 1


def test_rename_rewrites_only_the_subtree_even_when_the_path_contains_like_wildcards(alice, alice_api):
    """`_` is a LIKE wildcard: renaming `a_b` must not touch `axb`'s subtree."""
    underscored = chain(alice, "a_b", "Inner")
    lookalike = chain(alice, "axb", "Inner")

    response = alice_api.put(f"/api/locations/{underscored[0].id}", {"display_name": "Renamed"})

    assert response.status_code == 200
    stored = stored_paths(alice)
    assert (stored[underscored[0].id], stored[underscored[1].id]) == (("renamed", 0), ("renamed/inner", 1))
    assert (stored[lookalike[0].id], stored[lookalike[1].id]) == (("axb", 0), ("axb/inner", 1))


# --- Atomicity ----------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("operation", ["move", "rename"])
def test_a_failure_while_rewriting_descendants_rolls_back_the_node_as_well(alice, monkeypatch, operation):
    home = chain(alice, "Home", "Bedroom", "Closet", "Shoe Box")
    garage = add(alice, "Garage")
    before = snapshot(alice)
    original_update = QuerySet.update
    calls = []

    def failing_update(self, **kwargs):
        if self.model is Location:
            calls.append(kwargs)
            raise RuntimeError("descendant update failed")
        return original_update(self, **kwargs)

    monkeypatch.setattr(QuerySet, "update", failing_update)

    with pytest.raises(RuntimeError):
        if operation == "move":
            LocationService.move(user=alice, location_id=home[1].id, parent_id=garage.id)
        else:
            LocationService.rename(user=alice, location_id=home[1].id, display_name="Guest Room")

    assert len(calls) == 1
    assert snapshot(alice) == before
    stored = {row.id: (row.full_path, row.level, row.parent_id) for row in Location.objects.filter(user=alice)}
    assert stored[home[1].id] == ("home/bedroom", 1, home[0].id)
    assert stored[home[2].id] == ("home/bedroom/closet", 2, home[1].id)
    assert stored[home[3].id] == ("home/bedroom/closet/shoe-box", 3, home[2].id)
    assert Location.objects.get(pk=home[1].id).display_name == "Bedroom"


# --- Depth limit (levels 0..9) ----------------------------------------------------------------------
def test_creating_an_11th_level_returns_400_and_writes_nothing(alice, alice_api):
    levels = chain(alice, *[f"L{n}" for n in range(10)])
    assert levels[-1].level == 9
    before = snapshot(alice)

    response = alice_api.post("/api/locations", {"display_name": "L10", "parent_id": str(levels[-1].id)})

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert snapshot(alice) == before


def test_moving_a_depth_6_chain_under_a_depth_5_chain_returns_400_and_changes_nothing(alice, alice_api):
    moving = chain(alice, *[f"A{n}" for n in range(6)])  # levels 0..5
    target = chain(alice, *[f"B{n}" for n in range(5)])  # levels 0..4
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{moving[0].id}/move", {"parent_id": str(target[-1].id)})

    assert response.status_code == 400  # the chain would span levels 5..10
    assert isinstance(response.json()["detail"], str)
    assert snapshot(alice) == before


def test_moving_a_chain_so_that_its_deepest_node_reaches_level_9_is_allowed(alice, alice_api):
    moving = chain(alice, *[f"A{n}" for n in range(6)])  # levels 0..5
    target = chain(alice, *[f"B{n}" for n in range(4)])  # levels 0..3

    response = alice_api.put(f"/api/locations/{moving[0].id}/move", {"parent_id": str(target[-1].id)})

    assert response.status_code == 200, response.content
    assert Location.objects.get(pk=moving[-1].id).level == 9
    assert stored_paths(alice) == expected_paths(alice)


def test_depth_limit_counts_the_deepest_branch_not_the_moved_node(alice, alice_api):
    """The moved node itself would land at level 5; one of its descendants would land at level 10."""
    shallow = add(alice, "Shallow")
    deep = chain(alice, "D1", "D2", "D3", "D4", "D5", parent=shallow)  # levels 1..5
    add(alice, "Leaf", shallow)
    target = chain(alice, *[f"B{n}" for n in range(5)])  # levels 0..4
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{shallow.id}/move", {"parent_id": str(target[-1].id)})

    assert response.status_code == 400  # "Shallow" would be at level 5, D5 at level 10
    assert snapshot(alice) == before
    assert deep[-1].level == 5


def test_service_move_beyond_the_depth_limit_raises_bad_request_and_changes_nothing(alice):
    moving = chain(alice, *[f"A{n}" for n in range(6)])
    target = chain(alice, *[f"B{n}" for n in range(5)])
    before = snapshot(alice)

    with pytest.raises(BadRequest):
        LocationService.move(user=alice, location_id=moving[0].id, parent_id=target[-1].id)

    assert snapshot(alice) == before


# --- Path length limit (500 characters) ------------------------------------------------------------
def test_create_whose_path_would_exceed_500_characters_returns_400(alice, alice_api):
    nodes = chain(alice, "a" * 100, "b" * 100, "c" * 100, "d" * 100)  # 403 characters
    before = snapshot(alice)

    too_long = alice_api.post("/api/locations", {"display_name": "e" * 97, "parent_id": str(nodes[-1].id)})

    assert too_long.status_code == 400  # 403 + 1 + 97 = 501
    assert isinstance(too_long.json()["detail"], str)
    assert snapshot(alice) == before

    exact = alice_api.post("/api/locations", {"display_name": "e" * 96, "parent_id": str(nodes[-1].id)})

    assert exact.status_code == 201, exact.content
    assert len(exact.json()["full_path"]) == 500


def test_create_five_levels_of_100_character_names_returns_400_at_the_fifth(alice, alice_api):
    nodes = chain(alice, "a" * 100, "b" * 100, "c" * 100, "d" * 100)
    before = snapshot(alice)

    response = alice_api.post("/api/locations", {"display_name": "e" * 100, "parent_id": str(nodes[-1].id)})

    assert response.status_code == 400
    assert snapshot(alice) == before


def test_move_whose_subtree_path_would_exceed_500_characters_returns_400_and_changes_nothing(alice, alice_api):
    moving = chain(alice, "x" * 100, "y" * 100, "z" * 100)  # deepest path 302
    target_root = add(alice, "w" * 100)
    too_deep_target = add(alice, "u" * 97, target_root)  # path 198: 198 + 1 + 302 = 501
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{moving[0].id}/move", {"parent_id": str(too_deep_target.id)})

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert snapshot(alice) == before


def test_move_whose_longest_subtree_path_is_exactly_500_characters_is_allowed(alice, alice_api):
    moving = chain(alice, "x" * 100, "y" * 100, "z" * 100)
    target = add(alice, "v" * 96, add(alice, "w" * 100))  # path 197: 197 + 1 + 302 = 500

    response = alice_api.put(f"/api/locations/{moving[0].id}/move", {"parent_id": str(target.id)})

    assert response.status_code == 200, response.content
    assert len(Location.objects.get(pk=moving[-1].id).full_path) == 500
    assert stored_paths(alice) == expected_paths(alice)


def test_path_limit_counts_the_longest_branch_not_the_deepest(alice, alice_api):
    """The longest path below the moved node is a shallow branch of long names, not the deepest one."""
    root = add(alice, "x" * 100)
    add(alice, "y" * 100, root)  # the longest path: 201 characters, at level 1
    chain(alice, "s", "t", parent=root)  # the deepest node: level 2, 104 characters
    target = chain(alice, "w" * 100, "v" * 100, "u" * 97)[-1]  # path 299
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{root.id}/move", {"parent_id": str(target.id)})

    assert response.status_code == 400  # the long branch: 299 + 1 + 201 = 501 (the deep one would fit: 404)
    assert snapshot(alice) == before


def test_rename_whose_subtree_path_would_exceed_500_characters_returns_400_and_changes_nothing(alice, alice_api):
    nodes = chain(alice, "a" * 100, "b" * 96, "c" * 100, "d" * 100, "e" * 100)  # deepest path exactly 500
    assert len(nodes[-1].full_path) == 500
    before = snapshot(alice)

    response = alice_api.put(f"/api/locations/{nodes[1].id}", {"display_name": "b" * 97})

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert snapshot(alice) == before


def test_rename_to_a_shorter_name_inside_a_500_character_path_is_allowed(alice, alice_api):
    nodes = chain(alice, "a" * 100, "b" * 96, "c" * 100, "d" * 100, "e" * 100)

    response = alice_api.put(f"/api/locations/{nodes[1].id}", {"display_name": "Short"})

    assert response.status_code == 200, response.content
    assert Location.objects.get(pk=nodes[-1].id).full_path == "/".join(
        ["a" * 100, "short", "c" * 100, "d" * 100, "e" * 100]
    )
    assert stored_paths(alice) == expected_paths(alice)


def test_rename_to_a_name_whose_slug_expands_beyond_100_characters_never_answers_500(alice, alice_api):
    """NFKC turns each "㍿" into "株式会社": a 30-character name becomes a 120-character slug."""
    home = add(alice, "Home")

    response = alice_api.put(f"/api/locations/{home.id}", {"display_name": "㍿" * 30})

    assert response.status_code in (200, 400), response.content
    stored = Location.objects.get(pk=home.id)
    if response.status_code == 200:
        assert stored.slug == stored.full_path == response.json()["full_path"]
        assert 0 < len(stored.slug) <= 100
    else:
        assert (stored.display_name, stored.full_path) == ("Home", "home")
