"""A per-user tree of storage locations, stored with a materialised path."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import CharField, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Concat, Substr
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from minNow.text import SearchTextField, indexed

MAX_DEPTH = 10  # levels 0..9
MAX_PATH_LENGTH = 500
MAX_NAME_LENGTH = 100
FALLBACK_SLUG = "location"


def location_slug(display_name: str) -> str:
    """`"Kid's Room"` -> `kids-room`, `"客厅"` -> `客厅`; a name with no letters or digits -> `location`.

    Unicode normalisation can lengthen a name (`"ﷺ"` is 18 letters), so the slug is cut to the column size.
    """
    return slugify(display_name, allow_unicode=True)[:MAX_NAME_LENGTH].strip("-_") or FALLBACK_SLUG


def child_path(parent: Location | None, slug: str) -> str:
    return f"{parent.full_path}/{slug}" if parent else slug


class TreeError(ValueError):
    """A save that would break the tree (a location under itself)."""


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="locations")
    # RESTRICT: a parent with children cannot be deleted on its own, but a whole tree (or its user) can.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children")
    display_name = models.CharField(max_length=MAX_NAME_LENGTH)
    slug = models.CharField(max_length=MAX_NAME_LENGTH)
    full_path = models.CharField(max_length=MAX_PATH_LENGTH)
    level = models.PositiveSmallIntegerField(default=0)
    # The folded path (minNow/text.py), kept by every save; a move or rename refreshes the subtree's too.
    search_text = SearchTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The path and level as stored, so a save can tell whether the subtree moves ((None, None) when new).
    _stored: tuple[str | None, int | None] = (None, None)

    class Meta:
        ordering = ["full_path"]
        constraints = [
            models.UniqueConstraint(fields=["user", "full_path"], name="location_unique_user_path"),
            models.CheckConstraint(condition=Q(level__lt=MAX_DEPTH), name="location_level_range"),
            models.CheckConstraint(condition=~Q(slug="") & ~Q(full_path=""), name="location_slug_path_not_empty"),
            # A root is level 0 and its path is its slug; anything else ends in "/<slug>" below a parent.
            models.CheckConstraint(
                condition=Q(parent__isnull=True, level=0, full_path=F("slug"))
                | Q(parent__isnull=False, level__gt=0, full_path__endswith=Concat(Value("/"), F("slug"))),
                name="location_path_matches_parent",
            ),
        ]
        indexes = [models.Index(fields=["parent"], name="location_parent_idx")]

    def __str__(self) -> str:
        return self.full_path

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep the tree's invariants whoever saves (the service, the admin, a shell, a data migration): the
        slug follows the name, the path and level follow the parent, and a changed path is carried to the
        whole subtree in the same transaction. Serialising concurrent writers is the service's job."""
        stored_path, stored_level = self._stored
        parent = self.parent if self.parent_id else None
        if (
            parent is not None
            and stored_path
            and (
                parent.pk == self.pk
                or parent.full_path == stored_path
                or parent.full_path.startswith(f"{stored_path}/")
            )
        ):
            raise TreeError(gettext("A location cannot be placed under itself or one of its descendants"))
        self.slug = location_slug(self.display_name)
        self.full_path = child_path(parent, self.slug)
        self.level = parent.level + 1 if parent else 0
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {
                *kwargs["update_fields"],
                "slug",
                "full_path",
                "level",
                "search_text",
                "updated_at",
            }
        with transaction.atomic(savepoint=False):
            super().save(*args, **kwargs)
            moved = (stored_path, stored_level) != (self.full_path, self.level)
            if stored_path is not None and stored_level is not None and moved:
                Location.objects.filter(user_id=self.user_id, full_path__startswith=f"{stored_path}/").update(
                    full_path=Concat(
                        Value(self.full_path), Substr("full_path", len(stored_path) + 1), output_field=CharField()
                    ),
                    level=F("level") + (self.level - stored_level),
                    # Folding splits at "/", so a descendant's folded path is the folded parent path plus the rest.
                    search_text=Concat(
                        Value(self.search_text),
                        Substr("search_text", len(indexed(stored_path)) + 1),
                        output_field=CharField(),
                    ),
                    updated_at=timezone.now(),
                )
                subtree = Location.objects.filter(user_id=self.user_id, full_path__startswith=f"{self.full_path}/")
                refresh_place_text(
                    Location.items.field.model._default_manager.filter(
                        Q(current_location_id=self.pk) | Q(current_location__in=subtree.values("pk")),
                        user_id=self.user_id,
                    )
                )
        self._stored = (self.full_path, self.level)

    def clean(self) -> None:
        """Model validation (what a model form calls): a location's parent is one of its owner's locations."""
        super().clean()
        parent = self.parent
        if parent is not None and self.user_id and parent.user_id != self.user_id:
            raise ValidationError(
                {"parent": gettext("This location belongs to another user: choose one of the owner's locations.")}
            )

    def search_source(self) -> str:
        return self.full_path

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> Location:
        location = super().from_db(db, field_names, values)
        location._stored = (location.__dict__.get("full_path"), location.__dict__.get("level"))
        return location


def refresh_place_text(items: QuerySet[Any]) -> int:
    """Set the full search text of `items` (OwnedItem rows) to their own search text followed by their
    place's, in one UPDATE; for writes that place or move many items at once. Returns the rows updated."""
    place_text = Location.objects.filter(pk=OuterRef("current_location_id")).values("search_text")[:1]
    return items.update(
        full_search_text=Concat(F("search_text"), Coalesce(Subquery(place_text), Value("")), output_field=CharField())
    )
