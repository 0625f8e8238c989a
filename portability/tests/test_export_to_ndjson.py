"""manage.py export_to_ndjson: Elasticsearch bulk files of users, items and locations."""

from __future__ import annotations

import json
import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.testing import make_item, make_items, make_user
from locations.models import Location
from portability.management.commands import export_to_ndjson
from users.models import User

FILES = ("users.ndjson", "items.ndjson", "locations.ndjson", "all_data.ndjson")
pytestmark = pytest.mark.django_db

DJANGO_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?(Z|[+-]\d\d:\d\d)$")


def export(*args: str) -> str:
    """Run the command; what it printed."""
    out = StringIO()
    call_command("export_to_ndjson", *args, stdout=out)
    return out.getvalue()


def read_bulk(path: Path) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The (action, document) pairs of a bulk file, checking that it is exactly pairs of JSON lines."""
    raw = path.read_bytes()
    assert raw == b"" or raw.endswith(b"\n")
    lines = raw.decode().splitlines()
    assert len(lines) % 2 == 0, f"{path.name} has an odd number of lines"
    pairs = [(json.loads(lines[i]), json.loads(lines[i + 1])) for i in range(0, len(lines), 2)]
    for action, document in pairs:
        assert set(action) == {"index"} and set(action["index"]) == {"_index", "_id"}
        assert action["index"]["_id"] == str(document["id"])
    return pairs


def ids(pairs: list[tuple[dict[str, Any], dict[str, Any]]], index: str) -> set[str]:
    return {action["index"]["_id"] for action, _ in pairs if action["index"]["_index"] == index}


@pytest.fixture
def alices_things(alice: User) -> dict[str, Any]:
    """alice: a two-level tree, an item on the shelf and one with no location."""
    home = Location.objects.create(user=alice, display_name="Home")
    shelf = Location.objects.create(user=alice, display_name="Top Shelf", parent=home)
    placed = make_item(alice, "Wool Sweater", current_location=shelf)
    loose = make_item(alice, "Loose Cable")
    return {"home": home, "shelf": shelf, "placed": placed, "loose": loose}


def test_writes_the_four_files_in_bulk_format(tmp_path, alices_things, bob):
    bobs_item = make_item(bob, "Bike")
    out = export("--output-dir", str(tmp_path))

    users = read_bulk(tmp_path / "users.ndjson")
    items = read_bulk(tmp_path / "items.ndjson")
    locations = read_bulk(tmp_path / "locations.ndjson")
    assert {action["index"]["_index"] for action, _ in users} == {"users"}
    assert {action["index"]["_index"] for action, _ in items} == {"items"}
    assert {action["index"]["_index"] for action, _ in locations} == {"locations"}
    assert ids(users, "users") == {str(u.pk) for u in User.objects.all()}
    assert ids(items, "items") == {str(alices_things["placed"].pk), str(alices_things["loose"].pk), str(bobs_item.pk)}
    assert ids(locations, "locations") == {str(alices_things["home"].pk), str(alices_things["shelf"].pk)}

    # all_data.ndjson: the same lines as the other three, in that order.
    together = b"".join((tmp_path / name).read_bytes() for name in FILES[:3])
    assert (tmp_path / "all_data.ndjson").read_bytes() == together
    assert read_bulk(tmp_path / "all_data.ndjson") == users + items + locations

    assert out.strip() == f"summary: exported 2 users, 3 items, 2 locations to {tmp_path.resolve()}"
    assert not list(tmp_path.glob(".*")), "no temporary files are left"


def test_documents_carry_the_documented_fields(tmp_path, alice, alices_things):
    export("--output-dir", str(tmp_path))
    [(_, user)] = read_bulk(tmp_path / "users.ndjson")
    assert user == {
        "id": alice.pk,
        "clerk_id": "user_alice",
        "email": "alice@example.com",
        "username": "alice",
        "first_name": "Alice",
        "last_name": "",
        "email_notifications": False,
        "date_joined": user["date_joined"],
    }
    assert DJANGO_DATETIME.match(user["date_joined"])

    items = {document["name"]: document for _, document in read_bulk(tmp_path / "items.ndjson")}
    placed, loose = items["Wool Sweater"], items["Loose Cable"]
    shelf = alices_things["shelf"]
    assert set(placed) == {
        "id",
        "user_id",
        "user_clerk_id",
        "name",
        "item_type",
        "status",
        "picture_url",
        "item_received_date",
        "last_used",
        "ownership_duration_goal_months",
        "current_location_id",
        "location_path",
        "location_updated_at",
        "created_at",
        "updated_at",
    }
    assert placed["user_id"] == alice.pk and placed["user_clerk_id"] == "user_alice"
    assert placed["current_location_id"] == str(shelf.pk)
    assert placed["location_path"] == "home/top-shelf"
    assert (loose["current_location_id"], loose["location_path"]) == (None, None)
    assert placed["item_received_date"] == "2020-01-01T00:00:00Z"
    assert all(DJANGO_DATETIME.match(placed[key]) for key in ("created_at", "updated_at", "last_used"))

    locations = {document["full_path"]: document for _, document in read_bulk(tmp_path / "locations.ndjson")}
    assert locations["home/top-shelf"] == {
        "id": str(shelf.pk),
        "user_id": alice.pk,
        "display_name": "Top Shelf",
        "slug": "top-shelf",
        "full_path": "home/top-shelf",
        "level": 1,
        "parent_id": str(alices_things["home"].pk),
        "created_at": locations["home/top-shelf"]["created_at"],
        "updated_at": locations["home/top-shelf"]["updated_at"],
    }
    assert locations["home"]["parent_id"] is None


def test_user_email_exports_only_that_users_rows(tmp_path, alice, alices_things, bob):
    make_item(bob, "Bike")
    Location.objects.create(user=bob, display_name="Garage")
    out = export("--output-dir", str(tmp_path), "--user-email", "ALICE@Example.COM")

    everything = read_bulk(tmp_path / "all_data.ndjson")
    assert ids(everything, "users") == {str(alice.pk)}
    assert {document["name"] for action, document in everything if action["index"]["_index"] == "items"} == {
        "Wool Sweater",
        "Loose Cable",
    }
    assert {document["user_id"] for action, document in everything if action["index"]["_index"] != "users"} == {
        alice.pk
    }
    assert "exported 1 users, 2 items, 2 locations" in out


def test_unknown_email_is_an_error_and_writes_nothing(tmp_path, alice):
    target = tmp_path / "out"
    with pytest.raises(CommandError, match="No user has the email"):
        export("--output-dir", str(target), "--user-email", "nobody@example.com")
    assert not target.exists()


def test_refuses_to_replace_existing_files(tmp_path, alice):
    (tmp_path / "items.ndjson").write_text("earlier export\n")
    with pytest.raises(CommandError, match=r"items\.ndjson already in"):
        export("--output-dir", str(tmp_path))
    assert (tmp_path / "items.ndjson").read_text() == "earlier export\n"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["items.ndjson"]


def test_overwrite_replaces_existing_files(tmp_path, alice):
    for name in FILES:
        (tmp_path / name).write_text("earlier export\n")
    export("--output-dir", str(tmp_path), "--overwrite")
    assert ids(read_bulk(tmp_path / "users.ndjson"), "users") == {str(alice.pk)}
    assert (tmp_path / "items.ndjson").read_bytes() == b""


def test_a_failed_export_leaves_the_earlier_files(tmp_path, monkeypatch, alices_things):
    for name in FILES:
        (tmp_path / name).write_text("earlier export\n")
    original = export_to_ndjson.bulk_lines

    def fail_on_items(index: str, row: dict[str, Any]) -> bytes:
        if index == "items":
            raise RuntimeError("disk full")
        return original(index, row)

    monkeypatch.setattr(export_to_ndjson, "bulk_lines", fail_on_items)
    with pytest.raises(RuntimeError, match="disk full"):
        export("--output-dir", str(tmp_path), "--overwrite")
    assert all((tmp_path / name).read_text() == "earlier export\n" for name in FILES)
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)


def test_creates_the_directory_and_defaults_to_export(tmp_path, monkeypatch, alice):
    monkeypatch.chdir(tmp_path)
    export()
    assert sorted(path.name for path in (tmp_path / "export").iterdir()) == sorted(FILES)
    export("--output-dir", str(tmp_path / "a" / "b"))
    assert (tmp_path / "a" / "b" / "all_data.ndjson").exists()


def test_verbose_prints_progress(tmp_path, alice):
    make_items(alice, 12)
    out = export("--output-dir", str(tmp_path), "--verbose", "--progress-every", "5")
    lines = out.splitlines()
    assert "progress: items 5 rows" in lines and "progress: items 10 rows" in lines
    assert "progress: items 15 rows" not in lines
    assert "done: items 12 rows" in lines and "done: users 1 rows" in lines
    assert lines[-1].startswith("summary: exported 1 users, 12 items, 0 locations")


def test_quiet_prints_only_the_summary(tmp_path, alice):
    make_items(alice, 12)
    out = export("--output-dir", str(tmp_path), "--progress-every", "5")
    assert out.splitlines() == [f"summary: exported 1 users, 12 items, 0 locations to {tmp_path.resolve()}"]


def queries_for_export(tmp_path: Path, user: User, items: int) -> int:
    shelf = Location.objects.create(user=user, display_name=f"Shelf {items}")
    make_items(user, items, current_location=shelf)
    with CaptureQueriesContext(connection) as queries:
        export("--output-dir", str(tmp_path / str(items)), "--user-email", user.email)
    return len(queries)


def test_query_count_does_not_grow_with_rows(tmp_path, django_assert_max_num_queries):
    """A query per table (iterator() fetches its chunks from the one cursor), not a query per row or per
    item's location; more rows than one chunk (CHUNK_SIZE) still run the same queries."""
    counts = [
        queries_for_export(tmp_path, make_user(f"u{size}"), size)
        for size in (20, 200, export_to_ndjson.CHUNK_SIZE + 50)
    ]
    assert len(set(counts)) == 1, counts
    with django_assert_max_num_queries(6):  # the email lookup, three tables, a savepoint on PostgreSQL
        export("--output-dir", str(tmp_path / "again"), "--user-email", "u20@example.com")


def test_rejects_a_progress_interval_below_one(tmp_path, alice):
    with pytest.raises(CommandError, match="at least 1"):
        export("--output-dir", str(tmp_path), "--verbose", "--progress-every", "0")


@pytest.mark.django_db(transaction=True)
def test_runs_outside_a_transaction(tmp_path):
    """As from the shell: on PostgreSQL the export opens its own read-only REPEATABLE READ transaction (the
    other tests run inside the test's transaction, where it can only join)."""
    user = make_user("carol")
    shelf = Location.objects.create(user=user, display_name="Shelf")
    make_items(user, 30, current_location=shelf)
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        out = export("--output-dir", str(tmp_path))
    assert "exported 1 users, 30 items, 1 locations" in out
    snapshot = [q["sql"] for q in queries if "REPEATABLE READ" in q["sql"]]
    assert len(snapshot) == (1 if connection.vendor == "postgresql" else 0)
    assert len(read_bulk(tmp_path / "all_data.ndjson")) == 32
    assert not connection.in_atomic_block
