"""Time and memory of exporting a large account (NDJSON command, GET /api/export) and of an import.

Seeds a throwaway admin user (`bench_export_...`) with `--items` items (default 100,000) spread over a
50-location tree, inserted with bulk_create in batches (a request per item would take far longer than
what is measured), then measures:

1. `manage.py export_to_ndjson --user-email <bench user>` and the whole-database export, each in its own
   process, so the peak RSS is that export's alone and not this script's seeded objects;
2. `GET /api/export` (JSON) and `GET /api/export?format=csv` for the bench user, each in its own process
   that sets Django up, sends the request through django.test.Client with a dev token (DEBUG must be on,
   the default outside PROD) and consumes the body chunk by chunk as a client would; a baseline row is
   the same process sending nothing, so the request's own memory is the difference;
3. `POST /api/import` of a 1,000-item document for a fresh admin user, in this process. The document is
   what `GET /api/export` gives for a second bench user with 1,000 items, so it is in the endpoint's
   own format whatever that becomes.

An endpoint that does not exist yet is skipped with a message. Peak RSS is the child's maximum resident
set as GNU time (/usr/bin/time) reports it; without GNU time, wait4's figure, marked as an upper bound
(see run_child). Every bench user, with its items and locations, is removed at the end.

Usage: .venv/bin/python bench/export_import.py [--items 100000]
       (DATABASE_URL selects PostgreSQL, as for the app; migrate the database first)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import harness  # bench/harness.py, beside this script

# The bench user is an admin (no item limit), but the import's capacity check and any non-admin path
# should not refuse either; the children inherit this. Child processes use development tokens (DEBUG on).
harness.setup_django(production_tokens=False, MAX_ITEMS_PER_USER="10000000")
log = harness.log

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import Resolver404, get_resolver, resolve  # noqa: E402
from django.utils import timezone  # noqa: E402

from items.models import ItemStatus, ItemType, OwnedItem  # noqa: E402
from minNow.auth import issue_dev_token  # noqa: E402
from users.models import User  # noqa: E402

CLERK_ID_PREFIX = "bench_export_"
BATCH = 5000
IMPORT_ITEMS = 1000
UNPLACED_EVERY = 10  # every tenth item has no location


# --- Seeding ------------------------------------------------------------------------------------
def seed_user(label: str, items: int) -> User:
    """A fresh admin bench user with a 50-location tree and `items` items spread over it."""
    clerk_id = f"{CLERK_ID_PREFIX}{label}_{uuid.uuid4().hex[:10]}"
    user = User.objects.create(username=clerk_id, clerk_id=clerk_id, email=f"{clerk_id}@bench.invalid", is_admin=True)
    places = harness.seed_tree(user)
    now = timezone.now()
    types, statuses = ItemType.values, ItemStatus.values
    for start in range(0, items, BATCH):
        OwnedItem.objects.bulk_create(
            [
                OwnedItem(
                    user=user,
                    name=f"Bench item {index}",
                    picture_url="📦",
                    item_type=types[index % len(types)],
                    status=statuses[index % len(statuses)],
                    item_received_date=now - timedelta(days=index % 3650),
                    last_used=now - timedelta(days=index % 365),
                    ownership_duration_goal_months=1 + index % 120,
                    current_location=None if index % UNPLACED_EVERY == 0 else places[index % len(places)],
                    location_updated_at=None if index % UNPLACED_EVERY == 0 else now,
                )
                for index in range(start, min(start + BATCH, items))
            ],
            batch_size=BATCH,
        )
    return user


# --- Measuring in a child process ---------------------------------------------------------------
@dataclass(frozen=True)
class Child:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str
    exact: bool  # False: an upper bound (see run_child)


def gnu_time() -> str | None:
    """/usr/bin/time when it is GNU time (it takes -f); None otherwise."""
    path = shutil.which("time")
    if path is None:
        return None
    probe = subprocess.run([path, "-f", "%M", "true"], capture_output=True, check=False)  # noqa: S603
    return path if probe.returncode == 0 else None


GNU_TIME = gnu_time()


def run_child(command: list[str]) -> Child:
    """Run `command` from the project directory: its wall time and its own peak RSS.

    A child started straight from this script reports at least this script's RSS at the time (Linux keeps
    the larger of the forked image's and the new program's high-water marks, and this script holds the
    seeded rows' leftovers), so the child is started under GNU time, a small process, which reports the
    child's own maximum. Without GNU time the child's wait4 figure is given, marked as an upper bound.
    """
    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        out, err = (stack.enter_context(tempfile.TemporaryFile("w+")) for _ in range(2))
        wrapped = [GNU_TIME, "-f", "%M", "-o", str(scratch / "rss"), *command] if GNU_TIME else command
        started = time.perf_counter()
        process = subprocess.Popen(wrapped, cwd=harness.ROOT, stdout=out, stderr=err)  # noqa: S603 (our own command)
        _, status, usage = os.wait4(process.pid, 0)  # this child's rusage alone, unlike RUSAGE_CHILDREN
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        if GNU_TIME:
            peak_kib = int((scratch / "rss").read_text().split()[-1])
        else:
            peak_kib = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss  # bytes on macOS
        out.seek(0)
        err.seek(0)
        return Child(seconds, peak_kib / 1024, process.returncode, out.read(), err.read(), exact=bool(GNU_TIME))


def child_get(user_id: int, path: str) -> None:
    """In a child process: GET `path` as the user, reading the body chunk by chunk; print one JSON line
    (the request's own time: the API is imported before the clock starts). An empty path sends nothing: the
    baseline, Django set up, the URLconf imported and a client built."""
    user = User.objects.get(pk=user_id)
    client = Client(headers={"Authorization": f"Bearer {issue_dev_token(user)}"})
    get_resolver().url_patterns  # noqa: B018 (imports the whole API first, so the timing is the request's)
    started = time.perf_counter()
    status, size, chunks = 0, 0, 0
    if path:
        response = client.get(path)
        status = response.status_code
        for chunk in response.streaming_content if response.streaming else [response.content]:
            size += len(chunk)
            chunks += 1
        response.close()
    seconds = time.perf_counter() - started
    print(json.dumps({"status": status, "bytes": size, "chunks": chunks, "seconds": seconds}))


def route_exists(path: str) -> bool:
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


# --- Report rows --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    measurement: str
    rows: str
    seconds: float | None
    peak_rss_mb: float | None
    output_mb: float | None
    notes: str = ""
    rss_exact: bool = True  # False: an upper bound (see run_child)

    def cells(self) -> str:
        def fmt(value: float | None, digits: int) -> str:
            return "-" if value is None else f"{value:.{digits}f}"

        return (
            f"| {self.measurement} | {self.rows} | {fmt(self.seconds, 2)} | {'' if self.rss_exact else '<= '}"
            f"{fmt(self.peak_rss_mb, 0)} "
            f"| {fmt(self.output_mb, 1)} | {self.notes} |"
        )


def directory_mb(path: Path, pattern: str) -> float:
    return sum(file.stat().st_size for file in path.glob(pattern)) / 1e6


def measure_command(label: str, extra: list[str], rows: str) -> Row:
    with tempfile.TemporaryDirectory(prefix="bench_export_") as out_dir:
        command = [sys.executable, "manage.py", "export_to_ndjson", "--output-dir", out_dir, "--overwrite", *extra]
        child = run_child(command)
        if child.returncode:
            return Row(
                label, rows, None, None, None, f"failed (exit {child.returncode}): {child.stderr.strip()[-300:]}"
            )
        summary = child.stdout.strip().splitlines()[-1].removeprefix("summary: ").split(" to ")[0]
        size = directory_mb(Path(out_dir), "*.ndjson")
        all_data = directory_mb(Path(out_dir), "all_data.ndjson")
        note = f"{summary}; all_data.ndjson is {all_data:.1f} MB of them"
        return Row(label, rows, child.seconds, child.peak_rss_mb, size, note, rss_exact=child.exact)


def measure_startup() -> Row:
    """What `manage.py` costs before exporting anything: Django set up and the system checks, which every
    command runs first (they import the URLconf, so the whole API)."""
    child = run_child([sys.executable, "manage.py", "check"])
    return Row(
        "baseline: manage.py check",
        "-",
        child.seconds,
        child.peak_rss_mb,
        None,
        rss_exact=child.exact,
    )


def measure_api_get(label: str, user: User, path: str, rows: str) -> Row:
    child = run_child(
        [sys.executable, str(Path(__file__).resolve()), "--child-get", path, "--child-user", str(user.pk)]
    )
    if child.returncode:
        return Row(label, rows, None, None, None, f"failed (exit {child.returncode}): {child.stderr.strip()[-300:]}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    if not path:
        return Row(label, "-", None, child.peak_rss_mb, None, f"process wall time {child.seconds:.2f} s", child.exact)
    note = f"HTTP {result['status']}, {result['chunks']} chunk(s); process wall time {child.seconds:.2f} s"
    return Row(label, rows, result["seconds"], child.peak_rss_mb, result["bytes"] / 1e6, note, child.exact)


def measure_import() -> Row:
    """Export a 1,000-item user through the API and import that document for a fresh admin user."""
    label = f"POST /api/import ({IMPORT_ITEMS:,} items, in process)"
    source = seed_user("src", IMPORT_ITEMS)
    response = Client(headers={"Authorization": f"Bearer {issue_dev_token(source)}"}).get("/api/export")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code != 200:
        return Row(label, "-", None, None, None, f"skipped: GET /api/export answered {response.status_code}")
    target = User.objects.create(
        username=f"{CLERK_ID_PREFIX}dst", clerk_id=f"{CLERK_ID_PREFIX}dst_{uuid.uuid4().hex[:10]}", is_admin=True
    )
    client = Client(headers={"Authorization": f"Bearer {issue_dev_token(target)}"})
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post("/api/import", data=body, content_type="application/json")
        seconds = time.perf_counter() - started
    imported = OwnedItem.objects.filter(user=target).count()
    note = f"HTTP {response.status_code}, {imported:,} items stored, {len(queries)} queries"
    if response.status_code >= 400:
        note += f": {response.content[:200].decode(errors='replace')}"
    return Row(label, f"{IMPORT_ITEMS:,}", seconds, None, len(body) / 1e6, note)


def describe_database() -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("show server_version")
            version = f"PostgreSQL {cursor.fetchone()[0]}"
    return f"{connection.vendor} ({Path(str(connection.settings_dict['NAME'])).name}, {version})"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000, help="items of the bench user (default 100,000)")
    parser.add_argument("--child-get", help=argparse.SUPPRESS)
    parser.add_argument("--child-user", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.items < 1:
        parser.error("--items must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    if args.child_user is not None:
        child_get(args.child_user, args.child_get or "")
        return 0
    if not settings.DEBUG:
        log("DEBUG is off: dev tokens are refused, so the API rows will fail; unset PROD/DEBUG")
    harness.remove_bench_users(CLERK_ID_PREFIX)
    rows: list[Row] = []
    try:
        log(f"seeding {args.items:,} items ...")
        started = time.perf_counter()
        user = seed_user("big", args.items)
        seed_seconds = time.perf_counter() - started
        log(f"seeded in {seed_seconds:.1f} s")
        count = f"{args.items:,}"
        total = f"{OwnedItem.objects.count():,}"
        connection.close()  # the children have their own connections; SQLite's WAL is checkpointed

        rows.append(measure_startup())
        log("export_to_ndjson for the bench user ...")
        rows.append(measure_command("export_to_ndjson --user-email", ["--user-email", user.email], count))
        log("export_to_ndjson for the whole database ...")
        rows.append(measure_command("export_to_ndjson (whole database)", [], total))

        rows.append(measure_api_get("baseline: Django and the URLconf set up, no request", user, "", count))
        if route_exists("/api/export"):
            for label, path in [
                ("GET /api/export (JSON)", "/api/export"),
                ("GET /api/export?format=csv", "/api/export?format=csv"),
            ]:
                log(f"{label} ...")
                rows.append(measure_api_get(label, user, path, count))
        else:
            log("GET /api/export does not exist yet: skipped")
            rows.append(Row("GET /api/export", count, None, None, None, "skipped: no such endpoint yet"))

        if route_exists("/api/import") and route_exists("/api/export"):
            log("POST /api/import ...")
            rows.append(measure_import())
        else:
            log("POST /api/import (or the export that makes its document) does not exist yet: skipped")
            rows.append(Row("POST /api/import", f"{IMPORT_ITEMS:,}", None, None, None, "skipped: no such endpoint yet"))
    finally:
        log("removing the bench users ...")
        harness.remove_bench_users(CLERK_ID_PREFIX)

    print(
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"database {describe_database()}; seeded {args.items:,} items over 50 locations in {seed_seconds:.1f} s"
    )
    print()
    print("| measurement | items | seconds | peak RSS MB | output MB | notes |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row.cells())
    return 0


if __name__ == "__main__":
    sys.exit(main())
