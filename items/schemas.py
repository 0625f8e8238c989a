"""Request and response schemas for items, checkups, badges and stats."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import urlsplit
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext
from ninja import Schema
from pydantic import AfterValidator, Field

from items.models import CheckupType, ItemStatus, ItemType
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
