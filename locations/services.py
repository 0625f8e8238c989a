"""Location use cases: create, rename, move and delete subtrees with a fixed number of queries."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.db.models.functions import Length
from django.utils.translation import gettext, ngettext

from locations import selectors
from locations.models import MAX_DEPTH, MAX_PATH_LENGTH, Location, child_path, location_slug
from minNow import live
from minNow.errors import BadRequest, NotFound
from users.models import User, is_user_admin
from users.services import lock_user


class LocationService:
    """Every location write runs in one transaction that first locks the user's row (docs/design.md), so
    writes to one user's tree run one after another and each checks ancestry and derives paths from rows
    as the previous write committed them."""

    @staticmethod
    def owned(*, user: User, location_id: UUID, field: str) -> Location:
        """A location referenced from a request body: another user's or an unknown id is a 400."""
        location = Location.objects.filter(user=user, pk=location_id).first()
        if location is None:
            raise BadRequest(gettext("%(field)s: location not found") % {"field": field})
        return location

    @staticmethod
    def create(*, user: User, display_name: str, parent_id: UUID | None = None) -> Location:
        with transaction.atomic():
            lock_user(user)
            check_location_limit(user)
            parent = LocationService.owned(user=user, location_id=parent_id, field="parent_id") if parent_id else None
            location = Location(user=user, parent=parent, display_name=display_name)
            full_path = child_path(parent, location_slug(display_name))
            _check_limits(deepest_level=parent.level + 1 if parent else 0, longest_path=len(full_path))
            _save_unique(location.save, full_path)
            _publish("location.created", location)
        location.item_count = 0  # type: ignore[attr-defined]  # as with_item_count annotates a read location
        return location

    @staticmethod
    def rename(*, user: User, location_id: UUID, display_name: str) -> Location:
        with transaction.atomic():
            lock_user(user)
            location = _for_write(user, location_id)
            old_path = location.full_path
            _relocate(location, parent=location.parent, display_name=display_name)
            _publish("location.updated", location, old_path=old_path)
        return selectors.location_for_user(user, location_id)

    @staticmethod
    def move(*, user: User, location_id: UUID, parent_id: UUID | None) -> Location:
        with transaction.atomic():
            lock_user(user)
            location = _for_write(user, location_id)
            parent = LocationService.owned(user=user, location_id=parent_id, field="parent_id") if parent_id else None
            if parent and (parent.pk == location.pk or parent.full_path.startswith(f"{location.full_path}/")):
                raise BadRequest(gettext("Cannot move a location under itself or one of its descendants"))
            old_path = location.full_path
            _relocate(location, parent=parent, display_name=location.display_name)
            _publish("location.moved", location, old_path=old_path)
        return selectors.location_for_user(user, location_id)

    @staticmethod
    def delete(*, user: User, location_id: UUID) -> None:
        with transaction.atomic():
            lock_user(user)
            location = _for_write(user, location_id)
            item_count = location.items.count()
            if item_count:
                raise BadRequest(
                    ngettext(
                        "Cannot delete location with items. This location contains %(count)d item(s).",
                        "Cannot delete location with items. This location contains %(count)d item(s).",
                        item_count,
                    )
                    % {"count": item_count}
                )
            child_count = location.children.count()
            if child_count:
                raise BadRequest(
                    ngettext(
                        "Cannot delete location with children. This location has %(count)d child location(s).",
                        "Cannot delete location with children. This location has %(count)d child location(s).",
                        child_count,
                    )
                    % {"count": child_count}
                )
            location.delete()
            live.publish(user.pk, "location.deleted", location_id, full_path=location.full_path)

    @staticmethod
    def descendants(location: Location) -> QuerySet[Location]:
        return Location.objects.filter(user_id=location.user_id, full_path__startswith=f"{location.full_path}/")


def _publish(event_type: str, location: Location, **extra: Any) -> None:
    """Tell the owner's screens (minNow/live.py). A rename or move carries `old_path`: every place and item path
    under it now starts with the location's new `full_path` instead."""
    fields = ("id", "slug", "display_name", "full_path", "parent_id", "level", "created_at", "updated_at")
    body = {field: getattr(location, field) for field in fields}
    live.publish(location.user_id, event_type, location.pk, location=body, **extra)


def _for_write(user: User, location_id: UUID) -> Location:
    """The location (and its parent), read after the user's lock is held."""
    location = Location.objects.select_related("parent").filter(user=user, pk=location_id).first()
    if location is None:
        raise NotFound(gettext("Location not found"))
    return location


def check_location_limit(user: User, *, count: int | None = None, adding: int = 1) -> None:
    """Raise BadRequest when `adding` more locations would take `user` over MAX_LOCATIONS_PER_USER (admins
    have no limit). `count` is how many the user has, when the caller has read it under the user's lock
    already; otherwise it is counted (one query)."""
    if is_user_admin(user):
        return
    limit = settings.MAX_LOCATIONS_PER_USER
    if count is None:
        count = Location.objects.filter(user=user).count()
    if count + adding > limit:
        refusal = (
            gettext("Cannot add a location.")
            if adding == 1
            else ngettext("Cannot add %(adding)d location.", "Cannot add %(adding)d locations.", adding)
            % {"adding": adding}
        )
        have = ngettext("You have %(count)d/%(limit)d locations.", "You have %(count)d/%(limit)d locations.", limit) % {
            "count": count,
            "limit": limit,
        }
        raise BadRequest(f"{refusal} {have}")


def tree_limit_problem(*, deepest_level: int, longest_path: int) -> str | None:
    """Why a tree whose deepest location is at `deepest_level` and whose longest path is `longest_path`
    characters breaks the depth or path-length limit; None when it fits."""
    if deepest_level >= MAX_DEPTH:
        return ngettext(
            "Locations can be nested at most %(depth)d level deep",
            "Locations can be nested at most %(depth)d levels deep",
            MAX_DEPTH,
        ) % {"depth": MAX_DEPTH}
    if longest_path > MAX_PATH_LENGTH:
        return ngettext(
            "A location path can be at most %(length)d character long",
            "A location path can be at most %(length)d characters long",
            MAX_PATH_LENGTH,
        ) % {"length": MAX_PATH_LENGTH}
    return None


def _check_limits(*, deepest_level: int, longest_path: int) -> None:
    problem = tree_limit_problem(deepest_level=deepest_level, longest_path=longest_path)
    if problem:
        raise BadRequest(problem)


def _save_unique(save: Any, full_path: str) -> None:
    """Save; a path that is taken is a 400 and the caller's transaction rolls back."""
    try:
        with transaction.atomic(savepoint=False):
            save()
    except IntegrityError:
        raise BadRequest(gettext('A location already exists at "%(path)s"') % {"path": full_path}) from None


def _relocate(location: Location, *, parent: Location | None, display_name: str) -> None:
    """Give `location` a new name and/or parent; its model rewrites the whole subtree in one UPDATE.

    The depth and path limits are checked on the deepest and longest branch of the subtree before anything
    is written.
    """
    new_path = child_path(parent, location_slug(display_name))
    level_delta = (parent.level + 1 if parent else 0) - location.level
    deepest = LocationService.descendants(location).aggregate(level=Max("level"), length=Max(Length("full_path")))
    deepest_level = max(location.level, deepest["level"] or 0) + level_delta
    longest_tail = max((deepest["length"] or 0) - len(location.full_path), 0)
    _check_limits(deepest_level=deepest_level, longest_path=len(new_path) + longest_tail)
    location.parent = parent
    location.display_name = display_name
    _save_unique(location.save, new_path)
