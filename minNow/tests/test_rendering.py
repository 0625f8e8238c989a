"""Responses rendered with orjson, and reads that skip the second validation: the JSON a client gets is exactly
what validating the data against the operation's response schema and encoding it as Django does would give."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
import time_machine
from ninja.responses import NinjaJSONEncoder
from pydantic import TypeAdapter

from config.testing import api_for, create_item, create_location, item_payload
from items.models import ItemStatus, ItemType
from items.schemas import BadgeOut, ItemOut
from locations.schemas import LocationOut, LocationSearchOut, LocationTreeNode
from minNow.rendering import dumps

pytestmark = pytest.mark.django_db


def through_schema(schema: Any, body: Any) -> Any:
    """`body` validated against `schema`, dumped and encoded the way django-ninja does it."""
    adapter = TypeAdapter(schema)
    return json.loads(json.dumps(adapter.dump_python(adapter.validate_python(body)), cls=NinjaJSONEncoder))


@pytest.fixture
def placed(alice_api):
    home = create_location(alice_api, "Home")
    shelf = create_location(alice_api, "Living Room Shelf", home)
    create_item(alice_api, name="Wool Sweater", current_location_id=shelf["id"])
    create_item(alice_api, name="Old Lamp", status=ItemStatus.DONATE, item_type=ItemType.FURNITURE_APPLIANCES)
    create_item(
        alice_api,
        name="Desk",
        status=ItemStatus.GIVE,
        item_type=ItemType.FURNITURE_APPLIANCES,
        last_used="2024-06-30T23:59:59.987654Z",
    )
    return home, shelf


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/items", list[ItemOut]),
        ("/api/items?limit=2&offset=1", list[ItemOut]),
        ("/api/badges/donated", dict[str, list[BadgeOut]]),
        ("/api/locations", list[LocationOut]),
        ("/api/locations/tree", list[LocationTreeNode]),
        ("/api/locations/search?q=room", list[LocationSearchOut]),
    ],
)
def test_trusted_reads_match_their_response_schema(alice_api, placed, path, schema):
    response = alice_api.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body, "the fixture's data shows up"
    assert body == through_schema(schema, body)


def test_item_detail_create_and_update_match_item_out(alice_api, placed):
    created = alice_api.post("/api/items", item_payload(name="Tent")).json()
    detail = alice_api.get(f"/api/items/{created['id']}").json()
    updated = alice_api.put(f"/api/items/{created['id']}", {"name": "Big Tent"}).json()

    for body in (created, detail, updated):
        assert body == through_schema(ItemOut, body)
    assert detail == created
    assert updated == {**created, "name": "Big Tent"}


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 6, 30, 23, 59, 59, 987654, tzinfo=UTC),
        datetime(2024, 6, 30, 23, 59, 59, 999, tzinfo=UTC),  # under a millisecond
        datetime(2024, 6, 30, 23, 59, 59, tzinfo=UTC),
        datetime(2024, 6, 30, 23, 59, 59, 500000, tzinfo=timezone(timedelta(hours=9))),
        datetime(2024, 6, 30, 23, 59, 59, 120000),  # naive
    ],
)
def test_datetimes_are_encoded_as_django_does(moment):
    assert dumps({"at": moment}) == json.dumps({"at": moment}, cls=NinjaJSONEncoder, separators=(",", ":")).encode()


def test_a_utc_moment_reads_as_in_the_specification():
    moment = datetime(2024, 6, 30, 23, 59, 59, 987654, tzinfo=UTC)
    assert dumps({"at": moment, "day": moment.replace(microsecond=0)}) == (
        b'{"at":"2024-06-30T23:59:59.987Z","day":"2024-06-30T23:59:59Z"}'
    )


def test_error_bodies_are_rendered_by_the_same_renderer(alice_api):
    response = alice_api.get("/api/items/not-a-uuid")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert isinstance(response.json()["detail"], str)


def test_durations_follow_the_clock(alice):
    with time_machine.travel(datetime(2025, 1, 15, 12, 0, tzinfo=UTC), tick=False):
        created = create_item(
            api_for(alice), item_received_date="2023-01-15T10:30:00Z", ownership_duration_goal_months=24
        )
    with time_machine.travel(datetime(2026, 1, 15, 12, 0, tzinfo=UTC), tick=False):
        listed = api_for(alice).get("/api/items").json()[0]

    assert created["ownership_duration"]["description"] == "2y 0m"
    assert listed["ownership_duration"]["description"] == "3y 0m"
    assert listed["ownership_duration_goal_progress"] == 1.0  # 36 of 24 months
    assert [badge["achieved"] for badge in listed["keep_badge_progress"]] == [True, False, False]
