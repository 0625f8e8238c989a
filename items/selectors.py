"""Read queries for items, badges, item stats and checkups, each a fixed number of queries whatever the data size."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext

from items.models import (
    DONATED_BADGE_TIERS,
    EDITABLE_ITEM_FIELDS,
    GIVEN_STATUSES,
    KEEP_BADGE_TIERS,
    Checkup,
    CheckupType,
    ItemEvent,
    ItemType,
    OwnedItem,
    TimeSpan,
    badge_progress,
    item_type_labels,
)
from locations.models import Location
from minNow.errors import BadRequest, NotFound
from minNow.text import matches_every_word
from users.models import User, is_user_admin

# The stored fields an item's JSON is built from, and the location path beside them.
ITEM_COLUMNS = ("id", *EDITABLE_ITEM_FIELDS, "current_location_id", "location_updated_at")
# What a search finds an item by: its own folded name and type label followed by its place's folded path,
# one column of the item's row (so PostgreSQL's trigram index serves it and no join is needed to match).
ITEM_SEARCH_FIELDS = ("full_search_text",)
ADMIN_REMAINING_SLOTS = 999  # what the stats show an admin, who has no item limit


def items_for_user(
    user: User,
    *,
    status: str | None = None,
    item_type: str | None = None,
    q: str | None = None,
    location_id: UUID | None = None,
    include_sublocations: bool = False,
    received_after: date | None = None,
    received_before: date | None = None,
    last_used_before: date | None = None,
) -> QuerySet[OwnedItem]:
    """The caller's items, newest first, filtered. Dates are the person's local days: `received_after` takes
    that whole day onwards, `received_before` and `last_used_before` what comes before the day starts. `q`
    matches as every search does (`matches_every_word` over ITEM_SEARCH_FIELDS). `location_id` with
    `include_sublocations` also takes the items anywhere below that place (one query more, for the place's
    path); another user's place finds none."""
    items = OwnedItem.objects.filter(user=user).select_related("current_location")
    if status:
        items = items.filter(status=status)
    if item_type:
        items = items.filter(item_type=item_type)
    if q:
        items = items.filter(matches_every_word(q, *ITEM_SEARCH_FIELDS))
    if location_id and include_sublocations:
        path = Location.objects.filter(user=user, pk=location_id).values_list("full_path", flat=True).first()
        if path is None:
            return items.none()
        items = items.filter(below_place(location_id, path))
    elif location_id:
        items = items.filter(current_location_id=location_id)
    if received_after:
        items = items.filter(item_received_date__gte=_moment(received_after, user.zone))
    if received_before:
        items = items.filter(item_received_date__lt=_moment(received_before, user.zone))
    if last_used_before:
        items = items.filter(last_used__lt=_moment(last_used_before, user.zone))
    return items.order_by("-created_at", "-id")


def below_place(place_id: UUID, path: str) -> Q:
    """Items placed at the place `place_id` (whose full_path is `path`) or anywhere below it. The "/" keeps
    out a sibling whose path merely starts the same (`home/garage-annex` is not below `home/garage`)."""
    return Q(current_location_id=place_id) | Q(current_location__full_path__startswith=f"{path}/")


def with_location_path(items: QuerySet[OwnedItem]) -> QuerySet[OwnedItem]:
    """`items` whose rows carry their place's path as `location_path`, to be read through `.values()` (an
    instance has the `location_path` property already, which is why the type checker objects to the name)."""
    return items.annotate(location_path=F("current_location__full_path"))  # type: ignore[no-redef]


def item_out(fields: Mapping[str, Any], now: datetime) -> dict[str, Any]:
    """An item's JSON (ItemOut) from its stored fields and location path: each duration is computed once."""
    owned = TimeSpan.from_dates(fields["item_received_date"], now)
    used = TimeSpan.from_dates(fields["last_used"], now)
    months, goal = owned.total_months, fields["ownership_duration_goal_months"]
    labels = item_type_labels(translation.get_language())
    return {
        "id": fields["id"],
        "name": fields["name"],
        "picture_url": fields["picture_url"],
        "item_type": fields["item_type"],
        "item_type_label": labels.get(fields["item_type"], fields["item_type"]),
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


def item_page(items: QuerySet[OwnedItem], *, limit: int | None, offset: int) -> tuple[list[dict[str, Any]], int, bool]:
    """One page of items as JSON, the total without paging and whether a page follows. One query when the page
    holds the last item (the total is then known), two when more follow or the page is past the end."""
    rows = items.values(*ITEM_COLUMNS, location_path=F("current_location__full_path"))
    fetched = list(rows[offset:] if limit is None else rows[offset : offset + limit + 1])
    has_next = limit is not None and len(fetched) > limit
    page = fetched[:limit] if has_next else fetched
    total = offset + len(page) if (page or not offset) and not has_next else items.count()
    now = timezone.now()
    return [item_out(row, now) for row in page], total, has_next


def item_for_user(user: User, item_id: UUID) -> dict[str, Any]:
    row = items_for_user(user).filter(pk=item_id).values(*ITEM_COLUMNS, location_path=F("current_location__full_path"))
    fields = row.first()
    if fields is None:
        raise NotFound(gettext("Item not found"))
    return item_out(fields, timezone.now())


def item_stats(user: User) -> dict[str, Any]:
    """How many items the user has, the limit, and how many more they may add."""
    count = OwnedItem.objects.filter(user=user).count()
    limit = settings.MAX_ITEMS_PER_USER
    remaining = ADMIN_REMAINING_SLOTS if is_user_admin(user) else max(limit - count, 0)
    return {
        "current_count": count,
        "max_items": limit,
        "remaining_slots": remaining,
        "can_add_items": remaining > 0,
    }


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
    return with_owner(list(checkups), user)


def with_owner(checkups: list[Checkup], user: User) -> list[Checkup]:
    """`checkups` (all of `user`'s) holding their owner, whose time zone their due date needs, without a query each."""
    for checkup in checkups:
        checkup.user = user
    return checkups


def checkup_for_user(user: User, checkup_id: int) -> Checkup:
    """The caller's checkup; NotFound for an unknown id or another user's."""
    checkup = Checkup.objects.filter(user=user, pk=checkup_id).first()
    if checkup is None:
        raise NotFound(gettext("Checkup not found"))
    return with_owner([checkup], user)[0]


def missing_default_checkups() -> list[tuple[User, list[str]]]:
    """Users lacking a keep or give checkup, with the types they lack (two queries)."""
    existing: dict[int, set[str]] = {}
    for user_id, checkup_type in Checkup.objects.values_list("user_id", "checkup_type"):
        existing.setdefault(user_id, set()).add(checkup_type)
    return [
        (user, [kind for kind in CheckupType.values if kind not in existing.get(user.pk, set())])
        for user in User.objects.order_by("pk")
        if len(existing.get(user.pk, ())) < len(CheckupType.values)
    ]


# --- Item history and the activity feed ------------------------------------------------------------------
ACTIVITY_COLUMNS = ("item_id", "item_name", "action", "at", "changes")


def item_history(user: User, item_id: UUID) -> list[dict[str, Any]]:
    """The caller's events of one item, newest first, in one query, whether the item still exists or not;
    NotFound when there are none (another person's item, or an id never seen)."""
    events = ItemEvent.objects.filter(user=user, item_id=item_id).order_by("-at", "-id")
    rows = list(events.values("at", "action", "changes"))
    if not rows:
        raise NotFound(gettext("Item not found"))
    return [dict(row) for row in rows]


def activity_page(
    user: User,
    *,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    cursor: str | None = None,
    limit: int,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of the caller's events across items (deleted ones too), newest first, and the cursor of the
    next page (None on the last one): one query, read down the (user, -at, -id) index. A plain date is a day
    on the person's clock: `since` from its start, `until` to its end; a datetime without offset is on that
    clock too."""
    events = ItemEvent.objects.filter(user=user)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__gte=_moment(since, user.zone))
    if isinstance(until, datetime):
        events = events.filter(at__lte=_moment(until, user.zone))
    elif until is not None and until < date.max:
        events = events.filter(at__lt=_moment(until + timedelta(days=1), user.zone))
    if cursor:
        at, pk = _decode_cursor(cursor)
        events = events.filter(at__lte=at).filter(Q(at__lt=at) | Q(pk__lt=pk))
    rows = list(events.order_by("-at", "-id").values("id", *ACTIVITY_COLUMNS)[: limit + 1])
    next_cursor = _encode_cursor(rows[limit - 1]["at"], rows[limit - 1]["id"]) if len(rows) > limit else None
    return [{column: row[column] for column in ACTIVITY_COLUMNS} for row in rows[:limit]], next_cursor


def _moment(value: date, zone: tzinfo) -> datetime:
    """The moment a date starts, or a datetime, on `zone`'s clock unless it has an offset; in UTC."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, time.min, zone)
    elif timezone.is_naive(value):
        value = value.replace(tzinfo=zone)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise BadRequest(gettext("date is out of range")) from None


def _encode_cursor(at: datetime, pk: int) -> str:
    """An opaque cursor: the (at, id) of the last event of a page."""
    return base64.urlsafe_b64encode(f"{at.isoformat()}|{pk}".encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        at, _, pk = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode().partition("|")
        moment, number = datetime.fromisoformat(at), int(pk)
        if timezone.is_naive(moment) or not 0 < number < 2**63:
            raise ValueError(cursor)
        return moment, number
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise BadRequest(gettext("The cursor is not one this API gave: start again without it")) from None
