"""A per-user tree of storage locations, stored with a materialised path."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.text import slugify

MAX_DEPTH = 10  # levels 0..9
MAX_PATH_LENGTH = 500
MAX_NAME_LENGTH = 100
FALLBACK_SLUG = "location"


def location_slug(display_name: str) -> str:
    """`"Kid's Room"` -> `kids-room`, `"客厅"` -> `客厅`; a name with no letters or digits -> `location`.

    Unicode normalisation can lengthen a name (`"ﷺ"` is 18 letters), so the slug is cut to the column size.
    """
    return slugify(display_name, allow_unicode=True)[:MAX_NAME_LENGTH].strip("-_") or FALLBACK_SLUG


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="locations")
    # RESTRICT: a parent with children cannot be deleted on its own, but a whole tree (or its user) can.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.RESTRICT, related_name="children")
    display_name = models.CharField(max_length=MAX_NAME_LENGTH)
    slug = models.CharField(max_length=MAX_NAME_LENGTH)
    full_path = models.CharField(max_length=MAX_PATH_LENGTH)
    level = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_path"]
        constraints = [
            models.UniqueConstraint(fields=["user", "full_path"], name="location_unique_user_path"),
            models.CheckConstraint(condition=models.Q(level__lt=MAX_DEPTH), name="location_level_range"),
        ]
        indexes = [models.Index(fields=["parent"], name="location_parent_idx")]

    def __str__(self) -> str:
        return self.full_path
