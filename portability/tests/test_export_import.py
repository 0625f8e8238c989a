"""GET /api/export and POST /api/import: round trips, idempotence, all-or-nothing rows, limits, isolation."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import uuid
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from config.testing import (
    ApiClient,
    api_for,
    assert_validation_error,
    create_item,
    create_location,
    item_payload,
    make_items,
    make_user,
    run_together,
)
from items.models import Checkup, OwnedItem
from locations.models import Location
from users.models import User

pytestmark = pytest.mark.django_db

CSV_HEADER = (
    "id,name,picture_url,item_type,status,item_received_date,last_used,ownership_duration_goal_months,"
    "location_path,location_updated_at"
)


# --- Helpers ---------------------------------------------------------------------------------------------
def body(response: HttpResponse) -> bytes:
    assert response.status_code == 200, response
    assert response.streaming
    return b"".join(response.streaming_content)


def export(api: ApiClient) -> dict[str, Any]:
    return json.loads(body(api.get("/api/export")))


def export_csv(api: ApiClient) -> str:
    return body(api.get("/api/export?format=csv")).decode()


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def import_json(api: ApiClient, document: Any) -> HttpResponse:
    return api.post("/api/import", document)


def import_csv(api: ApiClient, text: str, path: str = "/api/import") -> HttpResponse:
    return api.client.post(path, data=text.encode(), content_type="text/csv", headers=api.headers)


def imported(response: HttpResponse) -> dict[str, int]:
    assert response.status_code == 200, response.content
    return response.json()


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """What must survive a move to another account: everything but ids, the user's identity and the time.
    Items by name with every field, locations by full_path with their name and parent's path."""
    paths = {location["id"]: location["full_path"] for location in document["locations"]}
    return {
        "version": document["version"],
        "email_notifications": document["user"]["email_notifications"],
        "items": sorted(
            ({key: value for key, value in item.items() if key != "id"} for item in document["items"]),
            key=lambda item: item["name"],
        ),
        "locations": sorted(
            (
                {
                    "full_path": location["full_path"],
                    "display_name": location["display_name"],
                    "parent": paths.get(location["parent_id"]),
                }
                for location in document["locations"]
            ),
            key=lambda location: location["full_path"],
        ),
        "checkups": document["checkups"],
    }


def stored(user: User) -> dict[str, Any]:
    """Everything of `user` the import could write, straight from the database."""
    user.refresh_from_db()
    return {
        "items": sorted(OwnedItem.objects.filter(user=user).values_list("id", "name", "status", "current_location")),
        "locations": sorted(Location.objects.filter(user=user).values_list("id", "full_path", "display_name")),
        "checkups": sorted(
            Checkup.objects.filter(user=user).values_list(
                "checkup_type", "checkup_interval_months", "last_checkup_date"
            )
        ),
        "email_notifications": user.email_notifications,
    }


def document(items: list[dict[str, Any]], locations: list[dict[str, Any]] | None = None, **rest: Any) -> dict:
    return {"version": 1, "items": items, "locations": locations or [], **rest}


def item_row(name: str = "Lamp", **changes: Any) -> dict[str, Any]:
    """An item as the export writes it."""
    return {
        "id": str(uuid.uuid4()),
        "name": name,
        "picture_url": "💡",
        "item_type": "Furniture_Appliances",
        "status": "Keep",
        "item_received_date": "2021-05-01T09:00:00Z",
        "last_used": "2024-02-03T10:00:00.250Z",
        "ownership_duration_goal_months": 36,
        "location_path": None,
        "location_updated_at": None,
        **changes,
    }


# --- Fixtures --------------------------------------------------------------------------------------------
@pytest.fixture
def alice_data(alice: User, alice_api: ApiClient) -> dict[str, Any]:
    """A three-level tree (and an empty place), items of every status placed at each level, one unplaced and
    one moved out of its place, goals at both ends, microsecond dates, changed checkups, reminders on."""
    home = create_location(alice_api, "Home")
    kids = create_location(alice_api, "Kid's Room", home)
    shelf = create_location(alice_api, "Top Shelf", kids)
    create_location(alice_api, "Garage")
    create_item(alice_api, name="Wool Sweater", status="Keep", current_location_id=shelf["id"])
    create_item(
        alice_api,
        name="Old Lamp",
        status="Give",
        item_type="Furniture_Appliances",
        ownership_duration_goal_months=1,
        current_location_id=kids["id"],
    )
    create_item(
        alice_api,
        name="Bike",
        status="Donate",
        item_type="Vehicles",
        ownership_duration_goal_months=1200,
        item_received_date="2019-03-04T05:06:07.891234Z",
    )
    create_item(
        alice_api, name="Café Mug ☕", picture_url="https://example.com/mug.png", current_location_id=home["id"]
    )
    moved = create_item(alice_api, name="Toolbox", item_type="Tools_Equipment", current_location_id=home["id"])
    assert alice_api.put(f"/api/items/{moved['id']}", {"current_location_id": None}).status_code == 200
    for checkup in alice_api.get("/api/checkups").json():
        months = 3 if checkup["checkup_type"] == "keep" else 7
        assert alice_api.put(f"/api/checkups/{checkup['id']}/interval", {"interval_months": months}).status_code == 200
        if checkup["checkup_type"] == "give":
            assert alice_api.post(f"/api/checkups/{checkup['id']}/complete").status_code == 200
    alice.email_notifications = True
    alice.save(update_fields=["email_notifications"])
    return {"home": home, "kids": kids, "shelf": shelf}


# --- Export ----------------------------------------------------------------------------------------------
def test_export_is_a_streamed_download_of_the_document(alice: User, alice_data: dict[str, Any]) -> None:
    with time_machine.travel("2025-03-04T12:00:00Z", tick=False):
        response = api_for(alice).get("/api/export")
        assert response.streaming
        assert response["Content-Disposition"] == 'attachment; filename="minnow-export-2025-03-04.json"'
        assert response["Content-Type"].startswith("application/json")
        data = json.loads(body(response))
    assert data["version"] == 1
    assert data["exported_at"] == "2025-03-04T12:00:00Z"
    assert data["user"] == {
        "email": "alice@example.com",
        "username": "alice",
        "email_notifications": True,
        "language": "en",
        "time_zone": "UTC",
    }
    assert {location["full_path"] for location in data["locations"]} == {
        "home",
        "home/kids-room",
        "home/kids-room/top-shelf",
        "garage",
    }
    positions = {location["id"]: index for index, location in enumerate(data["locations"])}
    assert all(positions[loc["parent_id"]] < positions[loc["id"]] for loc in data["locations"] if loc["parent_id"])
    sweater = next(item for item in data["items"] if item["name"] == "Wool Sweater")
    assert list(sweater) == CSV_HEADER.split(",")
    assert sweater["location_path"] == "home/kids-room/top-shelf"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z", sweater["location_updated_at"])
    bike = next(item for item in data["items"] if item["name"] == "Bike")
    assert bike["item_received_date"] == "2019-03-04T05:06:07.891Z"  # the API's format: milliseconds
    assert bike["location_path"] is None and bike["location_updated_at"] is None
    assert sorted((c["checkup_type"], c["checkup_interval_months"]) for c in data["checkups"]) == [
        ("give", 7),
        ("keep", 3),
    ]


def test_csv_export_has_a_header_and_one_row_per_item(alice: User, alice_data: dict[str, Any]) -> None:
    with time_machine.travel("2025-03-04T12:00:00Z", tick=False):
        response = api_for(alice).get("/api/export?format=csv")
        assert response["Content-Disposition"] == 'attachment; filename="minnow-export-2025-03-04.csv"'
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        text = body(response).decode()
    assert text.splitlines()[0] == CSV_HEADER
    rows = {row["name"]: row for row in csv_rows(text)}
    assert set(rows) == {"Wool Sweater", "Old Lamp", "Bike", "Café Mug ☕", "Toolbox"}
    assert rows["Old Lamp"]["location_path"] == "home/kids-room"
    assert rows["Bike"]["location_path"] == "" and rows["Bike"]["location_updated_at"] == ""
    assert rows["Bike"]["ownership_duration_goal_months"] == "1200"
    assert rows["Toolbox"]["location_path"] == "" and rows["Toolbox"]["location_updated_at"]


def test_export_holds_only_the_callers_data(alice_data: dict[str, Any], alice_api: ApiClient, bob_api) -> None:
    create_location(bob_api, "Attic")
    create_item(bob_api, name="Bob's Kite")
    alices = export(alice_api)
    bobs = export(bob_api)
    assert [item["name"] for item in bobs["items"]] == ["Bob's Kite"]
    assert [location["full_path"] for location in bobs["locations"]] == ["attic"]
    assert bobs["user"]["username"] == "bob"
    alice_ids = {item["id"] for item in alices["items"]} | {location["id"] for location in alices["locations"]}
    bob_ids = {item["id"] for item in bobs["items"]} | {location["id"] for location in bobs["locations"]}
    assert not alice_ids & bob_ids
    assert "Bob's Kite" not in export_csv(alice_api)


@pytest.mark.parametrize("export_format", ["json", "csv"])
def test_export_queries_do_not_grow_with_the_items(
    alice: User, alice_api: ApiClient, django_assert_max_num_queries, export_format: str
) -> None:
    place = Location.objects.create(user=alice, display_name="Home")
    counts = []
    for total in (5, 50):
        OwnedItem.objects.filter(user=alice).delete()
        make_items(alice, total, current_location=place)
        # json: the user, items, locations, checkups, history; csv: no history
        with (
            django_assert_max_num_queries(5 if export_format == "json" else 4),
            CaptureQueriesContext(connection) as queries,
        ):
            content = body(alice_api.get(f"/api/export?format={export_format}"))
        counts.append(len(queries))
        assert content.count(b"Item ") == total
    assert counts[0] == counts[1]


@pytest.mark.parametrize("path", ["/api/export?format=xml", "/api/import?format=xml"])
def test_an_unknown_format_is_a_400(alice_api: ApiClient, path: str) -> None:
    response = alice_api.post(path, document([])) if "import" in path else alice_api.get(path)
    assert_validation_error(response)
    assert "format: " in response.json()["detail"]


def test_both_need_a_token(anon_api: ApiClient) -> None:
    assert anon_api.get("/api/export").status_code == 401
    assert anon_api.post("/api/import", document([])).status_code == 401


# --- Round trips and idempotence -------------------------------------------------------------------------
def test_json_round_trip_into_an_empty_account(alice_data: dict[str, Any], alice_api, bob: User, bob_api) -> None:
    alices = export(alice_api)
    result = imported(import_json(bob_api, alices))
    assert result == {"items_created": 5, "items_skipped": 0, "locations_created": 4}
    bobs = export(bob_api)
    assert comparable(bobs) == comparable(alices)
    assert bobs["user"]["username"] == "bob" and bob.email_notifications is False
    bob.refresh_from_db()
    assert bob.email_notifications is True
    assert not {item["id"] for item in alices["items"]} & {item["id"] for item in bobs["items"]}
    assert not {loc["id"] for loc in alices["locations"]} & {loc["id"] for loc in bobs["locations"]}
    # The created tree is a real one: the API lists it and its derived fields are consistent.
    tree = bob_api.get("/api/locations").json()
    assert {location["full_path"]: location["level"] for location in tree} == {
        "garage": 0,
        "home": 0,
        "home/kids-room": 1,
        "home/kids-room/top-shelf": 2,
    }
    assert [item["name"] for item in bob_api.get("/api/items/search?q=top shelf").json()] == ["Wool Sweater"]


def test_csv_round_trip_into_an_empty_account(alice_data: dict[str, Any], alice_api, bob: User, bob_api) -> None:
    text = export_csv(alice_api)
    result = imported(import_csv(bob_api, text))
    # Only the places items are in (and their ancestors) travel in a CSV; "garage" is empty.
    assert result == {"items_created": 5, "items_skipped": 0, "locations_created": 3}

    def without_ids(rows: list[dict[str, str]]) -> list[dict[str, str]]:
        return sorted(({k: v for k, v in row.items() if k != "id"} for row in rows), key=lambda row: row["name"])

    assert without_ids(csv_rows(export_csv(bob_api))) == without_ids(csv_rows(text))
    # A CSV has no display names: they are made from the slugs.
    assert dict(Location.objects.filter(user=bob).values_list("full_path", "display_name")) == {
        "home": "Home",
        "home/kids-room": "Kids Room",
        "home/kids-room/top-shelf": "Top Shelf",
    }


def test_a_csv_may_name_places_as_written(bob: User, bob_api: ApiClient) -> None:
    create_location(bob_api, "Living Room")
    text = (
        f"{CSV_HEADER}\n,Vase,🏺,Decor_Art,Keep,2020-01-01T00:00:00Z,2024-01-01T00:00:00Z,12,Living Room / Top Shelf,\n"
    )
    assert imported(import_csv(bob_api, text, "/api/import?format=csv")) == {
        "items_created": 1,
        "items_skipped": 0,
        "locations_created": 1,
    }
    vase = bob_api.get("/api/items").json()[0]
    assert vase["location_path"] == "living-room/top-shelf" and vase["location_updated_at"]
    assert Location.objects.get(user=bob, full_path="living-room/top-shelf").display_name == "Top Shelf"


# Values a spreadsheet would run as formulas, values that only look escaped, and one that is neither.
FORMULA_LIKE = {
    "=SUM(A1)": "'=SUM(A1)",
    "-5 degree sleeping bag": "'-5 degree sleeping bag",
    "@home": "'@home",
    "+1 phone": "'+1 phone",
    "'quoted": "'quoted",
    "'=already": "''=already",
    "''@twice": "'''@twice",
    "Plain 'n' simple": "Plain 'n' simple",
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_export_neutralises_cells_a_spreadsheet_would_run_as_formulas(alice: User, alice_api) -> None:
    for name in FORMULA_LIKE:
        create_item(alice_api, name=name, picture_url='=HYPERLINK("https://evil.example")')
    # The API refuses control characters, but a row stored before that rule may hold them.
    make_items(alice, ["\t=cmd|' /C calc'!A0", "\r=1+1"])

    text = export_csv(alice_api)

    names = [row["name"] for row in csv_rows(text)]
    assert names == [*FORMULA_LIKE.values(), "'\t=cmd|' /C calc'!A0", "'\r=1+1"]
    pictures = {row["picture_url"] for row in csv_rows(text)[: len(FORMULA_LIKE)]}
    assert pictures == {'\'=HYPERLINK("https://evil.example")'}
    cells = [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert [item["name"] for item in export(alice_api)["items"]][: len(FORMULA_LIKE)] == list(FORMULA_LIKE)


def test_csv_import_takes_off_exactly_the_quote_the_export_adds(bob: User, bob_api: ApiClient) -> None:
    written = ["'=SUM(A1)", "''=already", "'quoted", "'''@twice", "=SUM(B2)", "'", "'-"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER.split(","))
    for name in written:
        writer.writerow(
            ["", name, "'@", "Miscellaneous", "Keep", "2020-01-01T00:00:00Z", "2024-01-01T00:00:00Z", "12", "", ""]
        )

    assert imported(import_csv(bob_api, out.getvalue()))["items_created"] == len(written)

    stored_names = OwnedItem.objects.filter(user=bob).values_list("name", "picture_url")
    assert sorted(stored_names) == sorted(
        (name, "@") for name in ["=SUM(A1)", "'=already", "'quoted", "''@twice", "=SUM(B2)", "'", "-"]
    )


def test_csv_round_trip_gives_back_formula_like_values_exactly(alice: User, alice_api, bob: User, bob_api) -> None:
    for name in FORMULA_LIKE:
        create_item(alice_api, name=name, picture_url=f"{name[:1]}1")
    text = export_csv(alice_api)

    assert imported(import_csv(bob_api, text))["items_created"] == len(FORMULA_LIKE)

    def values(user: User) -> list[tuple[str, str]]:
        return sorted(OwnedItem.objects.filter(user=user).values_list("name", "picture_url"))

    assert values(bob) == values(alice)
    assert sorted(row["name"] for row in csv_rows(export_csv(bob_api))) == sorted(FORMULA_LIKE.values())


def test_importing_your_own_export_changes_nothing(alice: User, alice_data: dict[str, Any], alice_api) -> None:
    before = stored(alice)
    result = imported(import_json(alice_api, export(alice_api)))
    assert result == {"items_created": 0, "items_skipped": 5, "locations_created": 0}
    assert imported(import_csv(alice_api, export_csv(alice_api)))["items_created"] == 0
    assert stored(alice) == before


@pytest.mark.parametrize("export_format", ["json", "csv"])
def test_importing_twice_into_another_account_creates_nothing_the_second_time(
    alice_data: dict[str, Any], alice_api: ApiClient, bob: User, bob_api: ApiClient, export_format: str
) -> None:
    send = import_json if export_format == "json" else import_csv
    exported = export(alice_api) if export_format == "json" else export_csv(alice_api)
    assert imported(send(bob_api, exported))["items_created"] == 5
    after_first = stored(bob)
    assert imported(send(bob_api, exported)) == {"items_created": 0, "items_skipped": 5, "locations_created": 0}
    assert stored(bob) == after_first


# --- All or nothing --------------------------------------------------------------------------------------
BAD_ITEMS = [
    ({"status": "Maybe"}, "items[1].status: Input should be 'Keep', 'Give' or 'Donate'"),
    ({"item_type": "Spaceship"}, "items[1].item_type: Input should be"),
    ({"item_received_date": "2023-13-45"}, "items[1].item_received_date: Input should be a valid datetime"),
    ({"last_used": "2999-01-01T00:00:00Z"}, "items[1].last_used: Value error, date cannot be more than 24 hours"),
    ({"ownership_duration_goal_months": 0}, "items[1].ownership_duration_goal_months: Input should be greater"),
    ({"ownership_duration_goal_months": 1201}, "items[1].ownership_duration_goal_months: Input should be less"),
    ({"ownership_duration_goal_months": "12"}, "items[1].ownership_duration_goal_months: Input should be a valid"),
    ({"name": "x" * 256}, "items[1].name: String should have at most 255 characters"),
    ({"name": "a\x00b"}, "items[1].name: Value error, must not contain control characters"),
    ({"picture_url": "javascript:alert(1)"}, "items[1].picture_url: Value error"),
    ({"location_path": "nowhere"}, "items[1].location_path: is neither a location of the document nor yours"),
    ({"id": "not-a-uuid"}, "items[1].id: Input should be a valid UUID"),
]


@pytest.mark.parametrize(("change", "detail"), BAD_ITEMS)
def test_a_bad_item_row_is_a_400_naming_it_and_writes_nothing(
    alice_data: dict[str, Any], alice_api: ApiClient, bob: User, bob_api: ApiClient, change: dict, detail: str
) -> None:
    data = export(alice_api)
    data["items"][1].update(change)
    before = stored(bob)
    response = import_json(bob_api, data)
    assert_validation_error(response)
    assert response.json()["detail"].startswith(detail), response.json()["detail"]
    assert stored(bob) == before


def test_a_missing_field_is_named(bob: User, bob_api: ApiClient) -> None:
    row = item_row()
    del row["name"]
    response = import_json(bob_api, document([item_row("Fine"), row]))
    assert_validation_error(response)
    assert response.json()["detail"] == "items[1].name: Field required"
    assert response.json()["errors"] == [{"loc": ["items", "1", "name"], "msg": "Field required", "type": "missing"}]
    assert not OwnedItem.objects.filter(user=bob).exists()


def test_every_bad_row_is_named(bob_api: ApiClient) -> None:
    rows = [item_row(status="Maybe"), item_row(), item_row(ownership_duration_goal_months=0)]
    detail = import_json(bob_api, document(rows)).json()["detail"]
    assert "items[0].status: " in detail and "items[2].ownership_duration_goal_months: " in detail
    assert "items[1]" not in detail


DOCUMENT_PROBLEMS = [
    (document([], version=2), "version: Input should be 1"),
    ({"items": []}, "version: Field required"),
    ([1, 2], "body: Input should be a JSON object"),
    (
        document([], [{"display_name": "Shelf", "full_path": "attic/shelf"}]),
        'locations[0].full_path: its parent "attic"',
    ),
    (document([], [{"display_name": "Shelf", "full_path": "top"}]), 'locations[0].full_path: must end with "shelf"'),
    (
        document([], [{"display_name": "A", "full_path": "a"}, {"display_name": "A", "full_path": "a"}]),
        "locations[1].full_path: appears more than once",
    ),
    (document([], [{"display_name": "", "full_path": "a"}]), "locations[0].display_name: String should have at least"),
    (
        document(
            [], checkups=[{"checkup_type": "keep", "checkup_interval_months": 13, "last_checkup_date": "2024-01-01"}]
        ),
        "checkups[0].checkup_interval_months: Input should be less than or equal to 12",
    ),
    (document([], user={"email_notifications": "yes"}), "user.email_notifications: Input should be a valid boolean"),
]


@pytest.mark.parametrize(("data", "detail"), DOCUMENT_PROBLEMS)
def test_a_bad_document_is_a_400_and_writes_nothing(bob: User, bob_api: ApiClient, data: Any, detail: str) -> None:
    data = copy.deepcopy(data)
    if isinstance(data, dict) and "version" in data:
        data["items"] = [item_row()]
    before = stored(bob)
    response = import_json(bob_api, data)
    assert_validation_error(response)
    assert response.json()["detail"].startswith(detail), response.json()["detail"]
    assert stored(bob) == before


def test_a_document_id_twice_is_refused(bob: User, bob_api: ApiClient) -> None:
    row = item_row()
    response = import_json(bob_api, document([row, {**row, "name": "Other"}]))
    assert response.status_code == 400
    assert response.json()["detail"] == "items[1].id: appears more than once"
    assert not OwnedItem.objects.filter(user=bob).exists()


def test_locations_deeper_than_the_tree_allows_are_refused(bob: User, bob_api: ApiClient) -> None:
    paths = ["/".join(f"l{level}" for level in range(depth + 1)) for depth in range(11)]
    locations = [{"display_name": path.rpartition("/")[2], "full_path": path} for path in paths]
    response = import_json(bob_api, document([], locations))
    assert response.status_code == 400
    assert response.json()["detail"] == "locations[10].full_path: Locations can be nested at most 10 levels deep"
    assert not Location.objects.filter(user=bob).exists()


def test_the_import_refuses_a_location_too_deep_in_the_words_of_the_location_routes(alice_api, bob_api) -> None:
    parent = None
    for level in range(10):
        parent = create_location(alice_api, f"l{level}", parent)
    refused = alice_api.post("/api/locations", {"display_name": "l10", "parent_id": parent["id"]})
    place = {"display_name": "l10", "full_path": f"{parent['full_path']}/l10"}

    response = import_json(alice_api, document([], [place]))

    assert refused.status_code == response.status_code == 400
    assert response.json()["detail"] == f"locations[0].full_path: {refused.json()['detail']}"


# Six of these letters slugify to a 100-character segment (the column's size): five segments make a 504-character
# path from a short CSV cell.
LONG_SEGMENT = "\ufdfa" * 6


def test_the_import_refuses_a_path_too_long_in_the_words_of_the_location_routes(alice_api, bob: User, bob_api) -> None:
    parent = None
    for _level in range(4):
        parent = create_location(alice_api, LONG_SEGMENT, parent)
    refused = alice_api.post("/api/locations", {"display_name": LONG_SEGMENT, "parent_id": parent["id"]})
    cell = " / ".join([LONG_SEGMENT] * 5)
    text = f"{CSV_HEADER}\n,Vase,🏺,Decor_Art,Keep,2020-01-01T00:00:00Z,2024-01-01T00:00:00Z,12,{cell},\n"

    response = import_csv(bob_api, text, "/api/import?format=csv")

    assert refused.status_code == response.status_code == 400
    assert refused.json()["detail"] == "A location path can be at most 500 characters long"
    assert response.json()["detail"] == f"row 2: location_path: {refused.json()['detail']}"
    assert not Location.objects.filter(user=bob).exists()


def test_a_csv_segment_is_held_to_the_location_name_rule(bob: User, bob_api: ApiClient) -> None:
    refused = bob_api.post("/api/locations", {"display_name": "x" * 101})
    text = f"{CSV_HEADER}\n,Vase,🏺,Decor_Art,Keep,2020-01-01T00:00:00Z,2024-01-01T00:00:00Z,12,home/{'x' * 101},\n"

    response = import_csv(bob_api, text, "/api/import?format=csv")

    assert refused.json()["detail"] == "display_name: String should have at most 100 characters"
    assert response.json()["detail"] == "row 2: location_path: segment 2: String should have at most 100 characters"
    assert not Location.objects.filter(user=bob).exists()


@pytest.mark.parametrize("as_csv", [False, True])
def test_a_body_over_the_upload_limit_is_a_413(bob: User, bob_api: ApiClient, settings, as_csv: bool) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    csv_body = CSV_HEADER + "\n" + "x" * 3_000
    rows = [item_row(f"Thing {n}") for n in range(20)]
    response = import_csv(bob_api, csv_body) if as_csv else import_json(bob_api, document(rows))
    assert response.status_code == 413
    assert not OwnedItem.objects.filter(user=bob).exists()


def test_malformed_json_is_a_400(bob_api: ApiClient) -> None:
    response = bob_api.post("/api/import", '{"version": 1, "items": [')
    assert response.status_code == 400
    assert response.json()["detail"].startswith("The body is not valid JSON")


CSV_PROBLEMS = [
    ("status", "Maybe", "row 3: status: Input should be 'Keep', 'Give' or 'Donate'"),
    (
        "ownership_duration_goal_months",
        "many",
        "row 3: ownership_duration_goal_months: Input should be a valid integer",
    ),
    ("ownership_duration_goal_months", "0", "row 3: ownership_duration_goal_months: Input should be greater than"),
    ("item_received_date", "yesterday", "row 3: item_received_date: Input should be a valid datetime"),
    ("name", "", "row 3: name: Field required"),
    ("location_path", "home//shelf", "row 3: location_path: has an empty segment"),
]


@pytest.mark.parametrize(("column", "value", "detail"), CSV_PROBLEMS)
def test_a_bad_csv_row_is_a_400_naming_it_and_writes_nothing(
    alice_data: dict[str, Any],
    alice_api: ApiClient,
    bob: User,
    bob_api: ApiClient,
    column: str,
    value: str,
    detail: str,
) -> None:
    rows = csv_rows(export_csv(alice_api))
    rows[1][column] = value  # row 3 of the file: the header is row 1
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_HEADER.split(","))
    writer.writeheader()
    writer.writerows(rows)
    before = stored(bob)
    response = import_csv(bob_api, out.getvalue())
    assert_validation_error(response)
    assert response.json()["detail"].startswith(detail), response.json()["detail"]
    assert stored(bob) == before


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        (CSV_HEADER.replace(",status", "") + "\n", "The CSV header is missing column(s): status"),
        ("", "The CSV is empty"),
        (f"{CSV_HEADER}\n,A,🏺,Other,Keep,2020-01-01,2021-01-01,12,,,extra\n", "row 2: has more cells than the header"),
    ],
)
def test_a_csv_of_the_wrong_shape_is_a_400(bob: User, bob_api: ApiClient, text: str, detail: str) -> None:
    response = import_csv(bob_api, text, "/api/import?format=csv")  # an empty body has no Content-Type
    assert response.status_code == 400
    assert response.json()["detail"].startswith(detail)
    assert not OwnedItem.objects.filter(user=bob).exists()


# --- Limits ----------------------------------------------------------------------------------------------
def test_an_import_over_the_item_limit_writes_nothing(alice: User, alice_api: ApiClient) -> None:
    make_items(alice, 8)
    place = {"display_name": "Attic", "full_path": "attic"}
    rows = [item_row(f"New {n}", location_path="attic") for n in range(3)]
    response = import_json(alice_api, document(rows, [place]))
    assert response.status_code == 400
    assert response.json()["detail"] == "Cannot add 3 item(s). You have 8/10 items. Only 2 slot(s) remaining."
    assert OwnedItem.objects.filter(user=alice).count() == 8
    assert not Location.objects.filter(user=alice).exists()
    assert imported(import_json(alice_api, document(rows[:2], [place])))["items_created"] == 2
    assert OwnedItem.objects.filter(user=alice).count() == 10


def test_skipped_items_do_not_count_against_the_limit(alice: User, alice_api: ApiClient) -> None:
    make_items(alice, 10)
    assert imported(import_json(alice_api, export(alice_api))) == {
        "items_created": 0,
        "items_skipped": 10,
        "locations_created": 0,
    }


def test_an_import_over_the_location_limit_writes_nothing(alice: User, alice_api: ApiClient, settings) -> None:
    settings.MAX_LOCATIONS_PER_USER = 3
    create_location(alice_api, "Home")
    places = [{"display_name": name, "full_path": f"home/{name}"} for name in ("a", "b", "c")]
    response = import_json(alice_api, document([item_row()], places))
    assert response.status_code == 400
    assert response.json()["detail"] == "Cannot add 3 locations. You have 1/3 locations."
    assert Location.objects.filter(user=alice).count() == 1
    assert not OwnedItem.objects.filter(user=alice).exists()


def test_the_import_refuses_a_location_over_the_limit_in_the_words_of_the_location_routes(
    alice: User, alice_api: ApiClient, settings
) -> None:
    settings.MAX_LOCATIONS_PER_USER = 1
    create_location(alice_api, "Home")
    refused = alice_api.post("/api/locations", {"display_name": "Garage"})

    response = import_json(alice_api, document([], [{"display_name": "Garage", "full_path": "garage"}]))

    assert refused.json()["detail"] == "Cannot add a location. You have 1/1 locations."
    assert response.status_code == 400
    assert response.json()["detail"] == refused.json()["detail"]
    assert Location.objects.filter(user=alice).count() == 1


def test_admins_have_no_item_limit(admin: User, admin_api: ApiClient) -> None:
    result = imported(import_json(admin_api, document([item_row(f"Thing {n}") for n in range(25)])))
    assert result["items_created"] == 25
    assert OwnedItem.objects.filter(user=admin).count() == 25


def test_import_queries_do_not_grow_with_the_items(admin_api: ApiClient) -> None:
    counts = []
    for total in (5, 50):
        places = [
            {"display_name": "Home", "full_path": "home"},
            {"display_name": f"Box {total}", "full_path": f"home/box-{total}"},
        ]
        rows = [item_row(f"Thing {n}", location_path=f"home/box-{total}") for n in range(total)]
        with CaptureQueriesContext(connection) as queries:
            assert imported(import_json(admin_api, document(rows, places)))["items_created"] == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Another user's ids ----------------------------------------------------------------------------------
def test_another_users_ids_are_never_touched(
    alice: User, alice_data: dict[str, Any], alice_api, bob: User, bob_api
) -> None:
    alices = export(alice_api)
    before = list(OwnedItem.objects.filter(user=alice).order_by("id").values())
    forged = copy.deepcopy(alices)
    for item in forged["items"]:
        item["name"] = f"Bob's {item['name']}"
        item["status"] = "Donate"
    result = imported(import_json(bob_api, forged))
    # Told apart from unknown ids in nothing: created as new items, none "skipped".
    assert result == {"items_created": 5, "items_skipped": 0, "locations_created": 4}
    assert list(OwnedItem.objects.filter(user=alice).order_by("id").values()) == before
    bobs = set(OwnedItem.objects.filter(user=bob).values_list("id", flat=True))
    assert len(bobs) == 5 and not bobs & {uuid.UUID(item["id"]) for item in alices["items"]}
    assert export(alice_api)["items"] == alices["items"]


def test_a_foreign_id_gets_the_same_answer_as_an_unknown_one(alice: User, bob_api: ApiClient) -> None:
    (alices,) = make_items(alice, 1)
    foreign = imported(import_json(bob_api, document([item_row("One", id=str(alices.id))])))
    unknown = imported(import_json(bob_api, document([item_row("Two", id=str(uuid.uuid4()))])))
    assert foreign == unknown == {"items_created": 1, "items_skipped": 0, "locations_created": 0}
    assert OwnedItem.objects.get(pk=alices.pk).user_id == alice.pk


# --- The admin action ------------------------------------------------------------------------------------
def logged_in(username: str, password: str) -> Client:
    """A client signed in through the admin's login form. (force_login would do, but its request has no
    address, which django-axes then fails to store in PostgreSQL's inet column.)"""
    client = Client(REMOTE_ADDR="127.0.0.1")
    response = client.post("/admin/login/?next=/admin/", {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def admin_client(db) -> Client:
    User.objects.create_superuser(username="root", email="root@example.com", password="correct horse battery")
    return logged_in("root", "correct horse battery")


def test_the_admin_downloads_one_users_export(alice: User, alice_data: dict[str, Any], admin_client: Client) -> None:
    response = admin_client.post("/admin/users/user/", {"action": "export_data", "_selected_action": [alice.pk]})
    assert response.streaming
    assert re.fullmatch(r'attachment; filename="minnow-export-\d{4}-\d\d-\d\d\.json"', response["Content-Disposition"])
    data = json.loads(body(response))
    assert data["user"]["username"] == "alice"
    assert {item["name"] for item in data["items"]} == {"Wool Sweater", "Old Lamp", "Bike", "Café Mug ☕", "Toolbox"}


def test_the_admin_action_refuses_several_users(alice: User, bob: User, admin_client: Client) -> None:
    response = admin_client.post(
        "/admin/users/user/", {"action": "export_data", "_selected_action": [alice.pk, bob.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Select exactly one user to export their data." in response.content.decode()


def test_the_admin_action_needs_the_change_permission(alice: User) -> None:
    viewer = make_user("viewer", is_staff=True)
    viewer.set_password("correct horse battery")
    viewer.save()
    viewer.user_permissions.add(*Permission.objects.filter(codename="view_user"))
    client = logged_in("viewer", "correct horse battery")
    response = client.post("/admin/users/user/", {"action": "export_data", "_selected_action": [alice.pk]})
    assert not getattr(response, "streaming", False)


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_and_creates_never_pass_the_item_limit(alice: User) -> None:
    """Two imports of 3 items and two single creates at once, for a user holding 5 of 10: the user lock
    serialises them, so at most the limit is stored and every refusal is a 400 that wrote nothing."""
    make_items(alice, 5)
    imports = [document([item_row(f"Import {run} {n}") for n in range(3)]) for run in range(2)]

    def import_(body: dict[str, Any]) -> int:
        return api_for(alice).post("/api/import", body).status_code

    def create(name: str) -> int:
        return api_for(alice).post("/api/items", item_payload(name=name)).status_code

    statuses = run_together(
        lambda: import_(imports[0]), lambda: import_(imports[1]), lambda: create("One"), lambda: create("Two")
    )

    assert set(statuses) <= {200, 201, 400}
    assert 400 in statuses  # 5 + 3 + 3 + 1 + 1 items asked for: something must be refused
    names = set(OwnedItem.objects.filter(user=alice).values_list("name", flat=True))
    assert len(names) <= 10
    for run, status in enumerate(statuses[:2]):  # an import is all or nothing
        imported = {f"Import {run} {n}" for n in range(3)}
        assert imported <= names if status == 200 else not imported & names
    for name, status in zip(("One", "Two"), statuses[2:], strict=True):
        assert (name in names) == (status == 201)
    assert len(names) == 5 + 3 * statuses[:2].count(200) + statuses[2:].count(201)
