"""Demo items for the development demo user: several types and statuses, some owned for years."""

from __future__ import annotations

from dateutil.relativedelta import relativedelta
from django.utils import timezone

from items.models import ItemStatus, ItemType, OwnedItem
from items.services import ItemService
from users.models import User

DEMO_ITEMS = [
    # name, emoji, type, status, owned for (months), last used (days ago), goal (months)
    ("Wool Sweater", "🧶", ItemType.CLOTHING_ACCESSORIES, ItemStatus.KEEP, 23, 19, 24),
    ("Cast Iron Skillet", "🍳", ItemType.FURNITURE_APPLIANCES, ItemStatus.KEEP, 134, 1, 240),
    ("Road Bike", "🚲", ItemType.VEHICLES, ItemStatus.KEEP, 66, 3, 120),
    ("Gaming Laptop", "💻", ItemType.TECHNOLOGY, ItemStatus.KEEP, 7, 0, 48),
    ("Hiking Boots", "🥾", ItemType.OUTDOOR_GEAR, ItemStatus.KEEP, 30, 45, 60),
    ("Board Game Collection", "🎲", ItemType.TOYS_GAMES, ItemStatus.GIVE, 40, 200, 36),
    ("Old Novels", "📚", ItemType.BOOKS_MEDIA, ItemStatus.DONATE, 96, 700, 12),
    ("Winter Coat", "🧥", ItemType.CLOTHING_ACCESSORIES, ItemStatus.DONATE, 50, 400, 36),
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
