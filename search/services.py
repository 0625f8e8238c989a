"""Search writes: recomputing the stored search text that the selectors match against."""

from __future__ import annotations

from typing import cast

from items.models import OwnedItem
from locations.models import Location
from minNow.text import SearchTextField
from users.models import User


def reindex(user: User) -> tuple[int, int]:
    """Recompute the caller's stored search text (it is kept current on every write; this repairs rows
    written around the models, such as by raw SQL). Returns how many items and places were looked at."""
    places = {place.pk: place for place in Location.objects.filter(user=user).only("id", "full_path", "search_text")}
    items = list(OwnedItem.objects.filter(user=user).only("id", "name", "item_type", "current_location_id"))
    for place in places.values():
        place.search_text = place._meta.get_field("search_text").pre_save(place, add=False)
    for item in items:
        if item.current_location_id:
            item.current_location = places[item.current_location_id]
        for field in ("search_text", "full_search_text"):
            setattr(item, field, cast(SearchTextField, item._meta.get_field(field)).pre_save(item, add=False))
    OwnedItem.objects.bulk_update(items, ["search_text", "full_search_text"], batch_size=500)
    Location.objects.bulk_update(places.values(), ["search_text"], batch_size=500)
    return len(items), len(places)
