"""Growth scenarios: does a person's request cost what their own data costs, or what the whole table holds?

A measured bench user with a 50-location tree (bench/harness.py) is grown from 10 to 1,000, 10,000 and
100,000 items (`--sizes`), while other bench users hold 100,000 items in total (`--others`, spread over
`--other-users` people, each with a tree of their own) in the same tables. Items are placed all over
the tree (a few have no place), with names from a list of everyday words ("Wool Jacket", "Room Heater",
...), every item type and a mix of statuses. First the smallest person is measured with no other bench
rows in the tables (the control), then the others are seeded once, and the person is measured at each
size with them, growing by adding items. gunicorn (2 workers) serves the whole run; each endpoint is
timed over `--requests` sequential requests as the measured person on one client connection (reopened
whenever the server closes it) after a few untimed ones, in rounds over all endpoints so that a passing
load on the machine weighs on each about equally, and every answer must be 200.

The table gives p50 ms per endpoint at each size, the control, and a verdict: "flat in others' rows"
when the smallest person's p50 with the others' rows is under 1.5 times the control's ("grows with the
table" otherwise), and how the p50 grows with the person's own data from the smallest to the largest
size. `GET /healthz` reads no one's rows: its row shows how much the machine's own load moved between
scenarios (other processes on a small machine can move every row). The rows in the items and locations
tables per scenario come first; p90 and each answer's size follow the p50 table.

Usage: .venv/bin/python bench/growth.py [--sizes 10,1000,10000,100000] [--others 100000] [--requests 50]
                                        [--other-users 20]
       make bench-growth GROWTH_ARGS="--sizes 10,1000 --others 2000"
       make bench  (bench/run.py with ARGS, then this script with GROWTH_ARGS)
       (DATABASE_URL selects PostgreSQL, as for the app; the database is migrated first)

As in bench/run.py, the server runs with DEBUG off, an RS256 token key and the rate limit on (Redis when
one answers on 127.0.0.1:6379, else in process memory). On PostgreSQL the items and locations tables are
vacuumed and analysed after each seeding step, as autovacuum would soon do in production; SQLite gets no
ANALYZE (it would persist statistics in the database file). Bench users of earlier runs are removed at
the start and all of this run's at the end. The exit status is 0 whatever the speed; 1 when gunicorn
does not start, 2 when an endpoint answers other than 200.
"""

from __future__ import annotations

import argparse
import http.client
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import harness  # bench/harness.py, beside this script

# The measured person holds up to 100,000 items; lift the per-user limit for the seeding and the server.
harness.setup_django(MAX_ITEMS_PER_USER="10000000")
log = harness.log

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from items.models import ItemStatus, ItemType, OwnedItem  # noqa: E402
from locations.models import Location  # noqa: E402

CLERK_ID_PREFIX = "bench_growth_"
MEASURED_PREFIX = f"{CLERK_ID_PREFIX}me_"
WARM_UP_REQUESTS = 10
ROUNDS = 5  # the timed requests of a scenario go in this many rounds over the endpoints
SEED_CHUNK = 10_000  # items built in memory at a time
BATCH_SIZE = 2000
UNPLACED_SHARE = 0.05
FLAT_RATIO = 1.5  # below this, a p50 ratio counts as flat

# (label, path). `{item}` is the measured person's first item, `{top}` their first root place. /healthz reads
# no one's rows: it shows how much the machine's own load moved between scenarios.
ENDPOINTS = [
    ("GET /healthz (no rows: the machine's noise)", "/healthz"),
    ("GET /api/items", "/api/items"),
    (
        "GET /api/items?include_sublocations=true&location_id=<top place>",
        "/api/items?include_sublocations=true&location_id={top}",
    ),
    ("GET /api/items?q=jacket", "/api/items?q=jacket"),
    ("GET /api/items/search?q=room", "/api/items/search?q=room"),
    ("GET /api/search?q=room", "/api/search?q=room"),
    ("GET /api/locations/tree", "/api/locations/tree"),
    ("GET /api/locations", "/api/locations"),
    ("GET /api/locations/search?q=room", "/api/locations/search?q=room"),
    ("GET /api/badges/donated", "/api/badges/donated"),
    ("GET /api/items/{id}", "/api/items/{item}"),
]

ADJECTIVES = [
    "Red", "Blue", "Green", "Black", "Old", "New", "Small", "Large", "Vintage", "Wool",
    "Leather", "Spare", "Travel", "Winter", "Summer", "Kids", "Cotton", "Wooden", "Steel", "Folding",
]  # fmt: skip
# Nouns with their item type: every type appears; "jacket" and "room" start words of a few of them.
NOUNS = [
    ("Jacket", ItemType.CLOTHING_ACCESSORIES),
    ("Rain Jacket", ItemType.CLOTHING_ACCESSORIES),
    ("Scarf", ItemType.CLOTHING_ACCESSORIES),
    ("Boots", ItemType.CLOTHING_ACCESSORIES),
    ("Hair Dryer", ItemType.PERSONAL_CARE_ITEMS),
    ("Razor", ItemType.PERSONAL_CARE_ITEMS),
    ("Mop", ItemType.CLEANING_SUPPLIES),
    ("Room Spray", ItemType.CLEANING_SUPPLIES),
    ("Armchair", ItemType.FURNITURE_APPLIANCES),
    ("Room Heater", ItemType.FURNITURE_APPLIANCES),
    ("Toaster", ItemType.FURNITURE_APPLIANCES),
    ("Picture Frame", ItemType.DECOR_ART),
    ("Vase", ItemType.DECOR_ART),
    ("Software Licence", ItemType.SUBSCRIPTIONS_LICENSES),
    ("Laptop", ItemType.TECHNOLOGY),
    ("Phone Charger", ItemType.TECHNOLOGY),
    ("Headphones", ItemType.TECHNOLOGY),
    ("Bicycle", ItemType.VEHICLES),
    ("Scooter", ItemType.VEHICLES),
    ("Cordless Drill", ItemType.TOOLS_EQUIPMENT),
    ("Hammer", ItemType.TOOLS_EQUIPMENT),
    ("Tent", ItemType.OUTDOOR_GEAR),
    ("Sleeping Bag", ItemType.OUTDOOR_GEAR),
    ("Yoga Mat", ItemType.FITNESS_EQUIPMENT),
    ("Dumbbells", ItemType.FITNESS_EQUIPMENT),
    ("Board Game", ItemType.TOYS_GAMES),
    ("Puzzle", ItemType.TOYS_GAMES),
    ("Dog Bed", ItemType.PET_SUPPLIES),
    ("Cookbook", ItemType.BOOKS_MEDIA),
    ("Novel", ItemType.BOOKS_MEDIA),
    ("Umbrella", ItemType.MISCELLANEOUS),
    ("Storage Box", ItemType.OTHER),
]
STATUSES = [ItemStatus.KEEP, ItemStatus.GIVE, ItemStatus.DONATE]
STATUS_WEIGHTS = [70, 15, 15]
GOAL_MONTHS = [6, 12, 24, 60, 120]


# --- Seeding ------------------------------------------------------------------------------------
@dataclass
class Person:
    user: Any
    places: list[Any]
    rng: random.Random
    items: int = 0


def new_person(prefix: str, seed: int) -> Person:
    user = harness.bench_user(prefix)
    return Person(user, harness.seed_tree(user), random.Random(seed))


def add_items(person: Person, count: int) -> None:
    """`count` more items for `person`, spread over their places, in chunks of bulk inserts."""
    now = timezone.now()
    rng = person.rng
    while count > 0:
        chunk = min(count, SEED_CHUNK)
        items = []
        for _ in range(chunk):
            noun, item_type = rng.choice(NOUNS)
            received = now - timedelta(days=rng.randrange(1, 5000), seconds=rng.randrange(86_400))
            place = None if rng.random() < UNPLACED_SHARE else rng.choice(person.places)
            items.append(
                OwnedItem(
                    user=person.user,
                    name=f"{rng.choice(ADJECTIVES)} {noun}",
                    picture_url="📦",
                    item_type=item_type,
                    status=rng.choices(STATUSES, STATUS_WEIGHTS)[0],
                    item_received_date=received,
                    last_used=received + (now - received) * rng.random(),
                    ownership_duration_goal_months=rng.choice(GOAL_MONTHS),
                    current_location=place,
                    location_updated_at=received if place is not None else None,
                )
            )
        with transaction.atomic():
            OwnedItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        person.items += chunk
        count -= chunk


def settle_statistics() -> None:
    """On PostgreSQL, vacuum and analyse the tables the seeding filled (autovacuum's steady state)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in (OwnedItem, Location):
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


def seed_others(total: int, users: int) -> list[Person]:
    """`users` other people (each with a tree) holding `total` items between them."""
    others = []
    for index in range(users if total else 0):
        person = new_person(f"{CLERK_ID_PREFIX}other{index:03d}_", seed=1000 + index)
        add_items(person, total // users + (1 if index < total % users else 0))
        others.append(person)
    return others


# --- Measurements -------------------------------------------------------------------------------
class UnexpectedAnswer(RuntimeError):
    """An endpoint answered other than 200."""


@dataclass
class Timing:
    p50_ms: float
    p90_ms: float
    response_bytes: int


@dataclass
class Scenario:
    label: str
    person_items: int
    table_items: int
    table_locations: int
    timings: dict[str, Timing] = field(default_factory=dict)


def timed_get(conn: http.client.HTTPConnection, label: str, path: str, headers: dict) -> tuple[float, int]:
    """One GET: (ms, response bytes); anything but 200 raises."""
    began = time.perf_counter()
    status, body = harness.request(conn, "GET", path, headers)
    elapsed = time.perf_counter() - began
    if status != 200:
        raise UnexpectedAnswer(f"{label} answered {status}: {body[:500]!r}")
    return elapsed * 1000, len(body)


def measure(port: int, scenario: Scenario, paths: dict[str, str], headers: dict, requests: int) -> None:
    """Every endpoint's p50/p90 over `requests` sequential GETs, after a few untimed ones. The timed requests
    go in rounds through all endpoints, so a passing load on the machine weighs on each about equally."""
    log(f"measuring: {scenario.label} ...")
    latencies: dict[str, list[float]] = {label: [] for label in paths}
    sizes: dict[str, int] = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for label, path in paths.items():
            for _ in range(WARM_UP_REQUESTS):
                timed_get(conn, label, path, headers)
        for round_index in range(ROUNDS):
            share = requests // ROUNDS + (1 if round_index < requests % ROUNDS else 0)
            for label, path in paths.items():
                for _ in range(share):
                    elapsed, sizes[label] = timed_get(conn, label, path, headers)
                    latencies[label].append(elapsed)
    finally:
        conn.close()
    for label, values in latencies.items():
        values.sort()
        scenario.timings[label] = Timing(
            harness.percentile(values, 0.50), harness.percentile(values, 0.90), sizes[label]
        )


def table_counts() -> tuple[int, int]:
    counts = OwnedItem.objects.count(), Location.objects.count()
    connection.close()  # the server has its own connections; keep none open while it measures
    return counts


# --- Report -------------------------------------------------------------------------------------
def short(count: int) -> str:
    """10 -> "10", 1000 -> "1k", 100000 -> "100k", 2500 -> "2.5k"."""
    for size, suffix in ((1_000_000, "M"), (1000, "k")):
        if count >= size:
            return f"{count / size:g}{suffix}"
    return str(count)


def verdict(control: Timing | None, smallest: Timing, largest: Timing, largest_size: int) -> str:
    parts = []
    if control is not None:
        ratio = smallest.p50_ms / control.p50_ms
        table = "flat in others' rows" if ratio < FLAT_RATIO else "grows with the table"
        parts.append(f"{table} (x{ratio:.2f})")
    growth = largest.p50_ms / smallest.p50_ms
    own = "flat in own data" if growth < FLAT_RATIO else "grows with own data"
    parts.append(f"{own}: x{growth:.1f} at {short(largest_size)}")
    return "; ".join(parts)


def print_table(title: str, columns: list[Scenario], control: Scenario | None, cell, verdicts: bool) -> None:
    print(title)
    print()
    heads = [f"{short(s.person_items)} items" for s in columns]
    if control is not None:
        heads.append(f"{short(control.person_items)} items, no others (control)")
    if verdicts:
        heads.append("verdict")
    print(f"| endpoint | {' | '.join(heads)} |")
    print(f"|---|{'---|' * len(heads)}")
    for label, _path in ENDPOINTS:
        cells = [cell(s.timings[label]) for s in columns]
        if control is not None:
            cells.append(cell(control.timings[label]))
        if verdicts:
            cells.append(
                verdict(
                    control.timings[label] if control is not None else None,
                    columns[0].timings[label],
                    columns[-1].timings[label],
                    columns[-1].person_items,
                )
            )
        print(f"| {label} | {' | '.join(cells)} |")
    print()


def print_report(header: list[str], columns: list[Scenario], control: Scenario | None) -> None:
    for line in header:
        print(line)
    print()
    scenarios = [*columns, *([control] if control is not None else [])]
    print("| rows in the tables | " + " | ".join(f"{short(s.person_items)} items" for s in columns), end="")
    print(" | control |" if control is not None else " |")
    print(f"|---|{'---|' * len(scenarios)}")
    print(f"| items table | {' | '.join(f'{s.table_items:,}' for s in scenarios)} |")
    print(f"| locations table | {' | '.join(f'{s.table_locations:,}' for s in scenarios)} |")
    print()
    print_table(
        "p50 ms (the control without the others' rows, every other column with them)",
        columns,
        control,
        lambda t: f"{t.p50_ms:.2f}",
        True,
    )
    print_table("p90 ms", columns, control, lambda t: f"{t.p90_ms:.2f}", False)
    print_table("response KB", columns, control, lambda t: f"{t.response_bytes / 1024:.1f}", False)


# --- Main ---------------------------------------------------------------------------------------
def parse_sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of whole numbers: {text!r}") from None
    if not sizes or sizes != sorted(set(sizes)) or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be increasing whole numbers, the first at least 1")
    return sizes


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=parse_sizes, default=[10, 1000, 10_000, 100_000], help="the measured person's item counts"
    )
    parser.add_argument("--others", type=int, default=100_000, help="items the other people hold in total")
    parser.add_argument("--other-users", type=int, default=20, help="people the others' items are spread over")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per endpoint and scenario")
    args = parser.parse_args()
    if args.others < 0 or args.other_users < 1 or args.requests < 1:
        parser.error("--others must be at least 0, --other-users and --requests at least 1")
    return args


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    log("migrating ...")
    call_command("migrate", "--noinput", verbosity=0)
    removed = harness.remove_bench_users(CLERK_ID_PREFIX)
    if removed:
        log(f"removed {removed} bench users left by an earlier run")
    database = f"{connection.vendor} ({Path(str(connection.settings_dict['NAME'])).name})"
    seconds = {"seeding": 0.0, "measuring": 0.0}

    def timed(kind: str, step, *step_args):
        began = time.monotonic()
        result = step(*step_args)
        seconds[kind] += time.monotonic() - began
        return result

    use_redis = harness.redis_answers()
    port = harness.free_port()
    try:
        with tempfile.TemporaryFile(mode="w+") as server_log:
            log(f"seeding the measured person ({args.sizes[0]} items) ...")
            me = timed("seeding", new_person, MEASURED_PREFIX, 1)
            timed("seeding", add_items, me, args.sizes[0])
            timed("seeding", settle_statistics)
            headers = {"Authorization": f"Bearer {harness.token_for(me.user.clerk_id)}"}
            first_item = OwnedItem.objects.filter(user=me.user).order_by("created_at").values_list("pk", flat=True)[0]
            top = me.places[0]
            paths = {label: path.format(item=first_item, top=top.pk) for label, path in ENDPOINTS}

            log(f"starting gunicorn on 127.0.0.1:{port} ...")
            server = harness.start_server(port, harness.server_environment(use_redis), server_log)
            if server is None:
                server_log.seek(0)
                log(f"gunicorn did not answer /healthz within {harness.SERVER_START_SECONDS} s; its output:")
                log(server_log.read()[-4000:])
                return 1
            try:
                control = Scenario(f"{args.sizes[0]} items, no other bench rows", me.items, *table_counts())
                timed("measuring", measure, port, control, paths, headers, args.requests)

                log(f"seeding {args.others} items of {args.other_users} other people ...")
                others = timed("seeding", seed_others, args.others, args.other_users)
                timed("seeding", settle_statistics)
                columns = []
                for size in args.sizes:
                    if size > me.items:
                        log(f"growing the measured person to {size} items ...")
                        timed("seeding", add_items, me, size - me.items)
                        timed("seeding", settle_statistics)
                    scenario = Scenario(f"{size} items, with others", me.items, *table_counts())
                    timed("measuring", measure, port, scenario, paths, headers, args.requests)
                    columns.append(scenario)
            except UnexpectedAnswer as exc:
                log(f"error: {exc}")
                server_log.seek(0)
                log("the end of gunicorn's output:")
                log(server_log.read()[-4000:])
                return 2
            finally:
                harness.stop_server(server)
    finally:
        log("removing the bench users ...")
        began = time.monotonic()
        harness.remove_bench_users(CLERK_ID_PREFIX)
        cleanup = time.monotonic() - began

    header = [
        f"database: {database}, rate limit backend: {'redis' if use_redis else 'memory'}, "
        f"gunicorn: {harness.WORKERS} workers; {args.requests} sequential requests per endpoint and scenario "
        f"after {WARM_UP_REQUESTS} untimed",
        f"measured person: {short(me.items)} items at most, {len(me.places)} locations; others: "
        f"{sum(o.items for o in others):,} items over {len(others)} people with {len(me.places)} locations each",
        f"time: seeding {seconds['seeding']:.0f} s, measuring {seconds['measuring']:.0f} s, cleanup {cleanup:.0f} s, "
        f"total {time.monotonic() - started:.0f} s",
    ]
    print_report(header, columns, control if args.others else None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
