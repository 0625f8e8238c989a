"""Location reads: list, tree and search, each a fixed number of queries whatever the tree's size."""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from django.db.models import Count, F, IntegerField, Model, OuterRef, QuerySet, Subquery, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils.translation import gettext

from locations.models import Location
from minNow.errors import NotFound
from minNow.text import matches_every_word
from users.models import User

MAX_ITEM_NAMES = 10


def _item_model() -> type[Model]:
    """The item model, reached through the reverse relation (items sit above locations: no import)."""
    return cast(type[Model], Location._meta.get_field("items").related_model)


def with_item_count(locations: QuerySet[Location]) -> QuerySet[Location]:
    """Each place with the number of items placed right there, counted over its owner's items only: a
    correlated count served by the (user, current_location) index, so its cost follows the person's items and
    not the whole table (a LEFT JOIN on the location alone lets PostgreSQL hash-join every user's items)."""
    placed_here = (
        _item_model()
        ._default_manager.filter(user_id=OuterRef("user_id"), current_location_id=OuterRef("pk"))
        .order_by()
        .values("current_location_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return locations.annotate(item_count=Coalesce(Subquery(placed_here, output_field=IntegerField()), 0))


def location_for_user(user: User, location_id: UUID) -> Location:
    location = with_item_count(Location.objects.filter(user=user, pk=location_id)).first()
    if location is None:
        raise NotFound(gettext("Location not found"))
    return location


LOCATION_COLUMNS = ("id", "slug", "display_name", "full_path", "parent_id", "level", "item_count")


def locations_for_user(user: User) -> list[dict[str, Any]]:
    """Every location of the user as JSON (LocationOut), by path."""
    locations = with_item_count(Location.objects.filter(user=user)).order_by("full_path")
    return list(locations.values(*LOCATION_COLUMNS, "created_at", "updated_at"))


def location_tree(user: User) -> list[dict[str, Any]]:
    """Root nodes with nested `children`, siblings ordered by display name. A node whose parent chain does
    not reach a root (which the tree's invariants rule out) is left out rather than failing the request."""
    locations = with_item_count(Location.objects.filter(user=user)).order_by("display_name", "full_path")
    nodes = {row["id"]: {**row, "children": []} for row in locations.values(*LOCATION_COLUMNS)}
    roots: list[dict[str, Any]] = []
    for node in nodes.values():
        if node["parent_id"] is None:
            roots.append(node)
        elif node["parent_id"] in nodes:
            nodes[node["parent_id"]]["children"].append(node)
    return roots


def matching_locations(user: User, query: str) -> QuerySet[Location]:
    """The caller's places whose path matches every word of `query` (minNow.text.matches_every_word: `living
    room` and `living-room` find `home/living-room`, `kid's` finds `kids-room`), with their `item_count`."""
    return with_item_count(Location.objects.filter(user=user).filter(matches_every_word(query, "search_text")))


def location_search(user: User, query: str) -> list[dict[str, Any]]:
    """GET /api/locations/search: the matching places by path, each with up to MAX_ITEM_NAMES of the names
    of the items placed right there. At most two queries."""
    locations = matching_locations(user, query).order_by("full_path")
    # item_count is with_item_count's annotation, which the type checker cannot see through the helper.
    results = list(locations.values("id", "slug", "display_name", "full_path", "level", "item_count"))  # type: ignore[misc]
    names: dict[Any, list[str]] = {location["id"]: [] for location in results}
    if names:
        rows = (
            _item_model()
            ._default_manager.filter(user=user, current_location_id__in=names)
            .annotate(
                position=Window(RowNumber(), partition_by=F("current_location_id"), order_by=[F("name"), F("id")])
            )
            .filter(position__lte=MAX_ITEM_NAMES)
            .order_by("current_location_id", "position")
            .values_list("current_location_id", "name")
        )
        for location_id, name in rows:
            names[location_id].append(name)
    return [{**location, "item_names": names[location["id"]]} for location in results]
