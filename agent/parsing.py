"""What a parser extracts from a sentence: the seam between the rule-based parser and the LLM."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class ParsedItem(BaseModel):
    """An item described in one sentence. Every field may be missing; normalisation fills defaults."""

    name: str | None = Field(None, description="Short item name in Title Case, without articles, e.g. 'White T-Shirt'")
    item_type: str | None = Field(None, description="One of the allowed item types")
    status: str | None = Field(None, description="Keep, Give or Donate")
    item_received_date: date | None = Field(None, description="When the user got the item (YYYY-MM-DD), if said")
    ownership_duration_goal_months: int | None = Field(None, description="How long the user wants to keep it")
    picture_url: str | None = Field(None, description="One emoji that fits the item")
