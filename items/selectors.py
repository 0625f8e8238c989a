"""Read queries for items and badges, each a fixed number of queries whatever the data size."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Case, Count, F, IntegerField, QuerySet, Value, When

from items.models import DONATED_BADGE_TIERS, GIVEN_STATUSES, Checkup, ItemType, OwnedItem, badge_progress
from users.models import User


def items_for_user(
    user: User,
    *,
    status: str | None = None,
    item_type: str | None = None,
    q: str | None = None,
    location_id: UUID | None = None,
) -> QuerySet[OwnedItem]:
    items = OwnedItem.objects.filter(user=user).select_related("current_location")
    if status:
        items = items.filter(status=status)
    if item_type:
        items = items.filter(item_type=item_type)
    if q:
        items = items.filter(name__icontains=q)
    if location_id:
        items = items.filter(current_location_id=location_id)
    return items.order_by("-created_at", "-id")


SEARCH_LIMIT = 50


def search_items(user: User, *, q: str, limit: int = SEARCH_LIMIT) -> list[dict]:
    """The caller's items whose name holds every word of `q`: names that start with `q` first, then by name."""
    words = q.split()
    matches = OwnedItem.objects.filter(user=user)
    for word in words:
        matches = matches.filter(name__icontains=word)
    rank = Case(When(name__istartswith=q, then=Value(0)), default=Value(1), output_field=IntegerField())
    return list(
        matches.annotate(rank=rank, location_path=F("current_location__full_path"))
        .order_by("rank", "name", "id")
        .values("id", "name", "picture_url", "item_type", "status", "current_location_id", "location_path")[:limit]
    )


def donated_badges(user: User) -> dict[str, list[dict]]:
    """Giver badges per item type, for types with at least one item given or donated."""
    counts = dict(
        OwnedItem.objects.filter(user=user, status__in=GIVEN_STATUSES)
        .order_by()
        .values("item_type")
        .annotate(given=Count("id"))
        .values_list("item_type", "given")
    )
    return {
        item_type: badge_progress(
            DONATED_BADGE_TIERS, item_type=item_type, value=counts[item_type], noun="Giver", unit="items"
        )
        for item_type in ItemType.values
        if counts.get(item_type)
    }


def checkups_for_user(user: User, *, checkup_type: str | None = None) -> list[Checkup]:
    checkups = Checkup.objects.filter(user=user).order_by("id")
    if checkup_type:
        checkups = checkups.filter(checkup_type=checkup_type)
    return list(checkups)
