"""Demo items for the development demo user: several types and statuses, some owned for years."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from items.models import ItemStatus, ItemType, OwnedItem
from items.services import ItemService
from users.models import User

# Six items, so that with the default MAX_ITEMS_PER_USER=10 the demo account can still add four. The
# README's "Finding things" examples answer from these (placed by type by load_location_fixtures:
# the jacket in home/bedroom/closet, the drill in garage/workbench, the stove in garage/storage-shelves).
DEMO_ITEMS = [
    # name, emoji, type, status, owned for (months), last used (days ago), goal (months)
    ("Red Rain Jacket", "🧥", ItemType.CLOTHING_ACCESSORIES, ItemStatus.KEEP, 26, 4, 36),
    ("Cordless Drill", "🔧", ItemType.TOOLS_EQUIPMENT, ItemStatus.KEEP, 66, 12, 120),
    ("Cast Iron Skillet", "🍳", ItemType.FURNITURE_APPLIANCES, ItemStatus.KEEP, 134, 1, 240),
    ("Road Bike", "🚲", ItemType.VEHICLES, ItemStatus.KEEP, 40, 3, 120),
    ("Camping Stove", "🏕️", ItemType.OUTDOOR_GEAR, ItemStatus.GIVE, 50, 300, 36),
    ("Old Novels", "📚", ItemType.BOOKS_MEDIA, ItemStatus.DONATE, 96, 700, 12),
]


def seed_demo_items(user: User) -> int:
    """Create the demo items unless the user already has items; returns how many were created."""
    if OwnedItem.objects.filter(user=user).exists():
        return 0
    now = timezone.now()
    for name, emoji, item_type, status, months, days_ago, goal in DEMO_ITEMS:
        ItemService.create_item(
            user=user,
            name=name,
            picture_url=emoji,
            item_type=item_type,
            status=status,
            item_received_date=now - relativedelta(months=months, days=3),
            last_used=now - relativedelta(days=days_ago),
            ownership_duration_goal_months=goal,
        )
    return len(DEMO_ITEMS)
