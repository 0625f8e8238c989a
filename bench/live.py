"""Live updates (/ws/): what idle sockets cost one uvicorn process, and how long an event takes from a write's
commit to a person's screen.

1. Idle sockets. One uvicorn process (`python -m uvicorn config.asgi:application --no-access-log`, as the Procfile
   runs it, with REDIS_URL set so the channel layer is Redis, as in production) is given `--sockets` (N, default
   1,000) authenticated sockets, one bench person each, opened by this process with asyncio and the `websockets`
   client (at most `--concurrency` handshakes in flight), which answers the server's pings as a client must. The
   table gives uvicorn's RSS (VmRSS of /proc/<pid>/status) before and with the N sockets and the difference per
   socket, the time to open and authenticate all N (and per socket), the CPU uvicorn spent on it, its CPU while the
   N sockets sit idle (utime+stime of /proc/<pid>/stat over `--idle-seconds`, or over one whole ping interval when
   that is at most a minute, so that every socket is pinged exactly once in the window), and what Redis holds: the
   keys starting `minnow:live` (socket slots, groups) with their MEMORY USAGE, and the instance's used_memory (the
   whole instance: other databases move it too). After the sockets close, the keys left and uvicorn's RSS show
   whether anything leaks. Each LIVE_PING_SECONDS in `--ping-seconds` is a scenario of its own (a fresh uvicorn):
   by default 300 s first (no application ping in the window: the cost of holding sockets alone) and then the
   production default 30 s (the same plus one ping and slot refresh per socket). uvicorn's own protocol-level ping
   (--ws-ping-interval, 20 s by default) stays on in both, as in production.

2. Commit to delivery. With gunicorn (2 workers, gunicorn.conf.py, the same database and Redis) serving HTTP and
   the uvicorn of the last ping scenario still holding the N idle sockets, one measured person with one socket, then
   with 10 sockets (the fan-out), makes `--writes` (M, default 300) sequential `PUT /api/items/<id>` renames through
   gunicorn (after a few untimed ones). For each write: (a) from the HTTP response being read to the event being
   received on the socket (negative when the event arrives first: it leaves on commit, before the response is
   written), (b) from the event's `at` (the write's moment, taken in the transaction; same machine, same clock) to
   its receipt; `at` has millisecond precision (truncated), so (b) reads up to 1 ms high. The HTTP write's own
   latency is given beside them. With 10 sockets every delivery counts (10 per write). An event not received within
   5 s counts as lost.

3. The same with the in-memory layer (REDIS_URL unset): one uvicorn serves HTTP and /ws/, holds the N idle sockets
   and takes the writes (skip with `--no-memory-layer`).

Usage: .venv/bin/python bench/live.py [--sockets 1000] [--writes 300] [--ping-seconds 300,30] [--idle-seconds 10]
                                      [--concurrency 50] [--no-compression] [--no-memory-layer] [--debug-off]
                                      [--server-log PATH]
       make bench-live LIVE_ARGS="--sockets 2000"

The database is `--database-url` (default postgres://postgres@127.0.0.1:5432/bench_live, created when missing and
migrated), Redis `--redis-url` (default redis://127.0.0.1:6379/13; database 0 is refused, CI uses it). Tokens are
dev tokens (HS256, minNow.auth.issue_dev_token), which need PROD=False and DEBUG=True in every process; with DEBUG
on Django keeps a log of the last 9,000 queries per connection, and the queries of the WebSocket authentications,
which run outside any HTTP request, are never cleared from it: it made no visible difference to uvicorn's RSS at
1,000 sockets. `--debug-off` uses RS256 tokens against a throwaway key instead (bench/harness.py) with DEBUG off, as
in production. The client negotiates permessage-deflate as browsers do (`--no-compression` turns it off) and sends
no protocol pings of its own. All processes share the machine (its core count and load average are printed). Bench
users of earlier runs are removed at the start, this run's at the end; uvicorn and gunicorn are stopped whatever
happens; `--server-log` keeps their output (with, on stderr, the owners of any minnow:live keys left after the
sockets closed). Exit status: 0, or 1 when a server does not start, 2 when a socket or a write fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import importlib.metadata
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import harness  # bench/harness.py, beside this script

DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_live"
REDIS_URL = "redis://127.0.0.1:6379/13"
CLERK_ID_PREFIX = "bench_live_"
IDLE_PREFIX = f"{CLERK_ID_PREFIX}idle_"
MEASURED_PREFIX = f"{CLERK_ID_PREFIX}me_"
FAN_OUT = 10  # the measured person's sockets in the fan-out variant (LIVE_MAX_SOCKETS_PER_USER's default)
WARM_UP_WRITES = 10
EVENT_TIMEOUT_SECONDS = 5.0
SETTLE_SECONDS = 2.0  # after the sockets open or close, before RSS and Redis are read
LIVE_KEYS = "minnow:live*"
SECRET_KEY = "bench-only-secret-key-not-for-any-deployment-0123456789"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sockets", type=int, default=1000, help="idle sockets (one bench person each)")
    parser.add_argument("--writes", type=int, default=300, help="timed writes per latency variant")
    parser.add_argument(
        "--ping-seconds", default="300,30", help="LIVE_PING_SECONDS of each idle scenario; the last serves part 2"
    )
    parser.add_argument("--idle-seconds", type=float, default=10.0, help="the idle CPU window (at least)")
    parser.add_argument("--concurrency", type=int, default=50, help="handshakes in flight while opening")
    parser.add_argument("--no-compression", action="store_true", help="no permessage-deflate")
    parser.add_argument("--no-memory-layer", action="store_true", help="skip part 3 (the in-memory layer)")
    parser.add_argument("--debug-off", action="store_true", help="RS256 tokens and DEBUG off instead of dev tokens")
    parser.add_argument("--server-log", help="keep the servers' output in this file (else a temporary one)")
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--redis-url", default=REDIS_URL)
    args = parser.parse_args()
    try:
        args.pings = [int(part) for part in args.ping_seconds.split(",") if part.strip()]
    except ValueError:
        parser.error(f"--ping-seconds is not a list of whole numbers: {args.ping_seconds!r}")
    if not args.pings or min(args.pings) < 1 or args.sockets < 0 or args.writes < 1 or args.concurrency < 1:
        parser.error("--ping-seconds, --writes and --concurrency must be at least 1, --sockets at least 0")
    if urlparse(args.database_url).path.lstrip("/") in {"", "test"}:
        parser.error("the database `test` belongs to CI: name another one")
    if urlparse(args.redis_url).path.lstrip("/") in {"", "0"}:
        parser.error("Redis database 0 belongs to CI: name another one (e.g. /13)")
    return args


def create_database(url: str) -> None:
    """Create the bench database when it is missing (connecting to `postgres` on the same server)."""
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username, password=parts.password, dbname="postgres"
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                harness.log(f"creating database {name} ...")
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        conn.close()


ARGS = parse_args()
LOAD_AT_START = os.getloadavg()
create_database(ARGS.database_url)
# Every server started later inherits this environment. The socket limit stays at its default (10 = FAN_OUT).
harness.setup_django(
    production_tokens=ARGS.debug_off,
    DATABASE_URL=ARGS.database_url,
    REDIS_URL=ARGS.redis_url,
    PROD="False",
    DEBUG="True",
    SECRET_KEY=SECRET_KEY,
    MAX_ITEMS_PER_USER="1000000",
    RATE_LIMIT_REQUESTS="100000000",
    UPSTASH_REDIS_REST_URL="",
    UPSTASH_REDIS_REST_TOKEN="",
    CLERK_SECRET_KEY="",
    LIVE_MAX_SOCKETS_PER_USER=str(FAN_OUT),
    LOG_LEVEL="WARNING",
)
log = harness.log

import redis  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from websockets.asyncio.client import ClientConnection, connect  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from items.services import ItemService  # noqa: E402
from minNow.auth import issue_dev_token  # noqa: E402
from users.models import User  # noqa: E402


class BenchFailure(RuntimeError):
    """A socket or a write failed: the numbers would not mean what they say."""


def token(user: User) -> str:
    return harness.token_for(user.clerk_id) if ARGS.debug_off else issue_dev_token(user)


# --- Processes ----------------------------------------------------------------------------------
def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchFailure(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (fields 14 and 15 of /proc/<pid>/stat; the name may hold spaces)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_environment(*, use_redis: bool, ping_seconds: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(REDIS_URL=ARGS.redis_url if use_redis else "", LIVE_PING_SECONDS=str(ping_seconds))
    return env


def start_uvicorn(port: int, env: dict[str, str], log_file: Any) -> subprocess.Popen:
    """One uvicorn process, as the Procfile runs it; waits for /healthz."""
    command = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--no-access-log", "--timeout-graceful-shutdown", "5"]
    server = subprocess.Popen(command, cwd=harness.ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)  # noqa: S603
    if harness.serving(server, port):
        return server
    harness.stop_server(server)
    log_file.seek(0)
    raise ServerDidNotStart(f"uvicorn did not answer /healthz; its output:\n{log_file.read()[-4000:]}")


def start_gunicorn(port: int, env: dict[str, str], log_file: Any) -> subprocess.Popen:
    server = harness.start_server(port, env, log_file)  # gunicorn.conf.py (read from the project root), 2 workers
    if server is None:
        log_file.seek(0)
        raise ServerDidNotStart(f"gunicorn did not answer /healthz; its output:\n{log_file.read()[-4000:]}")
    return server


class ServerDidNotStart(RuntimeError):
    pass


# --- Redis --------------------------------------------------------------------------------------
def redis_client() -> redis.Redis:
    return redis.Redis.from_url(ARGS.redis_url, socket_timeout=5)


def live_keys() -> tuple[int, int]:
    """(keys starting minnow:live, their MEMORY USAGE in bytes) in the bench's Redis database."""
    client = redis_client()
    keys = list(client.scan_iter(match=LIVE_KEYS, count=1000))
    return len(keys), sum(client.memory_usage(key) or 0 for key in keys)


def delete_live_keys(pattern: str = LIVE_KEYS) -> int:
    client = redis_client()
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.delete(*keys)
    return len(keys)


def redis_used_memory() -> int:
    return int(redis_client().info("memory")["used_memory"])


# --- Sockets ------------------------------------------------------------------------------------
@dataclass
class Socket:
    """One authenticated socket: answers the server's pings, hands every other message to `on_message`."""

    ws: ClientConnection
    open_seconds: float
    pings: int = 0
    on_message: Any = None
    task: asyncio.Task | None = None

    async def serve(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for text in self.ws:
                received_perf, received_wall = time.perf_counter(), time.time()
                message = json.loads(text)
                if message.get("type") == "ping":
                    self.pings += 1
                    await self.ws.send('{"type": "pong"}')
                elif self.on_message is not None:
                    self.on_message(message, received_perf, received_wall)

    @property
    def open(self) -> bool:
        return self.ws.close_code is None


async def open_socket(uri: str, bearer: str) -> Socket:
    began = time.perf_counter()
    ws = await connect(uri, ping_interval=None, open_timeout=60, compression=None if ARGS.no_compression else "deflate")
    await ws.send(json.dumps({"type": "auth", "token": bearer}))
    reply = json.loads(await asyncio.wait_for(ws.recv(), 30))
    if reply.get("type") != "ready":
        await ws.close()
        raise BenchFailure(f"the server answered the token with {reply!r}")
    sock = Socket(ws, time.perf_counter() - began)
    sock.task = asyncio.create_task(sock.serve())
    return sock


async def open_sockets(uri: str, bearers: list[str]) -> tuple[list[Socket], float]:
    """Open and authenticate a socket per token, `--concurrency` at a time: (sockets, seconds for all)."""
    gate = asyncio.Semaphore(ARGS.concurrency)

    async def one(bearer: str) -> Socket:
        async with gate:
            return await open_socket(uri, bearer)

    began = time.perf_counter()
    results = await asyncio.gather(*(one(bearer) for bearer in bearers), return_exceptions=True)
    elapsed = time.perf_counter() - began
    sockets = [result for result in results if isinstance(result, Socket)]
    failures = [result for result in results if not isinstance(result, Socket)]
    if failures:
        await close_sockets(sockets)
        raise BenchFailure(f"{len(failures)} of {len(bearers)} sockets failed to open, e.g. {failures[0]!r}")
    return sockets, elapsed


async def close_sockets(sockets: list[Socket]) -> None:
    await asyncio.gather(*(sock.ws.close() for sock in sockets), return_exceptions=True)
    await asyncio.gather(*(sock.task for sock in sockets if sock.task is not None), return_exceptions=True)


# --- Part 1: idle sockets -----------------------------------------------------------------------
@dataclass
class Idle:
    label: str
    ping_seconds: int
    rss_before_kb: int = 0
    rss_with_kb: int = 0
    rss_after_close_kb: int = 0
    open_seconds: float = 0.0
    socket_open_ms: list[float] = field(default_factory=list)
    open_cpu_seconds: float = 0.0
    window_seconds: float = 0.0
    idle_cpu_seconds: float = 0.0
    pings_in_window: int = 0
    closed_in_window: int = 0
    redis_before: int = 0
    redis_with: int = 0
    keys_with: int = 0
    key_bytes_with: int = 0
    keys_after_close: int = 0


async def hold_idle(result: Idle, pid: int, uri: str, bearers: list[str]) -> list[Socket]:
    """Part 1 on a running uvicorn: returns the N sockets, still open."""
    await asyncio.sleep(SETTLE_SECONDS)
    result.rss_before_kb = rss_kb(pid)
    result.redis_before = redis_used_memory()
    cpu = cpu_seconds(pid)
    log(f"{result.label}: opening {len(bearers)} sockets ...")
    sockets, result.open_seconds = await open_sockets(uri, bearers)
    result.open_cpu_seconds = cpu_seconds(pid) - cpu
    result.socket_open_ms = sorted(sock.open_seconds * 1000 for sock in sockets)
    await asyncio.sleep(SETTLE_SECONDS)
    result.rss_with_kb = rss_kb(pid)
    result.redis_with = redis_used_memory()
    result.keys_with, result.key_bytes_with = live_keys()
    result.window_seconds = max(ARGS.idle_seconds, result.ping_seconds if result.ping_seconds <= 60 else 0)
    log(f"{result.label}: idle for {result.window_seconds:.0f} s ...")
    pings = sum(sock.pings for sock in sockets)
    cpu = cpu_seconds(pid)
    await asyncio.sleep(result.window_seconds)
    result.idle_cpu_seconds = cpu_seconds(pid) - cpu
    result.pings_in_window = sum(sock.pings for sock in sockets) - pings
    result.closed_in_window = sum(not sock.open for sock in sockets)
    if result.closed_in_window:
        codes = sorted({(sock.ws.close_code, sock.ws.close_reason) for sock in sockets if not sock.open})
        log(f"{result.label}: {result.closed_in_window} sockets closed while idle, close codes {codes}")
    return sockets


async def release_idle(result: Idle, pid: int, sockets: list[Socket]) -> None:
    await close_sockets(sockets)
    await asyncio.sleep(SETTLE_SECONDS)
    result.keys_after_close = live_keys()[0]
    if result.keys_after_close:
        left = sorted(key.decode() for key in redis_client().scan_iter(match=LIVE_KEYS, count=1000))
        log(f"{result.label}: keys left after closing all sockets: {left[:10]}")
        ids = {int(key.rsplit(":", 1)[1]) for key in left if key.startswith("minnow:live:sockets:")}
        owners = await asyncio.to_thread(lambda: list(User.objects.filter(pk__in=ids).values_list("pk", "clerk_id")))
        log(f"{result.label}: their owners: {owners[:10]}")
    result.rss_after_close_kb = rss_kb(pid)


# --- Part 2: commit to delivery ------------------------------------------------------------------
@dataclass
class Latency:
    label: str
    writes: int = 0
    deliveries_expected: int = 0
    http_ms: list[float] = field(default_factory=list)
    after_response_ms: list[float] = field(default_factory=list)  # (a)
    after_at_ms: list[float] = field(default_factory=list)  # (b)
    lost: int = 0
    dropped: int = 0  # measured sockets the server closed during the writes


class Writer:
    """Sequential PUTs on one keep-alive connection (reopened when the server closed it)."""

    def __init__(self, port: int, item_id: str, bearer: str) -> None:
        self.port, self.path = port, f"/api/items/{item_id}"
        self.headers = {"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def rename(self, name: str) -> tuple[float, float]:
        """(perf_counter when sent, when the whole response was read)."""
        body = json.dumps({"name": name})
        for attempt in (1, 2):
            began = time.perf_counter()
            try:
                status, answer = harness.request(self.conn, "PUT", self.path, self.headers, body)
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt == 2:
                    raise
                continue
            if status != 200:
                raise BenchFailure(f"PUT {self.path} answered {status}: {answer[:300]!r}")
            return began, time.perf_counter()
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


async def measure_latency(label: str, uri: str, http_port: int, item_id: str, bearer: str, sockets: int) -> Latency:
    result = Latency(label)
    listeners, _ = await open_sockets(uri, [bearer] * sockets)
    arrivals: dict[str, list[tuple[float, float, str]]] = {}
    complete: dict[str, asyncio.Event] = {}

    def on_message(message: dict, received_perf: float, received_wall: float) -> None:
        name = (message.get("item") or {}).get("name")
        if message.get("type") == "item.updated" and name in arrivals:
            arrivals[name].append((received_perf, received_wall, message["at"]))
            if len(arrivals[name]) == sockets:
                complete[name].set()

    for sock in listeners:
        sock.on_message = on_message
    writer = Writer(http_port, item_id, bearer)
    run = f"{time.time():.0f}"
    log(f"{label}: {WARM_UP_WRITES} untimed and {ARGS.writes} timed writes ...")
    try:
        for index in range(WARM_UP_WRITES + ARGS.writes):
            name = f"Live bench {run} {index}"
            arrivals[name], complete[name] = [], asyncio.Event()
            sent, answered = await asyncio.to_thread(writer.rename, name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(complete[name].wait(), EVENT_TIMEOUT_SECONDS)
            got = arrivals.pop(name)
            complete.pop(name)
            if index < WARM_UP_WRITES:
                continue
            result.writes += 1
            result.deliveries_expected += sockets
            result.lost += sockets - len(got)
            result.http_ms.append((answered - sent) * 1000)
            for received_perf, received_wall, at in got:
                result.after_response_ms.append((received_perf - answered) * 1000)
                result.after_at_ms.append((received_wall - datetime.fromisoformat(at).timestamp()) * 1000)
    finally:
        writer.close()
        result.dropped = sum(not sock.open for sock in listeners)
        await close_sockets(listeners)
    if result.dropped:
        log(f"{label}: {result.dropped} of the measured sockets were closed by the server during the writes")
    for values in (result.http_ms, result.after_response_ms, result.after_at_ms):
        values.sort()
    return result


async def fan_out(variant: str, uri: str, http_port: int, item_id: str, bearer: str) -> list[Latency]:
    """The variant's latency with one socket of the measured person, then with FAN_OUT of them."""
    return [
        await measure_latency(
            f"{variant}, {count} socket{'s' if count > 1 else ''}", uri, http_port, item_id, bearer, count
        )
        for count in (1, FAN_OUT)
    ]


# --- Report -------------------------------------------------------------------------------------
def mb(kb: int) -> str:
    return f"{kb / 1024:.1f}"


def pct(values: list[float], fraction: float) -> str:
    return f"{harness.percentile(values, fraction):.2f}"


def print_idle(results: list[Idle], sockets: int) -> None:
    print(f"## 1. {sockets:,} idle authenticated sockets on one uvicorn process")
    print()
    print(f"| measure | {' | '.join(r.label for r in results)} |")
    print(f"|---|{'---|' * len(results)}")
    rows: list[tuple[str, Any]] = [
        ("LIVE_PING_SECONDS", lambda r: f"{r.ping_seconds}"),
        ("uvicorn RSS before, MB", lambda r: mb(r.rss_before_kb)),
        (f"uvicorn RSS with {sockets:,} sockets, MB", lambda r: mb(r.rss_with_kb)),
        ("RSS per socket, KB", lambda r: f"{(r.rss_with_kb - r.rss_before_kb) / max(sockets, 1):.1f}"),
        ("time to open and authenticate all, s", lambda r: f"{r.open_seconds:.2f}"),
        ("sockets/s", lambda r: f"{sockets / r.open_seconds:.0f}" if r.open_seconds else "-"),
        (
            "one socket's handshake + auth, p50 / p99 ms",
            lambda r: f"{pct(r.socket_open_ms, 0.5)} / {pct(r.socket_open_ms, 0.99)}",
        ),
        ("uvicorn CPU to open them, s", lambda r: f"{r.open_cpu_seconds:.2f}"),
        ("idle window, s", lambda r: f"{r.window_seconds:.0f}"),
        ("uvicorn CPU while idle, % of one core", lambda r: f"{100 * r.idle_cpu_seconds / r.window_seconds:.2f}"),
        (
            "uvicorn CPU while idle, ms per socket per minute",
            lambda r: f"{1000 * r.idle_cpu_seconds / r.window_seconds * 60 / max(sockets, 1):.3f}",
        ),
        ("app pings answered in the window", lambda r: f"{r.pings_in_window:,}"),
        ("sockets closed during the window", lambda r: f"{r.closed_in_window}"),
        ("Redis keys minnow:live* with the sockets", lambda r: f"{r.keys_with:,}"),
        (
            "their MEMORY USAGE, KB (per socket, B)",
            lambda r: f"{r.key_bytes_with / 1024:.0f} ({r.key_bytes_with / max(sockets, 1):.0f})",
        ),
        (
            "Redis used_memory before / with, MB (whole instance)",
            lambda r: f"{r.redis_before / 2**20:.2f} / {r.redis_with / 2**20:.2f}",
        ),
        ("Redis keys minnow:live* after closing all", lambda r: f"{r.keys_after_close}"),
        ("uvicorn RSS after closing all, MB", lambda r: mb(r.rss_after_close_kb)),
    ]
    for label, cell in rows:
        print(f"| {label} | {' | '.join(cell(r) for r in results)} |")
    print()


def print_latency(results: list[Latency]) -> None:
    print("## 2. Commit to delivery: (a) HTTP response read -> event received, (b) event `at` -> received (ms)")
    print()
    print(
        "| variant | writes | deliveries | lost | sockets dropped | (a) p50 | (a) p90 | (a) p99 | (a) max | "
        "(b) p50 | (b) p90 | (b) p99 | (b) max | HTTP PUT p50 | HTTP PUT p99 |"
    )
    print(f"|---|{'---|' * 14}")
    for r in results:
        a, b = r.after_response_ms, r.after_at_ms
        cells = [r.label, f"{r.writes}", f"{r.deliveries_expected - r.lost}", f"{r.lost}", f"{r.dropped}"]
        cells += [pct(a, f) for f in (0.5, 0.9, 0.99)] + [f"{a[-1]:.2f}" if a else "-"]
        cells += [pct(b, f) for f in (0.5, 0.9, 0.99)] + [f"{b[-1]:.2f}" if b else "-"]
        cells += [pct(r.http_ms, 0.5), pct(r.http_ms, 0.99)]
        print(f"| {' | '.join(cells)} |")
    print()


def print_environment(started: float) -> None:
    versions = ", ".join(
        f"{name} {importlib.metadata.version(name)}"
        for name in ("django", "channels", "channels-redis", "uvicorn", "websockets", "gunicorn", "redis")
    )
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if ARGS.debug_off:
        tokens = "RS256 (throwaway key), DEBUG=False, PROD=False"
    else:
        tokens = "dev HS256 (issue_dev_token), PROD=False, DEBUG=True"
    pings = ", ".join(map(str, ARGS.pings))
    compression = "none" if ARGS.no_compression else "permessage-deflate"
    lines = [
        f"machine: {os.cpu_count()} CPUs shared by uvicorn, gunicorn, PostgreSQL, Redis and this client; "
        f"ulimit -n {soft} (hard {hard}); Python {sys.version.split()[0]}",
        versions,
        f"N = {ARGS.sockets:,} idle sockets, one person each, at most {ARGS.concurrency} handshakes in flight; "
        f"M = {ARGS.writes} timed writes per variant after {WARM_UP_WRITES} untimed",
        f"LIVE_PING_SECONDS: {pings} (part 2 runs on the uvicorn of {ARGS.pings[-1]}); "
        "uvicorn --ws-ping-interval left at its default (20 s)",
        f"tokens: {tokens}; database {connection.vendor} ({connection.settings_dict['NAME']}); "
        f"Redis {ARGS.redis_url} (channel layer prefix minnow:live); client compression: {compression}",
        f"run time {time.monotonic() - started:.0f} s; load average at the start {LOAD_AT_START[0]:.2f}, at the end "
        f"{os.getloadavg()[0]:.2f} (other processes on the machine move every number)",
    ]
    print("# Live updates bench (bench/live.py)")
    print()
    for line in lines:
        print(f"- {line}")
    print()


# --- Main ---------------------------------------------------------------------------------------
def seed() -> tuple[list[str], User, str]:
    """The N idle people (one bulk insert), the measured person and their item: (idle tokens, person, item id)."""
    harness.remove_bench_users(CLERK_ID_PREFIX)  # also what an interrupted run left behind
    User.objects.bulk_create(
        [
            User(username=clerk_id, clerk_id=clerk_id, email=f"{clerk_id}@bench.invalid")
            for clerk_id in (f"{IDLE_PREFIX}{index:06d}" for index in range(ARGS.sockets))
        ],
        batch_size=1000,
    )
    idle = [token(user) for user in User.objects.filter(clerk_id__startswith=IDLE_PREFIX).order_by("clerk_id")]
    me = harness.bench_user(MEASURED_PREFIX)
    now = timezone.now()
    item = ItemService.create_item(
        user=me, name="Live bench", picture_url="📦", item_type="Other", status="Keep",
        item_received_date=now, last_used=now, current_location_id=None,
    )  # fmt: skip
    connection.close()
    return idle, me, str(item.pk)


async def run(idle_tokens: list[str], me: User, item_id: str, logs: Any) -> tuple[list[Idle], list[Latency]]:
    idle_results: list[Idle] = []
    latencies: list[Latency] = []
    processes: list[subprocess.Popen] = []
    bearer = token(me)
    try:
        for index, ping in enumerate(ARGS.pings):
            last = index == len(ARGS.pings) - 1
            deleted = delete_live_keys()
            if deleted:
                log(f"deleted {deleted} minnow:live* keys left in Redis")
            ws_port = harness.free_port()
            uvicorn = start_uvicorn(ws_port, server_environment(use_redis=True, ping_seconds=ping), logs)
            processes.append(uvicorn)
            uri = f"ws://127.0.0.1:{ws_port}/ws/"
            result = Idle(f"Redis layer, ping {ping} s", ping)
            sockets = await hold_idle(result, uvicorn.pid, uri, idle_tokens)
            if last:
                http_port = harness.free_port()
                log(f"starting gunicorn on 127.0.0.1:{http_port} ...")
                gunicorn = start_gunicorn(http_port, server_environment(use_redis=True, ping_seconds=ping), logs)
                processes.append(gunicorn)
                latencies += await fan_out("Redis layer, gunicorn writes", uri, http_port, item_id, bearer)
                harness.stop_server(gunicorn)
            await release_idle(result, uvicorn.pid, sockets)
            idle_results.append(result)
            harness.stop_server(uvicorn)
        if not ARGS.no_memory_layer:
            delete_live_keys()  # what the Redis scenarios left would count as this one's
            ping = ARGS.pings[-1]
            port = harness.free_port()
            uvicorn = start_uvicorn(port, server_environment(use_redis=False, ping_seconds=ping), logs)
            processes.append(uvicorn)
            uri = f"ws://127.0.0.1:{port}/ws/"
            result = Idle(f"in-memory layer, ping {ping} s", ping)
            sockets = await hold_idle(result, uvicorn.pid, uri, idle_tokens)
            latencies += await fan_out("in-memory layer, uvicorn writes", uri, port, item_id, bearer)
            await release_idle(result, uvicorn.pid, sockets)
            idle_results.append(result)
    finally:
        for process in processes:
            harness.stop_server(process)
    return idle_results, latencies


def main() -> int:
    started = time.monotonic()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < ARGS.sockets * 2 + 1000 and soft < hard:  # the client and uvicorn each hold one descriptor a socket
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    log("migrating ...")
    call_command("migrate", "--noinput", verbosity=0)
    log(f"seeding {ARGS.sockets} idle people and the measured one ...")
    try:
        idle_tokens, me, item_id = seed()
        server_log = open(ARGS.server_log, "w+") if ARGS.server_log else tempfile.TemporaryFile(mode="w+")  # noqa: SIM115
        with server_log as logs:
            try:
                idle_results, latencies = asyncio.run(run(idle_tokens, me, item_id, logs))
            except ServerDidNotStart as exc:
                log(str(exc))
                return 1
            except BenchFailure as exc:
                log(f"error: {exc}")
                logs.seek(0)
                log(f"the end of the servers' output:\n{logs.read()[-4000:]}")
                return 2
    finally:
        log("removing the bench users ...")
        harness.remove_bench_users(CLERK_ID_PREFIX)
        delete_live_keys()
        delete_live_keys(f"minnow:user-version:{CLERK_ID_PREFIX}*")  # the servers' user cache (users/cache.py)
    print_environment(started)
    print_idle(idle_results, ARGS.sockets)
    print_latency(latencies)
    return 0


if __name__ == "__main__":
    sys.exit(main())
