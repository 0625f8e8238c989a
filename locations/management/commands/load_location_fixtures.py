"""Load a realistic home of storage locations for a user and place their items in it (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import CharField, F, Value
from django.db.models.functions import Concat
from django.utils import timezone

from locations.models import Location, location_slug
from locations.services import LocationService
from users.models import User

# (parent path, display name); parents come before their children.
HOME = [
    (None, "Home"),
    ("home", "Living Room"),
    ("home/living-room", "TV Stand"),
    ("home/living-room", "Bookshelf"),
    ("home", "Kitchen"),
    ("home/kitchen", "Pantry"),
    ("home/kitchen", "Upper Cabinets"),
    ("home", "Bedroom"),
    ("home/bedroom", "Closet"),
    ("home/bedroom/closet", "Top Shelf"),
    ("home/bedroom", "Nightstand"),
    ("home", "Kid's Room"),
    ("home/kids-room", "Toy Box"),
    ("home", "Bathroom"),
    ("home/bathroom", "Under the Sink"),
    ("home", "Office"),
    ("home/office", "Desk"),
    (None, "Garage"),
    ("garage", "Workbench"),
    ("garage", "Storage Shelves"),
    ("garage/storage-shelves", "Bin A"),
]

# Where a user's unplaced items go, by item type.
PLACEMENT = {
    "Clothing_Accessories": "home/bedroom/closet",
    "Personal_Care_Items": "home/bathroom/under-the-sink",
    "Cleaning_Supplies": "home/bathroom/under-the-sink",
    "Furniture_Appliances": "home/kitchen",
    "Decor_Art": "home/living-room",
    "Technology": "home/office/desk",
    "Vehicles": "garage",
    "Tools_Equipment": "garage/workbench",
    "Outdoor_Gear": "garage/storage-shelves",
    "Fitness_Equipment": "garage/storage-shelves/bin-a",
    "Toys_Games": "home/kids-room/toy-box",
    "Pet_Supplies": "home/kitchen/pantry",
    "Books_Media": "home/living-room/bookshelf",
}


class Command(BaseCommand):
    help = "Load a sample home of storage locations for a user and place the user's items in it."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--user-email", default="demo@example.com", help="whose locations (default: demo)")
        parser.add_argument("--clear", action="store_true", help="delete the user's locations first")

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(email__iexact=options["user_email"]).order_by("pk").first()
        if user is None:
            raise CommandError(f"No user with email {options['user_email']}")
        with transaction.atomic():
            if options["clear"]:
                user.items.update(current_location=None, location_updated_at=None, full_search_text=F("search_text"))
                Location.objects.filter(user=user).delete()
            created = self._load_home(user)
            placed = self._place_items(user)
        self.stdout.write(f"{user.email}: {created} location(s) created, {placed} item(s) placed")

    def _load_home(self, user: User) -> int:
        by_path = {location.full_path: location for location in Location.objects.filter(user=user)}
        created = 0
        for parent_path, name in HOME:
            parent = by_path[parent_path] if parent_path else None
            path = f"{parent_path}/" if parent_path else ""
            path += location_slug(name)
            if path not in by_path:
                by_path[path] = LocationService.create(
                    user=user, display_name=name, parent_id=parent.pk if parent else None
                )
                created += 1
        return created

    def _place_items(self, user: User) -> int:
        locations = {location.full_path: location for location in Location.objects.filter(user=user)}
        placed = 0
        for item_type, path in PLACEMENT.items():
            if path in locations:
                place = locations[path]
                placed += user.items.filter(item_type=item_type, current_location__isnull=True).update(
                    current_location=place,
                    location_updated_at=timezone.now(),
                    full_search_text=Concat(F("search_text"), Value(place.search_text), output_field=CharField()),
                )
        return placed
