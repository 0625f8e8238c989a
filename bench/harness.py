"""What the bench scripts share: Django set up for a measurement, a throwaway RS256 key standing in for
Clerk's, the bench user and the household it is seeded with, and gunicorn started on a free port for the
measurement (with the helpers to talk to it).

Import this module before Django is set up, then call `setup_django()`; everything that needs models
imports them inside the function.
"""

from __future__ import annotations

import http.client
import logging
import math
import os
import socket
import subprocess
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
WORKERS = 2
REDIS_URL = "redis://127.0.0.1:6379/0"
SERVER_START_SECONDS = 30

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


# --- Server -------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def server_environment(use_redis: bool) -> dict[str, str]:
    """The bench's own environment (same database, secret key, item limit) plus the server settings.

    Unused limiter variables are set empty rather than removed, so a `.env` file cannot bring them back.
    """
    env = dict(os.environ)
    env.update(
        RATE_LIMIT_REQUESTS="100000000",
        REDIS_URL=REDIS_URL if use_redis else "",
        UPSTASH_REDIS_REST_URL="",
        UPSTASH_REDIS_REST_TOKEN="",
        LOG_LEVEL="WARNING",
    )
    return env


def start_server(port: int, env: dict[str, str], log_file: Any) -> subprocess.Popen | None:
    """Start gunicorn and wait for /healthz; None (with gunicorn stopped) when it does not answer."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),  # .venv/bin/gunicorn beside .venv/bin/python
        "config.wsgi:application",
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603
    if serving(server, port):
        return server
    stop_server(server)
    return None


def serving(server: subprocess.Popen, port: int) -> bool:
    """Whether the server on `port` answers /healthz within SERVER_START_SECONDS (False once it has exited)."""
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline and server.poll() is None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            if request(conn, "GET", "/healthz", {})[0] == 200:
                return True
        except (OSError, http.client.HTTPException):
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    return False


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def request(conn: http.client.HTTPConnection, method: str, path: str, headers: dict, body: str | None = None):
    """Send one request and read the whole response: (status, body bytes)."""
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, response.read()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; NaN when there are no values."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]
