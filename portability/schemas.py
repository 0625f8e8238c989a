"""The export document (what GET /api/export writes) and the rules its import is validated with."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from ninja import Schema
from pydantic import Field

from items.models import CheckupType, ItemAction
from items.schemas import IntervalMonths, ItemDate, ItemFieldsOut, ItemIn, ItemName
from locations.models import MAX_PATH_LENGTH
from locations.schemas import LocationName
from minNow.schemas import Text
from users.schemas import LanguageCode, TimeZoneName

FORMAT_VERSION = 1
LocationPath = Annotated[str, Text(max_length=MAX_PATH_LENGTH)]


# --- What the export writes (documentation of GET /api/export and of the import body) -------------------
class ExportUserOut(Schema):
    email: str
    username: str
    email_notifications: bool
    language: LanguageCode
    time_zone: str


class ExportItemOut(ItemFieldsOut):
    ownership_duration_goal_months: int
    location_path: str | None = Field(description="The full_path of the item's location; null when unplaced")
    location_updated_at: datetime | None


class ExportLocationOut(Schema):
    id: UUID
    parent_id: UUID | None
    display_name: str
    full_path: str


class ExportCheckupOut(Schema):
    checkup_type: CheckupType
    checkup_interval_months: int
    last_checkup_date: datetime


class ExportEventOut(Schema):
    item_id: UUID
    item_name: str
    action: ItemAction
    at: datetime
    changes: dict[str, list[Any]]


class ExportDocumentOut(Schema):
    version: Literal[1]
    exported_at: datetime
    user: ExportUserOut
    items: list[ExportItemOut]
    locations: list[ExportLocationOut] = Field(description="Parents before their children")
    checkups: list[ExportCheckupOut]
    history: list[ExportEventOut] = Field(
        description="Every change to your items (GET /api/activity), deleted items' included, oldest first"
    )


# --- What an import accepts ------------------------------------------------------------------------------
class ImportItemIn(ItemIn):
    """An item row: the rules of POST /api/items (so an import cannot store what the API would refuse), plus
    the export's own fields. `current_location_id` is ignored: a location is named by its path."""

    id: UUID | None = None
    location_path: LocationPath | None = None
    location_updated_at: ItemDate | None = None


class ImportLocationIn(Schema):
    """A location is matched or created by its path; the document's ids are not used."""

    display_name: LocationName
    full_path: LocationPath


class ImportCheckupIn(Schema):
    checkup_type: CheckupType
    checkup_interval_months: IntervalMonths
    last_checkup_date: ItemDate


class ImportEventIn(Schema):
    """An event of the history. Its item is the document's item of that id (the events of an item that is
    already yours are not imported again), or a deleted one's."""

    item_id: UUID
    item_name: ItemName
    action: ItemAction
    at: ItemDate
    changes: dict[Annotated[str, Field(max_length=40)], Annotated[list[Any], Field(min_length=2, max_length=2)]]


class ImportUserIn(Schema):
    """Only the settings are imported: the email and username belong to the Clerk account. A document
    written before languages and time zones existed leaves them as they are."""

    email_notifications: Annotated[bool, Field(strict=True)]
    language: LanguageCode | None = None
    time_zone: TimeZoneName | None = None


class ImportDocumentIn(Schema):
    version: Literal[1]
    user: ImportUserIn | None = None
    items: list[ImportItemIn] = []
    locations: list[ImportLocationIn] = []
    checkups: list[ImportCheckupIn] = []
    history: list[ImportEventIn] = []


class ImportResultOut(Schema):
    items_created: int
    items_skipped: int = Field(description="Items of the document that are already yours (same id)")
    locations_created: int
