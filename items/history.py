"""An item's history: one ItemEvent per change, written by the service that makes the change, in its
transaction. Values are in the API's JSON form (datetimes as the API writes them, UUIDs as strings), so
an event's `changes` read like the item's JSON: `{"field": [old, new]}`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from items.models import EDITABLE_ITEM_FIELDS, ItemAction, ItemEvent, OwnedItem
from items.selectors import item_json
from minNow import live

# What an event tells about an item: the fields a person sets and where it is.
HISTORY_FIELDS = (*EDITABLE_ITEM_FIELDS, "current_location_id", "location_path")
_iso = DjangoJSONEncoder().default  # the API's datetime format: "2024-01-05T10:30:00.123Z"


def json_value(value: Any) -> Any:
    """`value` as the API's JSON writes it."""
    if isinstance(value, datetime):
        return _iso(value)
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(item: OwnedItem) -> dict[str, Any]:
    """The item's HISTORY_FIELDS in JSON form (its place must be loaded, or None)."""
    return {field: json_value(getattr(item, field)) for field in HISTORY_FIELDS}


def created_event(item: OwnedItem, *, at: datetime | None = None) -> ItemEvent:
    """The `created` event of a new item (unsaved, for bulk_create): every field as [null, value]; the place
    only when it has one."""
    fields = snapshot(item)
    if fields["current_location_id"] is None:
        del fields["current_location_id"], fields["location_path"]
    return ItemEvent(
        user_id=item.user_id,
        item_id=item.pk,
        item_name=item.name,
        action=ItemAction.CREATED,
        changes={field: [None, value] for field, value in fields.items()},
        at=at or timezone.now(),
    )


def record_created(item: OwnedItem) -> ItemEvent:
    """Record a new item (one insert)."""
    event = created_event(item)
    event.save(force_insert=True)
    live.publish(item.user_id, "item.created", item.pk, at=event.at, item=item_json(item))
    return event


def record_changed(item: OwnedItem, before: Mapping[str, Any]) -> ItemEvent | None:
    """Record what changed since `before` (snapshot taken before the change), one insert; nothing when nothing
    changed. A change of status is `status_changed`, else a change of place `moved`, else `updated`; the
    event carries every changed field either way."""
    after = snapshot(item)
    changes = {field: [before[field], after[field]] for field in HISTORY_FIELDS if before[field] != after[field]}
    if not changes:
        return None
    if "status" in changes:
        action = ItemAction.STATUS_CHANGED
    elif "current_location_id" in changes:
        action = ItemAction.MOVED
    else:
        action = ItemAction.UPDATED
    event = ItemEvent(user_id=item.user_id, item_id=item.pk, item_name=item.name, action=action, changes=changes)
    event.save(force_insert=True)
    live.publish(
        item.user_id, "item.updated", item.pk, at=event.at, action=action, changed=sorted(changes), item=item_json(item)
    )
    return event


def deleted_event(user_id: int, item_id: UUID, name: str) -> ItemEvent:
    """The `deleted` event of an item (unsaved): its last name."""
    return ItemEvent(
        user_id=user_id, item_id=item_id, item_name=name, action=ItemAction.DELETED, changes={"name": [name, None]}
    )


def record_deleted(deleted: Iterable[tuple[int, UUID, str]]) -> None:
    """Record the deletion of these (owner's pk, item id, last name) items, in one insert."""
    events = [deleted_event(user_id, item_id, name) for user_id, item_id, name in deleted]
    if events:
        ItemEvent.objects.bulk_create(events)
    for event in events:
        live.publish(event.user_id, "item.deleted", event.item_id, at=event.at)
