"""Search writes: recomputing the stored search text that the selectors match against."""

from __future__ import annotations

from items.models import OwnedItem
from locations.models import Location
from users.models import User


def reindex(user: User) -> tuple[int, int]:
    """Recompute the caller's stored search text (it is kept current on every write; this repairs rows
    written around the models, such as by raw SQL). Returns how many items and places were looked at."""
    items = list(OwnedItem.objects.filter(user=user).only("id", "name", "item_type", "search_text"))
    places = list(Location.objects.filter(user=user).only("id", "full_path", "search_text"))
    rows: list[OwnedItem | Location] = [*items, *places]
    for row in rows:
        row.search_text = row._meta.get_field("search_text").pre_save(row, add=False)
    OwnedItem.objects.bulk_update(items, ["search_text"], batch_size=500)
    Location.objects.bulk_update(places, ["search_text"], batch_size=500)
    return len(items), len(places)
