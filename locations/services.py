"""Location use cases: create, rename, move and delete subtrees with a fixed number of queries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, F, Max, QuerySet, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from locations.models import MAX_DEPTH, MAX_PATH_LENGTH, Location, location_slug
from minNow.errors import BadRequest, NotFound
from users.models import User


def with_item_count(locations: QuerySet[Location]) -> QuerySet[Location]:
    return locations.annotate(item_count=Count("items"))


def ancestor_paths(full_path: str) -> list[str]:
    """`home/bedroom/closet` -> `["home", "home/bedroom"]`."""
    parts = full_path.split("/")
    return ["/".join(parts[:n]) for n in range(1, len(parts))]


class LocationService:
    @staticmethod
    def get(*, user: User, location_id: UUID) -> Location:
        location = with_item_count(Location.objects.filter(user=user, pk=location_id)).first()
        if location is None:
            raise NotFound("Location not found")
        return location

    @staticmethod
    def owned(*, user: User, location_id: UUID, field: str) -> Location:
        """A location referenced from a request body: another user's or an unknown id is a 400."""
        location = Location.objects.filter(user=user, pk=location_id).first()
        if location is None:
            raise BadRequest(f"{field}: location not found")
        return location

    @staticmethod
    def create(*, user: User, display_name: str, parent_id: UUID | None = None) -> Location:
        parent = LocationService.owned(user=user, location_id=parent_id, field="parent_id") if parent_id else None
        slug = location_slug(display_name)
        level = parent.level + 1 if parent else 0
        full_path = f"{parent.full_path}/{slug}" if parent else slug
        _check_limits(deepest_level=level, longest_path=len(full_path))
        location = Location(
            user=user, parent=parent, display_name=display_name, slug=slug, full_path=full_path, level=level
        )
        _save_unique(location.save, full_path)
        location.item_count = 0
        return location

    @staticmethod
    def rename(*, user: User, location_id: UUID, display_name: str) -> Location:
        with transaction.atomic():
            location = _lock(user, location_id)
            slug = location_slug(display_name)
            parent_path = location.full_path.rpartition("/")[0]
            new_path = f"{parent_path}/{slug}" if parent_path else slug
            _relocate(location, new_path=new_path, level_delta=0, display_name=display_name, slug=slug)
        return LocationService.get(user=user, location_id=location_id)

    @staticmethod
    def move(*, user: User, location_id: UUID, parent_id: UUID | None) -> Location:
        with transaction.atomic():
            location = _lock(user, location_id)
            parent = LocationService.owned(user=user, location_id=parent_id, field="parent_id") if parent_id else None
            if parent and (parent.pk == location.pk or parent.full_path.startswith(f"{location.full_path}/")):
                raise BadRequest("Cannot move a location under itself or one of its descendants")
            new_path = f"{parent.full_path}/{location.slug}" if parent else location.slug
            level_delta = (parent.level + 1 if parent else 0) - location.level
            _relocate(location, new_path=new_path, level_delta=level_delta, parent=parent)
        return LocationService.get(user=user, location_id=location_id)

    @staticmethod
    def delete(*, user: User, location_id: UUID) -> None:
        with transaction.atomic():
            location = _lock(user, location_id)
            item_count = location.items.count()
            if item_count:
                raise BadRequest(f"Cannot delete location with items. This location contains {item_count} item(s).")
            child_count = location.children.count()
            if child_count:
                raise BadRequest(
                    f"Cannot delete location with children. This location has {child_count} child location(s)."
                )
            location.delete()

    @staticmethod
    def ancestors(location: Location) -> QuerySet[Location]:
        return Location.objects.filter(user_id=location.user_id, full_path__in=ancestor_paths(location.full_path))

    @staticmethod
    def descendants(location: Location) -> QuerySet[Location]:
        return Location.objects.filter(user_id=location.user_id, full_path__startswith=f"{location.full_path}/")


def _lock(user: User, location_id: UUID) -> Location:
    location = Location.objects.select_for_update().filter(user=user, pk=location_id).first()
    if location is None:
        raise NotFound("Location not found")
    return location


def _check_limits(*, deepest_level: int, longest_path: int) -> None:
    if deepest_level >= MAX_DEPTH:
        raise BadRequest(f"Locations can be nested at most {MAX_DEPTH} levels deep")
    if longest_path > MAX_PATH_LENGTH:
        raise BadRequest(f"A location path can be at most {MAX_PATH_LENGTH} characters long")


def _save_unique(save: Any, full_path: str, *, savepoint: bool = True) -> None:
    """Save; a path that is taken is a 400. Without a savepoint the caller's transaction rolls back."""
    try:
        with transaction.atomic(savepoint=savepoint):
            save()
    except IntegrityError:
        raise BadRequest(f'A location already exists at "{full_path}"') from None


def _relocate(location: Location, *, new_path: str, level_delta: int, **fields: Any) -> None:
    """Give `location` a new path (and level), and rewrite its whole subtree in one UPDATE.

    Runs inside the caller's transaction; the limits are checked on the subtree before anything is written.
    """
    old_path = location.full_path
    subtree = LocationService.descendants(location)
    deepest = subtree.aggregate(level=Max("level"), length=Max(Length("full_path")))
    deepest_level = max(location.level, deepest["level"] or 0) + level_delta
    longest_tail = max((deepest["length"] or 0) - len(old_path), 0)
    _check_limits(deepest_level=deepest_level, longest_path=len(new_path) + longest_tail)

    now = timezone.now()
    for field, value in fields.items():
        setattr(location, field, value)
    location.full_path = new_path
    location.level += level_delta
    _save_unique(location.save, new_path, savepoint=False)
    if new_path != old_path or level_delta:
        subtree.update(
            full_path=Concat(Value(new_path), Substr("full_path", len(old_path) + 1), output_field=CharField()),
            level=F("level") + level_delta,
            updated_at=now,
        )
