"""Request and response schemas for search."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from ninja import Field, Schema

from items.schemas import ItemSearchOut
from minNow.schemas import Text
from search.selectors import MAX_RESULTS


class SearchIn(Schema):
    q: Annotated[str, Text(max_length=255)] = Field(
        description="Words that must each start a word of a name, type or place (any case or accents)"
    )
    limit: int = Field(20, ge=1, le=MAX_RESULTS, description="At most this many items and this many places")


class LocationFoundOut(Schema):
    id: UUID
    display_name: str
    full_path: str
    item_count: int


class SearchOut(Schema):
    items: list[ItemSearchOut]
    locations: list[LocationFoundOut]


class SyncOut(Schema):
    success: bool
    message: str
    items: int
    locations: int
