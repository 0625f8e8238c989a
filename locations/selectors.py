"""Location reads: list, tree and search, each a fixed number of queries whatever the tree's size."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils.text import slugify

from locations.models import Location
from minNow.errors import NotFound
from users.models import User

MAX_ITEM_NAMES = 10


def with_item_count(locations: QuerySet[Location]) -> QuerySet[Location]:
    return locations.annotate(item_count=Count("items"))


def location_for_user(user: User, location_id: UUID) -> Location:
    location = with_item_count(Location.objects.filter(user=user, pk=location_id)).first()
    if location is None:
        raise NotFound("Location not found")
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


def search_locations(user: User, query: str) -> list[dict[str, Any]]:
    """Locations whose path or name contains `query` (`living room` also finds `living-room`)."""
    matches = Q(full_path__icontains=query) | Q(display_name__icontains=query)
    slug = slugify(query, allow_unicode=True)
    if slug:
        matches |= Q(full_path__icontains=slug)
    locations = with_item_count(Location.objects.filter(user=user).filter(matches)).order_by("full_path")
    results = list(locations.values("id", "slug", "display_name", "full_path", "level", "item_count"))
    names: dict[Any, list[str]] = {location["id"]: [] for location in results}
    if names:
        item_model = Location._meta.get_field("items").related_model
        rows = (
            item_model.objects.filter(user=user, current_location_id__in=names)
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
