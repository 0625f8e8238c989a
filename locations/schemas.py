"""Request and response schemas for locations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from ninja import Field, Schema

from locations.models import MAX_NAME_LENGTH
from minNow.schemas import Text

LocationName = Annotated[str, Text(max_length=MAX_NAME_LENGTH)]


class LocationIn(Schema):
    display_name: LocationName
    parent_id: UUID | None = None


class LocationRenameIn(Schema):
    display_name: LocationName


class LocationMoveIn(Schema):
    parent_id: UUID | None


class LocationOut(Schema):
    id: UUID
    slug: str
    display_name: str
    full_path: str
    parent_id: UUID | None
    level: int
    item_count: int
    created_at: datetime
    updated_at: datetime


class LocationTreeNode(Schema):
    id: UUID
    slug: str
    display_name: str
    full_path: str
    level: int
    parent_id: UUID | None
    item_count: int
    children: list[LocationTreeNode]


class LocationSearchOut(Schema):
    id: UUID
    slug: str
    display_name: str
    full_path: str
    level: int
    item_count: int
    item_names: list[str]


class LocationSearchQuery(Schema):
    q: Annotated[str, Text(max_length=100)] = Field(
        ..., description="Words that must each start a word of the place's path (any case or accents)"
    )


class LocationDeletedOut(Schema):
    success: bool
    message: str
