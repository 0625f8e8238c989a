"""HTTP throughput and latency of the API under gunicorn, on the configured database.

Seeds a throwaway bench user (10 items, a 50-location tree), starts gunicorn with 2 workers on a
free port, and measures requests/s and p50/p99 latency for the read endpoints the web app calls most
and a create+delete item cycle, each for a fixed duration at a fixed concurrency, `--runs` times.
Each endpoint's throughput is also given as a share of `GET /healthz` from the same run, next to the
budget in docs/design.md ("Performance budget"), with the server's CPU time per request (user +
system time of the gunicorn workers, read from /proc) and the queries one request runs (counted in
process). The table shows the median of the runs. GET scenarios use `wrk` when it is installed; the
create+delete cycle (and every scenario without `wrk`) uses a small threaded Python load generator.
The bench user and its data are removed at the end.

Usage: .venv/bin/python bench/run.py [--duration 10] [--connections 16] [--runs 3] [--python-only]
       make bench ARGS="--duration 10"
       (DATABASE_URL selects PostgreSQL, as for the app; the database is migrated first)

gunicorn runs from the project directory, so it reads ./gunicorn.conf.py when there is one, as in
production; the header line says whether it did.

The rate limit stays on (Redis when one answers on 127.0.0.1:6379, else in process memory) with a
limit too high to block, so its cost is measured. Requests carry an RS256 token signed by a throwaway
key that the server gets as CLERK_JWT_KEY, and the server runs with DEBUG off, as in production
(bench/harness.py). The exit status is 0 whatever the speed; it is 1 only when gunicorn does not start.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import harness  # bench/harness.py, beside this script

# The create+delete cycle briefly holds up to one extra item per connection on top of the 10 seeded
# ones; lift the per-user item limit (for the seeding and the server) so the capacity check runs but
# never refuses.
harness.setup_django(MAX_ITEMS_PER_USER="1000000")
log = harness.log

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from items.models import ItemType, OwnedItem  # noqa: E402
from locations.models import Location  # noqa: E402
from minNow.text import matches_every_word  # noqa: E402

CLERK_ID_PREFIX = "bench_run_"
WARM_UP_REQUESTS = 10

# (name, path, authenticated, budget: the least share of /healthz's throughput it must reach). `{item}` is the
# id of the bench user's first item.
GET_SCENARIOS = [
    ("GET /healthz", "/healthz", False, None),
    ("GET /api/items", "/api/items", True, 0.60),
    ("GET /api/items/{id}", "/api/items/{item}", True, 0.75),
    ("GET /api/badges/donated", "/api/badges/donated", True, 0.75),
    ("GET /api/locations/tree", "/api/locations/tree", True, 0.50),
    ("GET /api/locations", "/api/locations", True, 0.50),
    ("GET /api/locations/search?q=room", "/api/locations/search?q=room", True, 0.60),
    ("GET /api/items/search?q=room", "/api/items/search?q=room", True, 0.60),
    ("GET /api/search?q=room", "/api/search?q=room", True, 0.60),
]
CYCLE_SCENARIO = "POST + DELETE /api/items (cycles)"
P99_BUDGET_MS = 50


# --- Measurements -------------------------------------------------------------------------------
@dataclass
class Result:
    scenario: str
    generator: str
    rate: float  # operations per second
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_ms: float = math.nan  # server CPU (user + system, all gunicorn processes) per operation
    queries: int | None = None  # queries one operation runs, counted in process
    budget: float | None = None  # the least share of /healthz's throughput


def server_cpu_seconds(server: subprocess.Popen) -> float:
    """User + system CPU time so far of gunicorn's master and its live workers (Linux /proc)."""
    pids = [server.pid]
    try:
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    except OSError:
        return math.nan
    pids += [int(pid) for pid in children]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of proc(5))
        if pid == server.pid:
            ticks += int(fields[13]) + int(fields[14])  # cutime, cstime: workers that exited (recycled)
    return ticks / os.sysconf("SC_CLK_TCK")


def count_queries(token: str, item_id: str, shelf_id: str, *, use_redis: bool) -> dict[str, int]:
    """Queries each scenario's operation runs, through Django's test client in this process, with the
    server's rate-limit backend (with Redis a repeat request takes its user row from the process's copy)."""
    from django.test import Client, override_settings

    with override_settings(REDIS_URL=harness.REDIS_URL if use_redis else ""):
        return _count_queries(Client(headers={"Authorization": f"Bearer {token}"}), item_id, shelf_id)


def _count_queries(client: Any, item_id: str, shelf_id: str) -> dict[str, int]:
    from django.db import reset_queries
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, path, _auth, _budget in GET_SCENARIOS:
        client.get(path.format(item=item_id))  # the first request of a process connects and caches
        with CaptureQueriesContext(connection) as queries:
            client.get(path.format(item=item_id))
        counts[name] = len(queries)
    now = timezone.now().isoformat()
    body = {
        "name": "Bench Item",
        "picture_url": "📦",
        "item_type": ItemType.OTHER,
        "item_received_date": now,
        "last_used": now,
    }
    with CaptureQueriesContext(connection) as queries:
        created = client.post("/api/items", {**body, "current_location_id": shelf_id}, content_type="application/json")
        client.delete(f"/api/items/{created.json()['id']}")
    counts[CYCLE_SCENARIO] = len(queries)
    reset_queries()
    return counts


def python_load(
    port: int, operation: Callable[[http.client.HTTPConnection], bool], connections: int, duration: float
) -> tuple[float, float, float, int]:
    """Run `operation` in a loop on `connections` threads until the deadline: (ops/s, p50 ms, p99 ms, errors).

    Each thread keeps its own connection (http.client reopens it when the server closes it). An
    operation that answers non-2xx or raises counts as an error; only answered ones are timed.
    """
    latencies: list[list[float]] = [[] for _ in range(connections)]
    errors = [0] * connections
    started = time.perf_counter()
    deadline = started + duration

    def worker(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            while time.perf_counter() < deadline:
                began = time.perf_counter()
                try:
                    ok = operation(conn)
                except (OSError, http.client.HTTPException, ValueError, KeyError):
                    conn.close()
                    errors[index] += 1
                    continue
                latencies[index].append(time.perf_counter() - began)
                if not ok:
                    errors[index] += 1
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    values = sorted(value for per_thread in latencies for value in per_thread)
    return (
        len(values) / elapsed,
        harness.percentile(values, 0.50) * 1000,
        harness.percentile(values, 0.99) * 1000,
        sum(errors),
    )


WRK_RATE = re.compile(r"^Requests/sec:\s+([\d.]+)", re.MULTILINE)
WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m|h)\s*$", re.MULTILINE)
WRK_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
WRK_SOCKET_ERRORS = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
TO_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def parse_wrk(output: str) -> tuple[float, float, float, int] | None:
    """(requests/s, p50 ms, p99 ms, errors) from `wrk --latency` output; None when it does not parse."""
    rate = WRK_RATE.search(output)
    latency = {percent: float(value) * TO_MS[unit] for percent, value, unit in WRK_LATENCY.findall(output)}
    if rate is None or set(latency) != {"50", "99"}:
        return None
    errors = 0
    if non_2xx := WRK_NON_2XX.search(output):
        errors += int(non_2xx.group(1))
    if socket_errors := WRK_SOCKET_ERRORS.search(output):
        errors += sum(int(count) for count in socket_errors.groups())
    return float(rate.group(1)), latency["50"], latency["99"], errors


def wrk_load(wrk: str, url: str, headers: dict, connections: int, duration: int) -> tuple[float, float, float, int]:
    command = [wrk, f"-t{min(2, connections)}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    completed = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, timeout=duration + 60, check=False
    )
    parsed = parse_wrk(completed.stdout) if completed.returncode == 0 else None
    if parsed is None:
        raise RuntimeError(f"wrk failed (exit {completed.returncode}): {completed.stderr.strip() or completed.stdout}")
    return parsed


def get_operation(path: str, headers: dict) -> Callable[[http.client.HTTPConnection], bool]:
    def operation(conn: http.client.HTTPConnection) -> bool:
        status, _ = harness.request(conn, "GET", path, headers)
        return 200 <= status < 300

    return operation


def cycle_operation(auth: dict, location_id: str) -> Callable[[http.client.HTTPConnection], bool]:
    """POST an item (placed at a shelf), then DELETE it: one operation."""
    json_headers = {**auth, "Content-Type": "application/json"}

    def operation(conn: http.client.HTTPConnection) -> bool:
        now = timezone.now().isoformat()
        body = json.dumps(
            {
                "name": "Bench Item",
                "picture_url": "📦",
                "item_type": ItemType.OTHER,
                "item_received_date": now,
                "last_used": now,
                "current_location_id": location_id,
            }
        )
        status, data = harness.request(conn, "POST", "/api/items", json_headers, body)
        if status != 201:
            return False
        status, _ = harness.request(conn, "DELETE", f"/api/items/{json.loads(data)['id']}", auth)
        return 200 <= status < 300

    return operation


def warm_up(port: int, operations: dict[str, Callable[[http.client.HTTPConnection], bool]]) -> None:
    """A few untimed operations per scenario (first requests import and connect); warns on failures."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for name, operation in operations.items():
        failures = 0
        for _ in range(WARM_UP_REQUESTS):
            try:
                failures += not operation(conn)
            except (OSError, http.client.HTTPException, ValueError, KeyError):
                conn.close()
                failures += 1
        if failures:
            log(f"warning: {name}: {failures}/{WARM_UP_REQUESTS} warm-up operations failed")
    conn.close()


def measure(
    server: subprocess.Popen, port: int, token: str, item_id: str, shelf_id: str, args: argparse.Namespace
) -> list[Result]:
    """One run: every scenario once, with the server CPU it cost."""
    wrk = None if args.python_only else shutil.which("wrk")
    auth = {"Authorization": f"Bearer {token}"}
    paths = {
        name: (path.format(item=item_id), auth if needs_auth else {}) for name, path, needs_auth, _ in GET_SCENARIOS
    }
    operations = {name: get_operation(path, headers) for name, (path, headers) in paths.items()}
    operations[CYCLE_SCENARIO] = cycle_operation(auth, shelf_id)
    warm_up(port, operations)

    results = []
    for name, _path, _auth, budget in [*GET_SCENARIOS, (CYCLE_SCENARIO, None, True, None)]:
        log(f"measuring {name} ...")
        cpu_before = server_cpu_seconds(server)
        numbers = None
        if wrk and name != CYCLE_SCENARIO:
            path, headers = paths[name]
            try:
                numbers, generator = (
                    wrk_load(wrk, f"http://127.0.0.1:{port}{path}", headers, args.connections, args.duration),
                    "wrk",
                )
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                log(f"warning: {exc}; using the Python generator instead")
        if numbers is None:
            numbers, generator = python_load(port, operations[name], args.connections, args.duration), "python"
        cpu = server_cpu_seconds(server) - cpu_before
        operations_done = numbers[0] * args.duration
        cpu_ms = cpu * 1000 / operations_done if operations_done else math.nan
        results.append(Result(name, generator, *numbers, cpu_ms=cpu_ms, budget=budget))
    return results


def median_results(runs: list[list[Result]], queries: dict[str, int]) -> list[Result]:
    """Per scenario, the median of each number over the runs (errors are summed)."""
    merged = []
    for results in zip(*runs, strict=True):
        first = results[0]
        merged.append(
            Result(
                first.scenario,
                first.generator,
                statistics.median(r.rate for r in results),
                statistics.median(r.p50_ms for r in results),
                statistics.median(r.p99_ms for r in results),
                sum(r.errors for r in results),
                statistics.median(r.cpu_ms for r in results),
                queries.get(first.scenario),
                first.budget,
            )
        )
    return merged


# --- Report -------------------------------------------------------------------------------------
def number(value: float, digits: int) -> str:
    return "-" if math.isnan(value) else f"{value:.{digits}f}"


def print_report(results: list[Result], header: str, runs: list[list[Result]]) -> None:
    healthz = results[0].rate
    print(header)
    print()
    print(f"Medians of {len(runs)} run(s). Budget: share of /healthz's requests/s, and p99 under {P99_BUDGET_MS} ms.")
    print()
    print("| scenario | requests/s | share of /healthz | budget | p50 ms | p99 ms | CPU ms/req | queries | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        share = r.rate / healthz if healthz else math.nan
        budget = "-" if r.budget is None else f">= {r.budget:.2f} {'met' if share >= r.budget else 'MISSED'}"
        print(
            f"| {r.scenario} | {number(r.rate, 1)} | {number(share, 2)} | {budget} | {number(r.p50_ms, 2)} "
            f"| {number(r.p99_ms, 2)} | {number(r.cpu_ms, 2)} | {'-' if r.queries is None else r.queries} "
            f"| {r.errors} |"
        )
    if len(runs) > 1:
        print()
        print("Per run, requests/s (share of /healthz):")
        for index, run in enumerate(runs, 1):
            cells = ", ".join(f"{r.scenario} {r.rate:.0f} ({r.rate / run[0].rate:.2f})" for r in run)
            print(f"- run {index}: {cells}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per scenario (default 10)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--runs", type=int, default=3, help="repeat every scenario this many times (default 3)")
    parser.add_argument("--python-only", action="store_true", help="use the Python generator even if wrk is found")
    args = parser.parse_args()
    if args.duration < 1 or args.connections < 1 or args.runs < 1:
        parser.error("--duration, --connections and --runs must be at least 1")
    return args


def main() -> int:
    args = parse_args()
    log("migrating ...")
    call_command("migrate", "--noinput", verbosity=0)
    log("seeding the bench user ...")
    user = harness.bench_user(CLERK_ID_PREFIX)
    places, seeded = harness.seed_household(user)
    shelf_id = str(places[2].pk)  # the first shelf of the first room
    try:
        token = harness.token_for(user.clerk_id)
        item_id = str(seeded[0].pk)
        use_redis = harness.redis_answers()
        queries = count_queries(token, item_id, shelf_id, use_redis=use_redis)
        items, locations = OwnedItem.objects.filter(user=user).count(), Location.objects.filter(user=user).count()
        search_hits = Location.objects.filter(user=user).filter(matches_every_word("room", "search_text")).count()
        database = f"{connection.vendor} ({Path(str(connection.settings_dict['NAME'])).name})"
        connection.close()  # the server has its own connections; keep none open while it runs
        # gunicorn reads ./gunicorn.conf.py by default, as in production; say whether there is one.
        config = "gunicorn.conf.py" if (harness.ROOT / "gunicorn.conf.py").exists() else "no config file"
        port = harness.free_port()
        with tempfile.TemporaryFile(mode="w+") as server_log:
            log(f"starting gunicorn on 127.0.0.1:{port} ...")
            server = harness.start_server(port, harness.server_environment(use_redis), server_log)
            if server is None:
                server_log.seek(0)
                log(f"gunicorn did not answer /healthz within {harness.SERVER_START_SECONDS} s; its output:")
                log(server_log.read()[-4000:])
                return 1
            try:
                runs = []
                for index in range(args.runs):
                    log(f"run {index + 1} of {args.runs}")
                    runs.append(measure(server, port, token, item_id, shelf_id, args))
            finally:
                harness.stop_server(server)
            results = median_results(runs, queries)
            if any(r.errors for r in results):
                server_log.seek(0)
                log("some requests failed; the end of gunicorn's output:")
                log(server_log.read()[-4000:])
    finally:
        user.delete()

    header = (
        f"database: {database}, rate limit backend: {'redis' if use_redis else 'memory'}, "
        f"gunicorn: {harness.WORKERS} workers, {config}; connections: {args.connections}, duration: {args.duration} s "
        f"per scenario; seeded {items} items, {locations} locations; q=room matches {search_hits}"
    )
    print_report(results, header, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
