"""The item answer has one shape: `item_out`, the fast path every item route renders without validating, builds
exactly the JSON the `ItemOut` schema (what the OpenAPI document promises) would give for the same item."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.db.models import F
from ninja.responses import NinjaJSONEncoder

from config.testing import api_for, create_item, create_location
from items.models import ItemStatus, ItemType, OwnedItem
from items.schemas import ItemOut
from items.selectors import ITEM_COLUMNS, item_json, item_out

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


def stored_fields(item_id: str) -> dict[str, Any]:
    """The row `item_out` is built from, read as the list and detail routes read it."""
    rows = OwnedItem.objects.filter(pk=item_id).values(*ITEM_COLUMNS, location_path=F("current_location__full_path"))
    return rows.get()


def through_item_out(body: dict[str, Any]) -> Any:
    """`body` validated by ItemOut and encoded as django-ninja encodes a validated response."""
    return json.loads(json.dumps(ItemOut.model_validate(body).model_dump(), cls=NinjaJSONEncoder))


@pytest.fixture
def answers(alice) -> list[dict[str, Any]]:
    """Items as the API answers them: one placed with every field set, one with no place and defaults."""
    with time_machine.travel(NOW, tick=False):
        alice_api = api_for(alice)  # a token issued at the frozen time
        shelf = create_location(alice_api, "Shelf", create_location(alice_api, "Home"))
        placed = create_item(
            alice_api,
            name="Wool Sweater",
            status=ItemStatus.GIVE,
            item_type=ItemType.CLOTHING_ACCESSORIES,
            item_received_date="2020-01-15T10:30:00.123456Z",
            ownership_duration_goal_months=24,
            current_location_id=shelf["id"],
        )
        unplaced = create_item(alice_api, name="Lamp")
        return [alice_api.get(f"/api/items/{item['id']}").json() for item in (placed, unplaced)]


def test_the_fast_path_has_exactly_the_schemas_keys_in_its_order(answers):
    for answer in answers:
        built = item_out(stored_fields(answer["id"]), NOW)

        assert list(built) == list(ItemOut.model_fields)
        assert list(answer) == list(ItemOut.model_fields)


def test_the_fast_path_round_trips_through_the_schema_to_the_apis_json(answers):
    assert answers[0]["location_path"] and answers[1]["location_path"] is None
    for answer in answers:
        built = item_out(stored_fields(answer["id"]), NOW)

        assert through_item_out(built) == answer
        assert json.loads(json.dumps(built, cls=NinjaJSONEncoder)) == answer


def test_an_instance_renders_as_its_row_does(answers):
    for answer in answers:
        item = OwnedItem.objects.select_related("current_location").get(pk=answer["id"])
        with time_machine.travel(NOW, tick=False):
            built = item_json(item)

        assert through_item_out(built) == answer
