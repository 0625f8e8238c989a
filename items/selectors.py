"""Read queries for items and badges, each a fixed number of queries whatever the data size."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from items.models import (
    DONATED_BADGE_TIERS,
    EDITABLE_ITEM_FIELDS,
    GIVEN_STATUSES,
    KEEP_BADGE_TIERS,
    Checkup,
    ItemType,
    OwnedItem,
    TimeSpan,
    badge_progress,
)
from locations.models import Location
from minNow.errors import NotFound
from users.models import User

# The stored fields an item's JSON is built from, and the location path beside them.
ITEM_COLUMNS = ("id", *EDITABLE_ITEM_FIELDS, "current_location_id", "location_updated_at")


def items_for_user(
    user: User,
    *,
    status: str | None = None,
    item_type: str | None = None,
    q: str | None = None,
    location_id: UUID | None = None,
    include_sublocations: bool = False,
) -> QuerySet[OwnedItem]:
    """The caller's items, newest first, filtered. `location_id` with `include_sublocations` also takes the
    items anywhere below that place (one query more, for the place's path); another user's place finds none."""
    items = OwnedItem.objects.filter(user=user).select_related("current_location")
    if status:
        items = items.filter(status=status)
    if item_type:
        items = items.filter(item_type=item_type)
    if q:
        items = items.filter(name__icontains=q)
    if location_id and include_sublocations:
        path = Location.objects.filter(user=user, pk=location_id).values_list("full_path", flat=True).first()
        if path is None:
            return items.none()
        items = items.filter(Q(current_location_id=location_id) | Q(current_location__full_path__startswith=f"{path}/"))
    elif location_id:
        items = items.filter(current_location_id=location_id)
    return items.order_by("-created_at", "-id")


def item_out(fields: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """An item's JSON (ItemOut) from its stored fields and location path: each duration is computed once."""
    owned = TimeSpan.from_dates(fields["item_received_date"], now)
    used = TimeSpan.from_dates(fields["last_used"], now)
    months, goal = owned.total_months, fields["ownership_duration_goal_months"]
    return {
        "id": fields["id"],
        "name": fields["name"],
        "picture_url": fields["picture_url"],
        "item_type": fields["item_type"],
        "status": fields["status"],
        "item_received_date": fields["item_received_date"],
        "last_used": fields["last_used"],
        "ownership_duration": owned.as_json(),
        "last_used_duration": used.as_json(),
        "keep_badge_progress": badge_progress(
            KEEP_BADGE_TIERS, item_type=fields["item_type"], value=months, noun="Keeper", unit="months"
        ),
        "ownership_duration_goal_months": goal,
        "ownership_duration_goal_progress": round(min(months / goal, 1.0), 2),
        "current_location_id": fields["current_location_id"],
        "location_path": fields["location_path"],
        "location_updated_at": fields["location_updated_at"],
    }


def item_json(item: OwnedItem) -> dict[str, Any]:
    """The JSON of one item instance (as a write or the agent returns it)."""
    fields = {column: getattr(item, column) for column in ITEM_COLUMNS}
    return item_out({**fields, "location_path": item.location_path}, timezone.now())


def item_page(items: QuerySet[OwnedItem], *, limit: int | None, offset: int) -> tuple[list[dict[str, Any]], int]:
    """One page of items as JSON and the total without paging (one query without a limit, two with)."""
    rows = items.values(*ITEM_COLUMNS, location_path=F("current_location__full_path"))
    if limit is None and not offset:
        page = list(rows)
        total = len(page)
    else:
        total = items.count()
        page = list(rows[offset : None if limit is None else offset + limit])
    now = timezone.now()
    return [item_out(row, now) for row in page], total


def item_for_user(user: User, item_id: UUID) -> dict[str, Any]:
    row = items_for_user(user).filter(pk=item_id).values(*ITEM_COLUMNS, location_path=F("current_location__full_path"))
    fields = row.first()
    if fields is None:
        raise NotFound("Item not found")
    return item_out(fields, timezone.now())


def donated_badges(user: User) -> dict[str, list[dict]]:
    """Giver badges per item type, for types with at least one item given or donated."""
    counts = dict(
        OwnedItem.objects.filter(user=user, status__in=GIVEN_STATUSES)
        .order_by()
        .values("item_type")
        .annotate(given=Count("id"))
        .values_list("item_type", "given")
    )
    return {
        item_type: badge_progress(
            DONATED_BADGE_TIERS, item_type=item_type, value=counts[item_type], noun="Giver", unit="items"
        )
        for item_type in ItemType.values
        if counts.get(item_type)
    }


def checkups_for_user(user: User, *, checkup_type: str | None = None) -> list[Checkup]:
    checkups = Checkup.objects.filter(user=user).order_by("id")
    if checkup_type:
        checkups = checkups.filter(checkup_type=checkup_type)
    return list(checkups)
