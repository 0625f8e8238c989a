"""Request and response schemas for items, checkups, badges and stats."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlsplit
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field

from items.models import CheckupType, ItemAction, ItemStatus, ItemType
from minNow.schemas import Text

MAX_FUTURE = timedelta(hours=24)
_URL_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def _picture(value: str) -> str:
    """An emoji or short text, or an http(s) URL; any other URL scheme (javascript:, data:) is refused."""
    if _URL_SCHEME.match(value):
        parsed = urlsplit(value)
        if parsed.scheme.lower() not in {"http", "https"} or not parsed.netloc:
            raise ValueError(gettext("picture_url must be an emoji, short text or an http(s) URL"))
    return value


def _past_or_near(value: datetime) -> datetime:
    """Naive datetimes are taken as UTC; more than 24 hours in the future is refused."""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except OverflowError:
        raise ValueError(gettext("date is out of range")) from None
    if value > timezone.now() + MAX_FUTURE:
        raise ValueError(gettext("date cannot be more than 24 hours in the future"))
    return value


ItemName = Annotated[str, Text(max_length=255)]
PictureUrl = Annotated[str, Text(max_length=255), AfterValidator(_picture)]
ItemDate = Annotated[datetime, AfterValidator(_past_or_near)]
GoalMonths = Annotated[int, Field(ge=1, le=1200, strict=True)]
IntervalMonths = Annotated[int, Field(ge=1, le=12, strict=True)]


class ItemIn(Schema):
    name: ItemName
    picture_url: PictureUrl
    item_type: ItemType
    status: ItemStatus = ItemStatus.KEEP
    item_received_date: ItemDate
    last_used: ItemDate
    ownership_duration_goal_months: GoalMonths = 12
    current_location_id: UUID | None = None


class ItemUpdateIn(Schema):
    """Every field optional; a field that is sent must be valid (null is refused, not stored)."""

    # The types are not optional, only the defaults are: hence the default inside Annotated.
    name: Annotated[ItemName, Field(default=None)]
    picture_url: Annotated[PictureUrl, Field(default=None)]
    item_type: Annotated[ItemType, Field(default=None)]
    status: Annotated[ItemStatus, Field(default=None)]
    item_received_date: Annotated[ItemDate, Field(default=None)]
    last_used: Annotated[ItemDate, Field(default=None)]
    ownership_duration_goal_months: Annotated[GoalMonths, Field(default=None)]
    current_location_id: UUID | None = Field(None, description="One of your locations; null clears it")


class TimeSpanOut(Schema):
    years: int
    months: int
    days: int
    description: str


class BadgeOut(Schema):
    tier: str
    name: str
    description: str
    min: int
    unit: str
    progress: float
    achieved: bool


class ItemFieldsOut(Schema):
    """An item's id and the fields a person sets (an export's item starts with them)."""

    id: UUID
    name: str
    picture_url: str
    item_type: ItemType
    status: ItemStatus
    item_received_date: datetime
    last_used: datetime


class ItemOut(Schema):
    """An item answer: the fields of ItemFieldsOut, the type's label beside its value, and what is computed."""

    id: UUID
    name: str
    picture_url: str
    item_type: ItemType
    item_type_label: str = Field(description="The item type's label in the answer's language")
    status: ItemStatus
    item_received_date: datetime
    last_used: datetime
    ownership_duration: TimeSpanOut
    last_used_duration: TimeSpanOut
    keep_badge_progress: list[BadgeOut]
    ownership_duration_goal_months: int
    ownership_duration_goal_progress: float
    current_location_id: UUID | None
    location_path: str | None
    location_updated_at: datetime | None


# GET /api/items pages: an account with up to PAGE_SIZE matching items gets them all in one answer.
PAGE_SIZE = 100
MAX_PAGE_SIZE = 500


class ItemFilters(Schema):
    status: ItemStatus | None = None
    item_type: ItemType | None = None
    q: Annotated[str, Text(max_length=255)] | None = Field(
        None, description="Words that must each start a word of the item's name, type or place (any case or accents)"
    )
    location_id: UUID | None = Field(None, description="Items placed at this location")
    include_sublocations: bool = Field(False, description="With location_id: also items anywhere below it")
    limit: int = Field(
        PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f'Items per page (default {PAGE_SIZE}); a `Link: <...>; rel="next"` header names the next page',
    )
    offset: int = Field(0, ge=0, le=1_000_000)
    received_after: date | None = Field(
        None, description="YYYY-MM-DD: items received on that day (in your time zone) or later"
    )
    received_before: date | None = Field(
        None, description="YYYY-MM-DD: items received before that day starts (in your time zone)"
    )
    last_used_before: date | None = Field(
        None, description="YYYY-MM-DD: items last used before that day starts (in your time zone)"
    )


class ItemSearchIn(Schema):
    q: Annotated[str, Text(max_length=255)] = Field(
        description="Words that must each start a word of the item's name, type or place (any case or accents)"
    )


class ItemSearchOut(Schema):
    id: UUID
    name: str
    picture_url: str
    item_type: ItemType
    status: ItemStatus
    current_location_id: UUID | None
    location_path: str | None


class ItemStatsOut(Schema):
    current_count: int
    max_items: int
    remaining_slots: int
    can_add_items: bool


class CheckupOut(Schema):
    id: int
    last_checkup_date: datetime
    checkup_interval_months: int
    is_checkup_due: bool
    checkup_type: CheckupType


class CheckupFilters(Schema):
    type: CheckupType | None = None


class CheckupCreateIn(Schema):
    checkup_type: CheckupType
    interval_months: IntervalMonths = 1


class CheckupIntervalIn(Schema):
    interval_months: IntervalMonths


class SyncPreferencesIn(Schema):
    checkupInterval: IntervalMonths
    emailNotifications: Annotated[bool, Field(strict=True)]  # "yes" or 1 is a 400, as for the interval


class SyncPreferencesOut(Schema):
    message: str
    email_notifications: bool
    checkup_interval: int
    updated_checkups: list[CheckupOut]


class TestEmailIn(Schema):
    checkup_type: CheckupType


class TestEmailOut(Schema):
    checkup_type: CheckupType
    status: str
    recipient_email: str
    recipient_username: str


class InsightsFilters(Schema):
    unused_months: int = Field(
        6, ge=1, le=120, description="A kept item counts as unused when not used for this many months (default 6)"
    )


class LetGoMonthOut(Schema):
    month: str = Field(description="YYYY-MM on your calendar")
    given: int
    donated: int


class GoalsOut(Schema):
    reached: int = Field(description="Kept items owned at least their ownership goal")
    in_progress: int


class UnusedItemOut(Schema):
    id: UUID
    name: str
    item_type: ItemType
    last_used: datetime
    months_unused: int


class UnusedOut(Schema):
    months: int = Field(description="The unused_months asked for")
    total: int = Field(description="How many kept items are unused, all of them")
    items: list[UnusedItemOut] = Field(description="The least recently used first, at most 20")


class InsightsOut(Schema):
    let_go_by_month: list[LetGoMonthOut] = Field(description="The last 12 months, oldest first, zeros included")
    median_months_owned_before_letting_go: dict[str, float] = Field(
        description="Per item type: median whole months from received to let go, for items now given or donated"
    )
    median_months_owned_before_letting_go_overall: float | None
    goals: GoalsOut
    unused: UnusedOut


# --- Item history and the activity feed ------------------------------------------------------------------
def _date_or_datetime(value: Any) -> Any:
    """An ISO date ("2024-01-31") or date and time ("2024-01-31T10:00:00Z"); what it means in time is the
    selector's (a plain date or a time without offset is on the person's clock)."""
    if not isinstance(value, str):
        return value
    try:
        return date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(gettext("must be a date (2024-01-31) or a date and time (2024-01-31T10:00:00Z)")) from None


Moment = Annotated[datetime | date, BeforeValidator(_date_or_datetime)]
HISTORY_PAGE_SIZE = 50
MAX_HISTORY_PAGE_SIZE = 200


class ItemEventOut(Schema):
    at: datetime
    action: ItemAction
    changes: dict[str, list[Any]] = Field(
        description="Each changed field as [old, new] in the item's JSON form; a move also has location_path "
        "(the places' paths then), a creation has [null, value] for every field"
    )


class ActivityEventOut(ItemEventOut):
    item_id: UUID
    item_name: str = Field(description="The item's name after the change (its last name for a deletion)")


class ActivityFilters(Schema):
    action: ItemAction | None = None
    since: Moment | None = Field(None, description="From this date (your time zone) or moment on")
    until: Moment | None = Field(None, description="Up to the end of this date (your time zone), or this moment")
    cursor: Annotated[str, Text(max_length=200)] | None = Field(
        None, description='Where the page starts: the value in the previous page\'s `Link: <...>; rel="next"`'
    )
    limit: int = Field(
        HISTORY_PAGE_SIZE,
        ge=1,
        le=MAX_HISTORY_PAGE_SIZE,
        description=f'Events per page (default {HISTORY_PAGE_SIZE}); a `Link: <...>; rel="next"` header names '
        "the next page",
    )
