"""Where the time of an API request goes, per area: in process, with django.test.Client and cProfile.

Seeds a throwaway bench user (10 items, a 50-location tree; removed at the end), sends each path 20
warm-up requests, then per path measures wall ms/request over N requests, the queries of one
request, and N requests under cProfile whose self time (pstats tottime) is summed per area:

  database       django/db/ outside models (backends, transactions) and the drivers (sqlite3, psycopg2)
  ORM objects    django/db/models/: query building, model instances, value conversion
  serialisation  pydantic(_core), ninja (parsing, rendering), json, orjson, */schemas.py, Django serializers
  auth           minNow/auth.py, ninja/security/, jwt, cryptography
  rate limit     minNow/ratelimit.py, redis, upstash
  dateutil       dateutil/ (relativedelta is a known hotspot)
  our code       the rest of the project: items/, locations/, users/, agent/, minNow/
  test client    django/test/: the harness, which a real server does not run
  django other   the rest of Django: middleware, URL resolving, requests and responses
  other          the standard library and everything else

A built-in (C) function counts for its callers' areas (a socket read under redis is rate limit),
except the drivers' and pydantic_core's methods. cProfile slows Python more than C code: compare
profiles with profiles, wall times with wall times. It also charges a garbage collection to whatever
function is running, so the output gives the collections' time apart: a function that jumps up in
the list by about that much is a victim, not a regression.

Usage: .venv/bin/python bench/profile_api.py [PATH ...] [--requests 300] [--method GET] [--top 15]
       (DATABASE_URL selects PostgreSQL, as for the app; the database is migrated first)
{item} in a path becomes the id of the bench user's first item, {location} a location id.

The test client disconnects Django's `close_old_connections` around its requests; this script
connects its own receiver, so connections close as in a server (with CONN_MAX_AGE 0, one new one per
request; the output counts them). The rate limit stays on, too high to block, with the configured
backend (REDIS_URL=redis://127.0.0.1:6379/0 includes Redis). Requests carry an RS256 token signed by
a throwaway key given to the app as CLERK_JWT_KEY, with DEBUG off, as in production (bench/harness.py).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import re
import sys
import sysconfig
import time
from collections import defaultdict
from pathlib import Path

import harness  # bench/harness.py, beside this script

# As in bench/run.py: the capacity check runs but never refuses, and the rate limit never blocks.
harness.setup_django(MAX_ITEMS_PER_USER="1000000", RATE_LIMIT_REQUESTS="100000000")
log = harness.log

from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.db.backends.signals import connection_created  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from minNow import ratelimit  # noqa: E402
from users.models import User  # noqa: E402

CLERK_ID_PREFIX = "bench_profile_"
WARM_UP_REQUESTS = 20
DEFAULT_PATHS = ["/healthz", "/api/items", "/api/items/{item}", "/api/badges/donated", "/api/locations/tree"]
DEFAULT_PATHS += ["/api/locations", "/api/locations/search?q=room", "/api/items/search?q=room", "/api/search?q=room"]

# First match wins. Our own files are told apart from installed packages before PACKAGE_AREAS are tried.
OUR_AREAS = [("auth", "minNow/auth.py"), ("rate limit", "minNow/ratelimit.py"), ("serialisation", "schemas.py")]
PACKAGE_AREAS = [
    ("auth", ("/ninja/security/", "/jwt/", "/cryptography/")),
    ("rate limit", ("/redis/", "/upstash_redis/", "/upstash_ratelimit/")),
    ("ORM objects", ("/django/db/models/",)),
    ("database", ("/django/db/", "/sqlite3/", "/psycopg2/", "/psycopg/")),
    ("serialisation", ("/pydantic/", "/pydantic_core/", "/ninja/", "/json/", "/orjson/", "/django/core/serializers/")),
    ("dateutil", ("/dateutil/",)),
    ("test client", ("/django/test/",)),
    ("django other", ("/django/",)),
]
BUILTIN_AREAS = [("database", ("sqlite3", "psycopg", "CursorWrapper")), ("serialisation", ("pydantic_core", "orjson"))]
PREFIXES = [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], str(harness.ROOT)]

Func = tuple[str, int, str]  # pstats' (file, line, function name); built-ins have the file "~"


GC_SECONDS = [0.0, 0.0]  # the time of garbage collections so far, and when the current one started


def time_gc(phase: str, info: dict) -> None:
    """A gc callback: cProfile charges a collection to whichever function happens to run, so it is summed apart."""
    if phase == "start":
        GC_SECONDS[1] = time.perf_counter()
    else:
        GC_SECONDS[0] += time.perf_counter() - GC_SECONDS[1]


def seed() -> tuple[User, str, str]:
    """A fresh bench user with the bench household: (user, first item's id, a location's id)."""
    user = harness.bench_user(CLERK_ID_PREFIX)
    places, items = harness.seed_household(user)
    return user, str(items[0].pk), str(places[2].pk)


def area_of(func: Func) -> str:
    """The area of a function by its file; for a built-in by its name, "" when the name tells nothing."""
    filename, _, name = func
    if filename == "~":
        return next((area for area, names in BUILTIN_AREAS if any(part in name for part in names)), "")
    if filename.startswith(str(harness.ROOT)) and "/.venv/" not in filename:
        return next((area for area, suffix in OUR_AREAS if filename.endswith(suffix)), "our code")
    return next((area for area, parts in PACKAGE_AREAS if any(part in filename for part in parts)), "other")


def areas(stats: pstats.Stats) -> dict[str, float]:
    """Self seconds per area; a built-in's time is split over its callers' areas."""
    totals: dict[str, float] = defaultdict(float)
    for func, (_, _, tottime, _, callers) in stats.stats.items():
        if area := area_of(func):
            totals[area] += tottime
            continue
        for caller, (_, _, caller_tottime, _) in callers.items():
            totals[area_of(caller) or "other"] += caller_tottime
        totals["other"] += tottime - sum(entry[2] for entry in callers.values())  # called from nowhere profiled
    return totals


def label(func: Func, callers: dict) -> tuple[str, str]:
    """A function's short name and its area (for a built-in without one, its main caller's, marked so)."""
    filename, line, name = func
    for prefix in PREFIXES:
        filename = filename.removeprefix(prefix + "/")
    if filename != "~":
        return f"{filename}:{line}({name})", area_of(func)
    caller = max(callers, key=lambda entry: callers[entry][2], default=None)
    area = area_of(func) or f"{(area_of(caller) if caller else '') or 'other'} (caller)"
    return re.sub(r" at 0x[0-9a-f]+", "", name), area


def profile_path(client: Client, method: str, path: str, requests: int, top: int) -> None:
    """Measure one path and print its section."""
    log(f"profiling {method} {path} ...")
    opened = []
    count_open = lambda **kwargs: opened.append(1)  # noqa: E731
    connection_created.connect(count_open)
    gc.collect()  # start each loop with nothing pending, so a full collection falls in it less by chance
    started = time.perf_counter()
    statuses = sorted({client.generic(method, path).status_code for _ in range(requests)})
    wall_ms = (time.perf_counter() - started) * 1000 / requests
    connection_created.disconnect(count_open)
    with CaptureQueriesContext(connection) as queries:
        client.generic(method, path)
    query_count = len(queries)  # now: the captured queries are sliced from the connection's log when read
    gc.collect()
    profiler, GC_SECONDS[0] = cProfile.Profile(), 0.0
    profiler.runcall(lambda: [client.generic(method, path) for _ in range(requests)])
    gc_ms = GC_SECONDS[0] * 1000 / requests
    stats = pstats.Stats(profiler)
    per_area = sorted(areas(stats).items(), key=lambda entry: -entry[1])
    total_ms = sum(seconds for _, seconds in per_area) * 1000 / requests
    if connection.settings_dict["CONN_MAX_AGE"] == 0 and query_count and len(opened) != requests:
        log(f"warning: {path}: {len(opened)} connections opened in {requests} requests, expected one per request")

    print(f"## {method} {path}\n")
    print(
        f"status {', '.join(map(str, statuses))}; wall {wall_ms:.3f} ms/request without the profiler, "
        f"{total_ms:.3f} profiled (of which garbage collection {gc_ms:.3f}, charged to random functions); "
        f"{query_count} queries/request; {len(opened) / requests:.2f} connections opened/request\n\n"
        "| area | ms/request | share % |\n|---|---|---|"
    )
    for area, seconds in per_area:
        print(f"| {area} | {seconds * 1000 / requests:.3f} | {seconds * 1000 / requests / total_ms * 100:.1f} |")
    print(f"| **total (profiled)** | **{total_ms:.3f}** | 100.0 |\n")
    print(f"| top {top} functions by self time | area | ms/request |\n|---|---|---|")
    for func, (_, _, tottime, _, callers) in sorted(stats.stats.items(), key=lambda entry: -entry[1][2])[:top]:
        print("| `{}` | {} | {:.3f} |".format(*label(func, callers), tottime * 1000 / requests))
    print()


def close_connections(**kwargs: object) -> None:
    """Django's request-cycle receiver, under a name the test client does not disconnect."""
    close_old_connections(**kwargs)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", metavar="PATH", help="paths to profile (default: a set of read endpoints)")
    parser.add_argument("--requests", type=int, default=300, help="requests per path and measurement (default 300)")
    parser.add_argument("--method", type=str.upper, default="GET", help="HTTP method (default GET)")
    parser.add_argument("--top", type=int, default=15, help="functions listed per path (default 15)")
    args = parser.parse_args()
    if args.requests < 1 or args.top < 0:
        parser.error("--requests must be at least 1 and --top at least 0")
    return args


def main() -> int:
    args = parse_args()
    log("migrating ...")
    call_command("migrate", "--noinput", verbosity=0)
    log("seeding the bench user ...")
    user, item, location = seed()
    request_started.connect(close_connections)
    request_finished.connect(close_connections)
    gc.callbacks.append(time_gc)
    try:
        paths = [path.replace("{item}", item).replace("{location}", location) for path in args.paths or DEFAULT_PATHS]
        client = Client(headers={"Authorization": f"Bearer {harness.token_for(user.clerk_id)}"})
        connection.close()  # start as a server process does, with no connection open
        for path in paths:
            log(f"warming up {path} ...")
            for _ in range(WARM_UP_REQUESTS):
                client.generic(args.method, path)
        settings = connection.settings_dict
        print(
            f"# Profile: {connection.vendor} ({Path(str(settings['NAME'])).name}, CONN_MAX_AGE "
            f"{settings['CONN_MAX_AGE']}), rate limit backend: {ratelimit.backend().name}; {args.requests} "
            f"requests per path and measurement; seeded {len(harness.ITEMS)} items, "
            f"{len(harness.ROOTS) * (1 + len(harness.ROOMS) * (1 + harness.SHELVES_PER_ROOM))} locations\n"
        )
        for path in paths:
            profile_path(client, args.method, path, args.requests, args.top)
    finally:
        request_started.disconnect(close_connections)
        request_finished.disconnect(close_connections)
        user.delete()
        if User.objects.filter(clerk_id__startswith=CLERK_ID_PREFIX).exists():
            log(f"warning: a {CLERK_ID_PREFIX} user is still in the database (another run at the same time?)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
