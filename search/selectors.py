"""Finding the caller's things: items by their name, type label and place, and places by their path.

Every word of a query must match the start of a word (`rain jack` finds `Red Rain Jacket`), case- and
accent-insensitively (`cafe` finds `Café Table`), in what the item or place is found by: its folded
`search_text` (minNow/text.py). An item also matches on its location's path, so the items anywhere
below a matching place are found too. Each function runs a fixed number of queries.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import reduce
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from items.models import OwnedItem
from items.selectors import ITEM_SEARCH_FIELDS, with_location_path
from locations.selectors import matching_locations
from minNow.text import fold, matches_every_word, words
from users.models import User

MAX_RESULTS = 50
ITEM_RESULT_FIELDS = ("id", "name", "picture_url", "item_type", "status", "current_location_id", "location_path")


def matching_items(user: User, query: str) -> QuerySet[OwnedItem]:
    """The caller's items matching every word of `query`, best first: names that start with the query, then
    items whose own name or type holds every word, then those found through their place; then by name."""
    return matching_items_any(user, [query])


def matching_items_any(user: User, queries: Sequence[str]) -> QuerySet[OwnedItem]:
    """The caller's items matching every word of at least one of `queries`, other spellings of the first
    ("lawn mower", "lawnmower"); ordered as `matching_items` orders the first. One query."""
    spellings = [query for query in queries if words(query)]
    if not spellings:
        return with_location_path(OwnedItem.objects.none())
    found = reduce(operator.or_, (matches_every_word(query, *ITEM_SEARCH_FIELDS) for query in spellings))
    rank = Case(
        When(search_text__startswith=f" {fold(queries[0])}", then=Value(0)),
        When(matches_every_word(spellings[0], "search_text"), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        with_location_path(OwnedItem.objects.filter(user=user).filter(found))
        .annotate(rank=rank)
        .order_by("rank", "name", "id")
    )


def search_items(user: User, query: str, *, limit: int = MAX_RESULTS) -> list[dict[str, Any]]:
    """Item search results (`ITEM_RESULT_FIELDS`), best first, at most `limit`: one query."""
    return list(matching_items(user, query).values(*ITEM_RESULT_FIELDS)[:limit])


def search_locations(user: User, query: str, *, limit: int = MAX_RESULTS) -> list[dict[str, Any]]:
    """The caller's places whose path matches every word of `query`: first those whose path ends in the
    query's words ("bin b" is `storage-unit/bin-b` before `storage-unit/bin-a`), then the shallowest."""
    terms = words(query)
    if not terms:
        return []
    named = Case(When(search_text__endswith=f" {' '.join(terms)}", then=Value(0)), default=Value(1))
    return list(
        matching_locations(user, query)
        .annotate(named=named)
        .order_by("named", "level", "full_path")
        .values("id", "display_name", "full_path", "item_count")[:limit]
    )


def search_everything(user: User, query: str, *, limit: int = MAX_RESULTS) -> dict[str, list[dict[str, Any]]]:
    """Items and places matching `query`: two queries."""
    return {"items": search_items(user, query, limit=limit), "locations": search_locations(user, query, limit=limit)}
