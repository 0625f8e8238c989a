"""The production topology, from the repository's own files and with real processes: Caddy (Caddyfile) in front of
two gunicorn instances (gunicorn.conf.py, two workers each) in PROD mode, sharing PostgreSQL and Redis, with
Clerk RS256 tokens in PEM mode. Every check talks to Caddy only; which instance served a request is read from
each instance's access log, whose lines carry the request's X-Request-ID (the client sends a unique one).

The topology starts once for the module. The tests run in file order and the last one stops an instance."""

from __future__ import annotations

import re
import sys
import threading
import time
import tomllib
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from subprocess import Popen
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.utils import timezone

from config.testing import (
    PROJECT_DIR,
    TEST_REDIS_URL,
    free_port,
    item_payload,
    manage,
    production_env,
    redis_available,
    require_production_topology,
    run_concurrently,
    run_together,
    started,
    stop,
    wait_for,
)
from config.tests.servers import LoopbackServer, Recorded, Reply
from items.models import Checkup, CheckupType, OwnedItem
from locations.models import Location
from minNow.tests.test_auth import clerk_token, new_key, public_pem
from users.models import User

CADDY = require_production_topology("the topology test", "two gunicorn instances and two reminder jobs")

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

RATE_LIMIT = 300  # per user per window: over what the location-tree check sends for its one user (234 requests)
RATE_LIMIT_WINDOW = 3600  # one window holds the whole module; fresh_window keeps the exact check inside one
ITEM_LIMIT = 10
HEALTH_INTERVAL = 1.0  # seconds between Caddy's active /readyz checks of each instance
TIMEOUT = 30.0  # per request: far over any answer here, under gunicorn's worker timeout
SUMMARY: list[str] = []  # measured numbers, printed at the end of the module (`pytest -s`)


def note(line: str) -> None:
    SUMMARY.append(line)
    print(f"\n[topology] {line}", end="")


# --- The topology ----------------------------------------------------------------------------------------------
@dataclass
class Instance:
    """One gunicorn instance behind Caddy."""

    name: str
    address: str  # host:port, as UPSTREAMS names it
    process: Popen[bytes]
    access_log: Path

    def request_ids(self, pattern: re.Pattern[str]) -> list[str]:
        """The request ids matching `pattern` of the requests this instance answered: each access line carries its
        request's X-Request-ID (whatever the line's format, plain or JSON)."""
        if not self.access_log.exists():
            return []
        lines = self.access_log.read_text().splitlines()
        return [request_id for line in lines for request_id in set(pattern.findall(line))]


@dataclass
class Topology:
    proxy: str  # Caddy's base URL: the only address the checks talk to
    proxy_port: int
    instances: list[Instance]
    env: dict[str, str]  # the production environment every process got
    key: rsa.RSAPrivateKey
    # One client for every check: building an httpx client costs ~75 ms of CPU (its TLS context), more than
    # the request. Its pool is thread-safe and holds a connection per concurrent request.
    http: httpx.Client
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])  # Clerk ids and Redis keys of no earlier run

    @property
    def id_pattern(self) -> re.Pattern[str]:
        """The X-Request-IDs `call` sends in this run."""
        return re.compile(rf"{self.run}-[0-9a-f]{{12}}")

    def subject(self, name: str) -> str:
        return f"user_topo_{self.run}_{name}"

    def headers(self, name: str, *, https: bool = True) -> dict[str, str]:
        """A fresh RS256 token for the person `name` (created by the API on first sight); with the
        X-Forwarded-Proto a TLS-terminating load balancer in front of Caddy would send, so PROD does not redirect."""
        token = clerk_token(
            self.key, sub=self.subject(name), email=f"{name}-{self.run}@example.com", exp=int(time.time()) + 900
        )
        headers = {"Authorization": f"Bearer {token}"}
        return {**headers, "X-Forwarded-Proto": "https"} if https else headers

    def served_by(self, ids: list[str], seconds: float = 5) -> dict[str, int]:
        """How many of `ids` each instance answered. An access line is written after the response is sent, so
        the last ones are waited for; each id must have been answered by exactly one instance, once."""
        wanted = set(ids)
        deadline = time.monotonic() + seconds
        while True:
            seen = {
                instance.name: Counter(i for i in instance.request_ids(self.id_pattern) if i in wanted)
                for instance in self.instances
            }
            total = sum(seen.values(), Counter())
            if set(total) == wanted or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert set(total) == wanted, f"{len(wanted - set(total))} requests appear in no access log"
        assert set(total.values()) == {1}, f"answered more than once: {[i for i, n in total.items() if n > 1][:5]}"
        return {name: sum(counts.values()) for name, counts in seen.items()}


def gunicorn_command(address: str, access_log: Path) -> list[str]:
    # The access log to a file of its own (gunicorn's command line wins over gunicorn.conf.py's `accesslog`).
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "gunicorn.conf.py",
        "--bind",
        address,
        "--access-logfile",
        str(access_log),
    ]


def caddy_env(base: dict[str, str], *, port: int, upstreams: list[str], trusted: str) -> dict[str, str]:
    return {
        **base,
        "SITE_ADDRESS": f"http://127.0.0.1:{port}",
        "CADDY_BIND": "127.0.0.1",
        "TRUSTED_PROXIES": trusted,
        "UPSTREAMS": " ".join(upstreams),
        "HEALTH_INTERVAL": f"{HEALTH_INTERVAL:g}s",
        "CADDY_ADMIN": "off",
    }


CADDY_COMMAND = [str(CADDY), "run", "--config", "Caddyfile", "--adapter", "caddyfile"]


@pytest.fixture(scope="module")
def topology(django_db_setup: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    if not redis_available():
        pytest.skip(f"the topology test needs Redis at TEST_REDIS_URL ({TEST_REDIS_URL}): the instances share it")
    started_at = time.monotonic()
    workdir = tmp_path_factory.mktemp("topology")
    key = new_key()
    env = production_env(
        public_pem(key),
        workdir,
        RATE_LIMIT_REQUESTS=str(RATE_LIMIT),
        RATE_LIMIT_WINDOW_SECONDS=str(RATE_LIMIT_WINDOW),
        MAX_ITEMS_PER_USER=str(ITEM_LIMIT),
    )
    with ExitStack() as stack:
        instances = []
        for name in ("a", "b"):
            address = f"127.0.0.1:{free_port()}"
            log = workdir / f"access-{name}.log"
            process = stack.enter_context(started(gunicorn_command(address, log), env))
            instances.append(Instance(name, address, process, log))
        for instance in instances:  # start-up only; the checks never call an instance directly
            wait_for(f"http://{instance.address}/healthz")
        time.sleep(1)  # the first worker answered; gunicorn starts the second up to 0.1 s later
        port = free_port()
        front = caddy_env(env, port=port, upstreams=[i.address for i in instances], trusted="127.0.0.1/32 ::1/128")
        stack.enter_context(started(CADDY_COMMAND, front))
        proxy = f"http://127.0.0.1:{port}"
        wait_for(f"{proxy}/readyz")
        http = stack.enter_context(httpx.Client(timeout=TIMEOUT, limits=httpx.Limits(max_connections=64)))
        topology = Topology(proxy, port, instances, env, key, http)
        note(f"started Caddy + 2 gunicorn instances x 2 workers in {time.monotonic() - started_at:.1f}s")
        yield topology
    print("\n[topology] summary:\n  " + "\n  ".join(SUMMARY))


# --- Requests through Caddy -----------------------------------------------------------------------------------
def call(
    topology: Topology, method: str, path: str, headers: dict[str, str], ids: list[str], **kw: Any
) -> httpx.Response:
    """One request through Caddy with a new X-Request-ID (appended to `ids`)."""
    request_id = f"{topology.run}-{uuid.uuid4().hex[:12]}"
    ids.append(request_id)
    return topology.http.request(
        method, f"{topology.proxy}{path}", headers={**headers, "X-Request-ID": request_id}, **kw
    )


def fire(actions: list[Callable[[], httpx.Response]], threads: int = 32) -> list[httpx.Response]:
    """Run `actions` on `threads` threads at once; their responses in order."""
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(lambda action: action(), actions))


def statuses(responses: list[httpx.Response]) -> Counter[int]:
    return Counter(response.status_code for response in responses)


# --- 1. The rate limit is one count across both instances -----------------------------------------------------
def fresh_window(window: int, needed: float) -> None:
    """Wait for the next fixed window when the current one ends too soon for the check to fit in it."""
    left = window - time.time() % window
    if left < needed:
        time.sleep(left + 0.05)


def test_rate_limit_is_exact_across_both_instances(topology: Topology) -> None:
    fresh_window(RATE_LIMIT_WINDOW, needed=30)
    headers, extra = topology.headers("ratelimit"), 100
    ids: list[str] = []
    started_at = time.monotonic()

    responses = fire([lambda: call(topology, "GET", "/api/items", headers, ids)] * (RATE_LIMIT + extra))

    elapsed = time.monotonic() - started_at
    assert statuses(responses) == {200: RATE_LIMIT, 429: extra}
    for refused in (response for response in responses if response.status_code == 429):
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.json()["detail"]
    served = topology.served_by(ids)
    assert all(served.values()), served  # both instances counted against the one limit
    note(f"rate limit: {len(responses)} concurrent GETs in {elapsed:.2f}s -> 200 x{RATE_LIMIT}, 429 x{extra}; {served}")


# --- 2. The item limit holds under concurrent creates on both instances ---------------------------------------
def test_item_limit_is_exact_across_both_instances(topology: Topology) -> None:
    headers, attempts = topology.headers("items"), 30
    ids: list[str] = []
    started_at = time.monotonic()

    responses = run_concurrently(
        lambda: call(topology, "POST", "/api/items", headers, ids, json=item_payload()), attempts
    )

    elapsed = time.monotonic() - started_at
    assert statuses(responses) == {201: ITEM_LIMIT, 400: attempts - ITEM_LIMIT}
    for refused in (response for response in responses if response.status_code == 400):
        assert f"{ITEM_LIMIT}/{ITEM_LIMIT} items" in refused.json()["detail"]
    assert OwnedItem.objects.filter(user__clerk_id=topology.subject("items")).count() == ITEM_LIMIT
    served = topology.served_by(ids)
    assert all(served.values()), served
    note(f"item limit: {attempts} concurrent POSTs in {elapsed:.2f}s -> 201 x{ITEM_LIMIT}; {served}")


# --- 3. Concurrent moves never make a cycle --------------------------------------------------------------------
GROUPS = (2, 2, 3, 3, 4, 4)  # each group's members are moved in a ring: each under the next, all at once
ROUNDS = 6


def assert_forest(locations: dict[str, Location]) -> None:
    """Every parent chain ends at a root, and each stored level and path is what the chain says."""
    for location in locations.values():
        chain, node = [location.pk], location
        while node.parent_id is not None:
            node = locations[str(node.parent_id)]
            assert node.pk not in chain, f"cycle through {location.full_path}"
            chain.append(node.pk)
        parent = locations[str(location.parent_id)] if location.parent_id else None
        assert location.level == len(chain) - 1, location.full_path
        assert location.full_path == (f"{parent.full_path}/{location.slug}" if parent else location.slug)


def root_of(locations: dict[str, Location], location_id: str) -> str:
    node = locations[location_id]
    while node.parent_id is not None:
        node = locations[str(node.parent_id)]
    return str(node.pk)


def test_concurrent_moves_keep_the_location_tree_a_forest(topology: Topology) -> None:
    headers = topology.headers("tree")
    ids: list[str] = []
    groups: list[list[str]] = []
    for number, size in enumerate(GROUPS):
        members = []
        for index in range(size):
            body = {"display_name": f"G{number} L{index}", "parent_id": None}
            created = call(topology, "POST", "/api/locations", headers, ids, json=body)
            assert created.status_code == 201, created.text
            members.append(created.json()["id"])
        groups.append(members)
    every = [member for members in groups for member in members]
    subject = topology.subject("tree")

    def move(location_id: str, parent_id: str | None) -> Callable[[], httpx.Response]:
        body = {"parent_id": parent_id}
        return lambda: call(topology, "PUT", f"/api/locations/{location_id}/move", headers, ids, json=body)

    moves, started_at = 0, time.monotonic()
    for round_number in range(ROUNDS):
        back = run_together(*[move(location_id, None) for location_id in every])  # all roots again
        assert statuses(back) == {200: len(every)}, [r.text for r in back if r.status_code != 200][:3]
        ring = [
            (members, members[i], members[(i + 1) % len(members)]) for members in groups for i in range(len(members))
        ]
        answers = run_together(*[move(child, parent) for _, child, parent in ring])
        moves += len(back) + len(answers)

        locations = {str(location.pk): location for location in Location.objects.filter(user__clerk_id=subject)}
        assert_forest(locations)
        for members in groups:
            got = [answer for (group, _, _), answer in zip(ring, answers, strict=True) if group is members]
            # Serialised, a ring of n moves lets n - 1 through: the last one would close the cycle.
            assert statuses(got) == {200: len(members) - 1, 400: 1}, (round_number, [a.text for a in got])
            refused = next(answer for answer in got if answer.status_code == 400)
            assert "under itself or one of its descendants" in refused.json()["detail"]
            assert len({root_of(locations, member) for member in members}) == 1  # the group is one chain

    elapsed = time.monotonic() - started_at
    served = topology.served_by(ids)
    assert all(served.values()), served
    note(f"tree: {moves} moves in {ROUNDS} rounds ({elapsed:.2f}s), forest after every round; {served}")


# --- 4. Two reminder jobs at once send each reminder once ------------------------------------------------------
REMINDER_USERS = 150
KEEP_SUBJECT = "Your Keep Checkup Reminder"
GIVE_SUBJECT = "Your Give Checkup Reminder"


def summary_sent(output: str) -> int:
    (line,) = [line for line in output.splitlines() if line.startswith("summary: ")]
    return int(line.split(",")[0].removeprefix("summary: sent "))


def claims_waiting(table: str) -> int:
    """How many other connections wait for a lock in an UPDATE of `table` (a reminder job's claim)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # else a transaction sees its first snapshot throughout
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE %s",
            [f'UPDATE "{table}"%'],
        )
        return int(cursor.fetchone()[0])


def test_two_reminder_jobs_at_once_send_every_due_reminder_once(topology: Topology) -> None:
    due = timezone.now() - relativedelta(months=2)
    users = User.objects.bulk_create(
        User(
            username=f"due{topology.run}{n:03d}",
            clerk_id=f"user_due{topology.run}{n:03d}",
            email=f"due{n:03d}-{topology.run}@example.com",
            email_notifications=True,
        )
        for n in range(REMINDER_USERS)
    )
    # bulk_create fires no post_save, so the checkups a new user gets are made here, already due.
    Checkup.objects.bulk_create(
        Checkup(user=user, checkup_type=kind, last_checkup_date=due) for user in users for kind in CheckupType.values
    )
    delivered: Counter[tuple[str, str]] = Counter()
    lock = threading.Lock()

    def mailersend(request: Recorded) -> Reply:
        """MailerSend's API: one email at /email, a list at /bulk-email; counts what was asked to be delivered."""
        body = request.json()
        with lock:
            for email in body if isinstance(body, list) else [body]:
                for recipient in email["to"]:
                    delivered[(recipient["email"], email["subject"])] += 1
        if request.path.endswith("/bulk-email"):
            return Reply(202, {"message": "The bulk email is being processed.", "bulk_email_id": "bulk-1"})
        return Reply(202, b"", {"X-Message-Id": "msg-1"})

    # Two jobs started together still reach their claims a few hundred milliseconds apart (start-up), and one
    # claim takes milliseconds: left alone, the first job would claim everything before the second has read a
    # row. So the test holds the checkup table against writes until both jobs have read the same due checkups
    # and wait with their claim UPDATEs, then lets both go at once. The wait counts against the statement
    # timeout (3 s in production), so the jobs get a longer one.
    env = {**topology.env, "MAILERSEND_API_KEY": "k", "DATABASE_STATEMENT_TIMEOUT": "60"}
    table = Checkup._meta.db_table
    with LoopbackServer(mailersend) as server, ThreadPoolExecutor(max_workers=2) as pool:
        env["MAILERSEND_API_URL"] = f"{server.url}/v1"
        started_at = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f'LOCK TABLE "{table}" IN EXCLUSIVE MODE')  # reads pass, writes wait
            jobs = [pool.submit(manage, "run_email_notifications", **env) for _ in range(2)]
            deadline = time.monotonic() + 45
            while claims_waiting(table) < 2 and time.monotonic() < deadline and not any(j.done() for j in jobs):
                time.sleep(0.05)
            waiting = claims_waiting(table)
            both_waiting = time.monotonic() - started_at
        runs = [job.result() for job in jobs]
        elapsed = time.monotonic() - started_at

    assert waiting == 2, [run.stdout + run.stderr[-2000:] for run in runs]  # both claims raced
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    sent = [summary_sent(run.stdout) for run in runs]
    expected = {(user.email, subject) for user in users for subject in (KEEP_SUBJECT, GIVE_SUBJECT)}
    assert set(delivered) == expected
    assert set(delivered.values()) == {1}, delivered.most_common(3)
    assert sum(sent) == len(expected)
    checkups = Checkup.objects.filter(user__in=users)
    assert not checkups.filter(last_checkup_date__lte=due).exists()  # every one marked done...
    assert not checkups.filter(reminder_lease_until__isnull=False).exists()  # ...and no lease left behind
    note(
        f"reminders: 2 jobs, both claiming after {both_waiting:.2f}s, released together, done in {elapsed:.2f}s: "
        f"{len(delivered)} sent once each, split {sent}"
    )


# --- 5. Only a trusted proxy's X-Forwarded-Proto counts --------------------------------------------------------
def test_https_comes_from_trusted_proxies_only(topology: Topology) -> None:
    ids: list[str] = []
    secure = call(topology, "GET", "/api/items", topology.headers("https"), ids)
    plain = call(topology, "GET", "/api/items", topology.headers("https", https=False), ids)
    ready = call(topology, "GET", "/readyz", {}, ids)

    assert secure.status_code == 200, secure.text  # a trusted client's https is believed: no redirect loop
    assert plain.status_code == 301  # Caddy says http itself when nobody in front said otherwise
    assert plain.headers["Location"] == f"https://127.0.0.1:{topology.proxy_port}/api/items"
    assert ready.status_code == 200
    with open(PROJECT_DIR / "pyproject.toml", "rb") as file:
        version = tomllib.load(file)["project"]["version"]
    assert ready.json() == {"status": "ok", "database": "ok", "redis": "ok", "version": version}
    assert ready.headers["X-Request-ID"] == ids[-1]

    # A Caddy that trusts only 192.0.2.0/24 replaces the loopback client's X-Forwarded-Proto with what it saw.
    port = free_port()
    untrusting = caddy_env(
        topology.env, port=port, upstreams=[i.address for i in topology.instances], trusted="192.0.2.0/24"
    )
    with started(CADDY_COMMAND, untrusting):
        wait_for(f"http://127.0.0.1:{port}/readyz")
        forged = topology.http.get(f"http://127.0.0.1:{port}/api/items", headers=topology.headers("https"))
    assert forged.status_code == 301
    assert forged.headers["Location"] == f"https://127.0.0.1:{port}/api/items"
    note("https: trusted X-Forwarded-Proto -> 200, none -> 301, untrusted -> 301; /readyz 200 with version and id")


# --- 6. An instance that stops is left out ---------------------------------------------------------------------
def test_requests_keep_succeeding_when_one_instance_stops(topology: Topology) -> None:
    """Last in the module: it stops instance a for good."""
    victim, survivor = topology.instances
    headers = topology.headers("failover")
    ids: list[str] = []
    stop(victim.process)
    # Right away, before any health check has run: a request Caddy cannot hand to the victim goes to the survivor.
    at_once = [call(topology, "GET", "/api/items", headers, ids) for _ in range(20)]
    time.sleep(HEALTH_INTERVAL + 0.5)  # Caddy's next /readyz check of the victim has failed by now
    started_at = time.monotonic()

    later = [call(topology, "GET", "/api/items", headers, ids) for _ in range(50)]

    elapsed = time.monotonic() - started_at
    assert statuses(at_once) == {200: 20}
    assert statuses(later) == {200: 50}
    assert topology.served_by(ids) == {victim.name: 0, survivor.name: 70}
    note(
        f"failover: after stopping instance {victim.name}, 20 GETs at once and 50 after "
        f"{HEALTH_INTERVAL + 0.5:g}s ({elapsed:.2f}s): all 200, all from {survivor.name}"
    )
