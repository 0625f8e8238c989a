"""Finding the caller's things: items by their name, type label and place, and places by their path.

Every word of a query must match the start of a word (`rain jack` finds `Red Rain Jacket`), case- and
accent-insensitively (`cafe` finds `Café Table`), in what the item or place is found by: its folded
`search_text` (minNow/text.py). An item also matches on its location's path, so the items anywhere
below a matching place are found too. Each function runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from items.models import OwnedItem
from locations.models import Location
from minNow.text import fold, words
from users.models import User

MAX_RESULTS = 50
ITEM_RESULT_FIELDS = ("id", "name", "picture_url", "item_type", "status", "current_location_id", "location_path")


def _every_word(terms: list[str], *fields: str) -> Q:
    """Each term starts a word of at least one of `fields`."""
    condition = Q()
    for term in terms:
        either = Q()
        for field in fields:
            either |= Q(**{f"{field}__contains": f" {term}"})
        condition &= either
    return condition


def word_starts(prefixes: Iterable[str], *fields: str) -> Q:
    """One of `prefixes` (folded words) starts a word of at least one of `fields`."""
    either = Q()
    for prefix in prefixes:
        for field in fields:
            either |= Q(**{f"{field}__contains": f" {prefix}"})
    return either


def matching_items(user: User, query: str) -> QuerySet[OwnedItem]:
    """The caller's items matching every word of `query`, best first: names that start with the query, then
    items whose own name or type holds every word, then those found through their place; then by name."""
    return matching_items_any(user, [query])


def matching_items_any(user: User, queries: Sequence[str]) -> QuerySet[OwnedItem]:
    """The caller's items matching every word of at least one of `queries`, other spellings of the first
    ("lawn mower", "lawnmower"); ordered as `matching_items` orders the first. One query."""
    spellings = [terms for terms in map(words, queries) if terms]
    if not spellings:
        return OwnedItem.objects.none().annotate(location_path=F("current_location__full_path"))
    found = Q()
    for terms in spellings:
        found |= _every_word(terms, "search_text", "current_location__search_text")
    rank = Case(
        When(search_text__startswith=f" {fold(queries[0])}", then=Value(0)),
        When(_every_word(spellings[0], "search_text"), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        OwnedItem.objects.filter(user=user)
        .filter(found)
        .annotate(rank=rank, location_path=F("current_location__full_path"))
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
    places = Location.objects.filter(user=user).filter(_every_word(terms, "search_text"))
    named = Case(When(search_text__endswith=f" {' '.join(terms)}", then=Value(0)), default=Value(1))
    return list(
        places.annotate(item_count=Count("items"), named=named)
        .order_by("named", "level", "full_path")
        .values("id", "display_name", "full_path", "item_count")[:limit]
    )


def search_everything(user: User, query: str, *, limit: int = MAX_RESULTS) -> dict[str, list[dict[str, Any]]]:
    """Items and places matching `query`: two queries."""
    return {"items": search_items(user, query, limit=limit), "locations": search_locations(user, query, limit=limit)}


def reindex(user: User) -> tuple[int, int]:
    """Recompute the caller's stored search text (it is kept current on every write; this repairs rows
    written around the models, such as by raw SQL). Returns how many items and places were looked at."""
    items = list(OwnedItem.objects.filter(user=user).only("id", "name", "item_type", "search_text"))
    places = list(Location.objects.filter(user=user).only("id", "full_path", "search_text"))
    for row in (*items, *places):
        row.search_text = row._meta.get_field("search_text").pre_save(row, add=False)
    OwnedItem.objects.bulk_update(items, ["search_text"], batch_size=500)
    Location.objects.bulk_update(places, ["search_text"], batch_size=500)
    return len(items), len(places)
