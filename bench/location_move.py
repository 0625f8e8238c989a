"""Time renaming and moving a 500-node location subtree on the configured database.

Usage: .venv/bin/python bench/location_move.py  (DATABASE_URL selects PostgreSQL; migrate first)
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from locations.models import Location  # noqa: E402
from locations.services import LocationService  # noqa: E402
from users.models import User  # noqa: E402

NODES = 500
ROUNDS = 5


def build_subtree(user: User) -> tuple[Location, Location, Location]:
    """Two roots, and under the first a subtree of NODES nodes (fan-out 8, four levels)."""
    root_a = LocationService.create(user=user, display_name="Bench Root A")
    root_b = LocationService.create(user=user, display_name="Bench Root B")
    subtree = LocationService.create(user=user, display_name="Moving Box", parent_id=root_a.pk)
    frontier, created = [subtree], 1
    while created < NODES:
        next_frontier = []
        for parent in frontier:
            for n in range(8):
                if created == NODES:
                    break
                next_frontier.append(
                    LocationService.create(user=user, display_name=f"Shelf {created} {n}", parent_id=parent.pk)
                )
                created += 1
        frontier = next_frontier
    return root_a, root_b, subtree


def main() -> None:
    user, _ = User.objects.get_or_create(username="bench-location-move", defaults={"clerk_id": "bench_location_move"})
    Location.objects.filter(user=user).delete()
    root_a, root_b, subtree = build_subtree(user)
    assert LocationService.descendants(subtree).count() == NODES - 1

    timings: dict[str, list[float]] = {"move": [], "rename": []}
    queries: dict[str, int] = {}
    for round_number in range(ROUNDS):
        target = root_b if round_number % 2 == 0 else root_a
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            LocationService.move(user=user, location_id=subtree.pk, parent_id=target.pk)
            timings["move"].append((time.perf_counter() - started) * 1000)
        queries["move"] = len(ctx.captured_queries)
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            LocationService.rename(user=user, location_id=subtree.pk, display_name=f"Moving Box {round_number}")
            timings["rename"].append((time.perf_counter() - started) * 1000)
        queries["rename"] = len(ctx.captured_queries)

    print(f"database: {connection.vendor}, subtree: {NODES} nodes, {ROUNDS} rounds")
    print("| operation | median ms | max ms | queries |")
    print("|---|---|---|---|")
    for name, values in timings.items():
        print(f"| {name} | {statistics.median(values):.1f} | {max(values):.1f} | {queries[name]} |")
    user.delete()


if __name__ == "__main__":
    main()
