"""What the bench scripts share: Django set up for a measurement, a throwaway RS256 key standing in for
Clerk's, the bench user and the household it is seeded with.

Import this module before Django is set up, then call `setup_django()`; everything that needs models
imports them inside the function.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
TOKEN_LIFETIME_SECONDS = 3600

# The household: 2 roots x (1 + 4 rooms x (1 + 5 shelves)) = 50 locations. "Living Room" has the word "room",
# so a search for "room" finds both living rooms and their shelves ("Bedroom" only contains it).
ROOTS = ["Home", "Storage Unit"]
ROOMS = ["Living Room", "Bedroom", "Kitchen", "Attic"]
SHELVES_PER_ROOM = 5
ITEMS = [
    ("Winter Coat", "Clothing_Accessories", "Keep"),
    ("Laptop", "Technology", "Keep"),
    ("Cordless Drill", "Tools_Equipment", "Keep"),
    ("Yoga Mat", "Fitness_Equipment", "Give"),
    ("Board Game", "Toys_Games", "Donate"),
    ("Cookbook", "Books_Media", "Keep"),
    ("Tent", "Outdoor_Gear", "Keep"),
    ("Desk Lamp", "Furniture_Appliances", "Give"),
    ("Picture Frame", "Decor_Art", "Donate"),
    ("Dog Bed", "Pet_Supplies", "Keep"),
]
UNPLACED_ITEMS = 2  # the last two items have no location


def setup_django(*, production_tokens: bool = True, **env: str) -> None:
    """Set Django up with `env` on top of the environment (inherited by any process started later). With
    `production_tokens` requests carry RS256 tokens (`token_for`) checked against CLERK_JWT_KEY, and DEBUG
    is off, as in production: no query log, no debug cursor."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.update(env)
    if production_tokens:
        public = _KEY.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        os.environ.update(CLERK_JWT_KEY=public.decode(), CLERK_ISSUER="", CLERK_AUTHORIZED_PARTIES="", DEBUG="False")
        os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")

    import django

    django.setup()
    for handler in logging.getLogger().handlers + logging.getLogger("django").handlers:
        if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
            handler.setStream(sys.stderr)  # the app logs to stdout; keep stdout for the results


def token_for(clerk_id: str) -> str:
    """A session token for `clerk_id` as Clerk would sign it (RS256, one hour)."""
    now = int(time.time())
    claims = {"sub": clerk_id, "iat": now, "nbf": now, "exp": now + TOKEN_LIFETIME_SECONDS}
    return jwt.encode(claims, _KEY, algorithm="RS256", headers={"kid": "bench"})


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the results."""
    print(message, file=sys.stderr, flush=True)


def remove_bench_users(prefix: str) -> int:
    """Delete every bench user whose Clerk id starts with `prefix` (with its items and locations)."""
    from users.models import User

    users = list(User.objects.filter(clerk_id__startswith=prefix))
    for user in users:
        user.delete()
    return len(users)


def bench_user(prefix: str, **fields: Any) -> Any:
    """A fresh bench user whose Clerk id starts with `prefix`; leftovers of earlier runs are removed first."""
    from users.models import User

    remove_bench_users(prefix)
    clerk_id = f"{prefix}{uuid.uuid4().hex[:12]}"
    return User.objects.create(username=clerk_id, clerk_id=clerk_id, email=f"{clerk_id}@bench.invalid", **fields)


def seed_tree(user: Any) -> list[Any]:
    """The household's 50 locations for `user`, parents before children."""
    from locations.services import LocationService

    places = []
    for root_name in ROOTS:
        root = LocationService.create(user=user, display_name=root_name)
        places.append(root)
        for room_name in ROOMS:
            room = LocationService.create(user=user, display_name=room_name, parent_id=root.pk)
            places.append(room)
            places += [
                LocationService.create(user=user, display_name=f"Shelf {number}", parent_id=room.pk)
                for number in range(1, SHELVES_PER_ROOM + 1)
            ]
    return places


def seed_household(user: Any) -> tuple[list[Any], list[Any]]:
    """The household's locations and its 10 items (8 of them on the first shelf of a room each, spread over
    both roots): (locations, items)."""
    from django.utils import timezone

    from items.services import ItemService

    places = seed_tree(user)
    first_shelves = [place for place in places if place.display_name == "Shelf 1"]
    now = timezone.now()
    items = [
        ItemService.create_item(
            user=user,
            name=name,
            picture_url="📦",
            item_type=item_type,
            status=status,
            item_received_date=now - timedelta(days=90 * (index + 1)),
            last_used=now - timedelta(days=index),
            current_location_id=first_shelves[index].pk if index < len(ITEMS) - UNPLACED_ITEMS else None,
        )
        for index, (name, item_type, status) in enumerate(ITEMS)
    ]
    return places, items
