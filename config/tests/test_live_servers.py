"""Live updates across real processes (minNow/live.py, config/live.py): two gunicorn instances (gunicorn.conf.py)
write, one uvicorn holds the sockets, Redis carries the events between them, and Caddy (Caddyfile) routes /api/ to
the gunicorns and /ws/ to uvicorn, all in PROD mode with Clerk RS256 tokens. A second Caddy in front stands in for
a TLS-terminating load balancer (it says X-Forwarded-Proto: https) so that a browser page can call the API too.

The sockets are the `websockets` library's sync client and, last, headless Chromium's own WebSocket. Every check
measures how long an event took: from the HTTP response (or the job's end) and from the event's `at` to its arrival
on the socket; the numbers are printed at the end of the module (`pytest -s`).

The servers start once for the module; the tests run in file order, and each test signs its people in afresh (the
database is emptied after each test)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from subprocess import Popen
from typing import Any

import httpx
import pytest
import redis
from cryptography.hazmat.primitives.asymmetric import rsa
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.utils import timezone
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

from config.testing import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TEST_REDIS_URL,
    free_port,
    item_payload,
    make_user,
    manage,
    moment,
    production_env,
    redis_available,
    require_production_topology,
    started,
    wait_for,
)
from config.tests.servers import serving_page
from items.models import Checkup, CheckupType
from minNow.tests.test_auth import clerk_token, new_key, public_pem
from users.models import User

CADDY = require_production_topology(
    "the live-updates server test", "two gunicorn instances, uvicorn and a reminder job"
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

LIMIT = 2.0  # seconds: the longest an event may take to reach a socket
QUIET = 0.5  # seconds a socket that must get nothing is watched at the end
HEALTH_INTERVAL = 1.0
SUMMARY: list[str] = []


def note(line: str) -> None:
    SUMMARY.append(line)
    print(f"\n[live] {line}", end="")


# --- Sockets -----------------------------------------------------------------------------------------------------
class Socket:
    """One authenticated socket whose messages a thread collects, each with the wall-clock time it arrived."""

    def __init__(self, ws: ClientConnection, token: str) -> None:
        self.ws = ws
        self.ws.send(json.dumps({"type": "auth", "token": token}))
        self.ready = json.loads(self.ws.recv(timeout=5))
        assert self.ready["type"] == "ready", self.ready
        self.messages: list[tuple[float, dict[str, Any]]] = []
        self.close_code: int | None = None
        self.closed_at: float | None = None
        self.changed = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                text = self.ws.recv()
            except ConnectionClosed as exc:
                with self.changed:
                    self.closed_at = time.time()
                    self.close_code = exc.rcvd.code if exc.rcvd else None
                    self.changed.notify_all()
                return
            with self.changed:
                self.messages.append((time.time(), json.loads(text)))
                self.changed.notify_all()

    def events(self) -> list[dict[str, Any]]:
        """What the server sent, its keepalive pings left out."""
        with self.changed:
            return [message for _, message in self.messages if message["type"] not in {"ping", "pong"}]

    def wait(self, event_type: str, event_id: Any, seconds: float = LIMIT + 1) -> tuple[float, dict[str, Any]]:
        """The arrival time and body of the first event of this type and id; fails after `seconds`."""

        def found() -> tuple[float, dict[str, Any]] | None:
            for arrived, message in self.messages:
                if message["type"] == event_type and message["id"] == event_id:
                    return arrived, message
            return None

        with self.changed:
            self.changed.wait_for(lambda: found() is not None or self.closed_at is not None, timeout=seconds)
            hit = found()
        assert hit is not None, f"no {event_type} {event_id} within {seconds}s; got {self.events()}"
        return hit

    def wait_closed(self, seconds: float) -> None:
        with self.changed:
            self.changed.wait_for(lambda: self.closed_at is not None, timeout=seconds)

    def wait_for_pong(self, seconds: float = LIMIT) -> None:
        with self.changed:
            got = self.changed.wait_for(lambda: any(m["type"] == "pong" for _, m in self.messages), timeout=seconds)
        assert got, self.messages


@contextmanager
def sockets(*specs: tuple[str, str]) -> Iterator[list[Socket]]:
    """Sockets opened to (url, token) pairs, closed when the block ends."""
    with ExitStack() as stack:
        yield [Socket(stack.enter_context(connect(url, open_timeout=5)), token) for url, token in specs]


# --- The servers -------------------------------------------------------------------------------------------------
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>MinNow live check</title></head>
<body><script>
window.events = [];
window.socketState = {ready: false, closed: null, errors: 0};
window.openSocket = (url, token) => new Promise((resolve) => {
  const socket = new WebSocket(url);
  socket.onopen = () => socket.send(JSON.stringify({type: "auth", token}));
  socket.onmessage = (message) => {
    const event = JSON.parse(message.data);
    event.arrived = Date.now();
    window.events.push(event);
    if (event.type === "ready") { window.socketState.ready = true; resolve("ready"); }
  };
  socket.onerror = () => { window.socketState.errors += 1; };
  socket.onclose = (close) => { window.socketState.closed = close.code; resolve(`closed ${close.code}`); };
});
window.createItem = async (api, token, body) => {
  const response = await fetch(`${api}/api/items`, {
    method: "POST",
    headers: {"Authorization": `Bearer ${token}`, "Content-Type": "application/json"},
    body: JSON.stringify(body),
  });
  return {status: response.status, body: await response.json(), answered: Date.now()};
};
</script></body></html>
"""


def page_server() -> AbstractContextManager[str]:
    """Serves PAGE from a loopback origin of its own; yields the origin."""
    return serving_page(PAGE)


# The load balancer in front of Caddy that production may have: it terminates TLS, so it says https.
BALANCER = """{
	admin off
}

http://127.0.0.1:%(port)d {
	bind 127.0.0.1
	reverse_proxy 127.0.0.1:%(caddy)d {
		header_up X-Forwarded-Proto https
	}
}
"""


STOPS: dict[str, float] = {}


@contextmanager
def running(name: str, command: list[str], env: dict[str, str]) -> Iterator[Popen[bytes]]:
    """`started`, timing how long the process takes to stop."""
    with ExitStack() as stack:
        yield stack.enter_context(started(command, env))
        begin = time.monotonic()
    STOPS[name] = time.monotonic() - begin


def terminate_all(processes: list[Popen[bytes]]) -> None:
    """SIGTERM to every process group at once: they stop side by side, `stop` then waits for each in turn."""
    for process in processes:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)


@dataclass
class Servers:
    proxy: str  # Caddy (the repository's Caddyfile)
    balancer: str  # the stand-in load balancer in front of Caddy
    gunicorn: dict[str, str]  # instance name -> base URL, for requests that must reach one instance
    env: dict[str, str]
    key: rsa.RSAPrivateKey
    page: str  # an origin in CORS_ALLOWED_ORIGINS
    foreign_page: str  # one that is not
    http: httpx.Client
    run: str = field(default_factory=lambda: uuid.uuid4().hex[:10])

    @property
    def ws(self) -> str:
        return self.proxy.replace("http://", "ws://") + "/ws/"

    def subject(self, name: str) -> str:
        return f"user_live_{self.run}_{name}"

    def token(self, name: str) -> str:
        return clerk_token(
            self.key, sub=self.subject(name), email=f"{name}-{self.run}@example.com", exp=int(time.time()) + 900
        )

    def headers(self, name: str) -> dict[str, str]:
        # X-Forwarded-Proto as Caddy would pass it on behind a TLS-terminating load balancer (PROD redirects http).
        return {"Authorization": f"Bearer {self.token(name)}", "X-Forwarded-Proto": "https"}

    def user(self, name: str) -> User:
        return User.objects.get(clerk_id=self.subject(name))


@pytest.fixture(scope="module")
def servers(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Servers]:
    if not redis_available():
        pytest.skip(f"the live-updates server test needs Redis at TEST_REDIS_URL ({TEST_REDIS_URL})")
    started_at = time.monotonic()
    workdir = tmp_path_factory.mktemp("live")
    key = new_key()
    with ExitStack() as stack:
        page = stack.enter_context(page_server())
        foreign_page = stack.enter_context(page_server())
        env = production_env(
            public_pem(key),
            workdir,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            CORS_ALLOWED_ORIGINS=page,
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        )
        processes: list[Popen[bytes]] = []
        instances = {name: f"127.0.0.1:{free_port()}" for name in ("a", "b")}
        for name, address in instances.items():
            command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", address]
            processes.append(stack.enter_context(running(f"gunicorn {name}", command, env)))
        # uvicorn reads WEB_CONCURRENCY too: two processes hold the sockets, so an event crosses between them as well.
        ws_address = f"127.0.0.1:{free_port()}"
        host, port = ws_address.split(":")
        uvicorn = [sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", host, "--port", port]
        processes.append(stack.enter_context(running("uvicorn", [*uvicorn, "--no-access-log"], env)))
        for address in [*instances.values(), ws_address]:
            wait_for(f"http://{address}/healthz")
        time.sleep(0.5)  # the first gunicorn worker answered; the second starts moments later

        caddy_port = free_port()
        front = {
            **env,
            "SITE_ADDRESS": f"http://127.0.0.1:{caddy_port}",
            "CADDY_BIND": "127.0.0.1",
            "TRUSTED_PROXIES": "127.0.0.1/32 ::1/128",
            "UPSTREAMS": " ".join(instances.values()),
            "WS_UPSTREAMS": ws_address,
            "HEALTH_INTERVAL": f"{HEALTH_INTERVAL:g}s",
            "CADDY_ADMIN": "off",
        }
        caddy = [str(CADDY), "run", "--config", "Caddyfile", "--adapter", "caddyfile"]
        processes.append(stack.enter_context(running("caddy", caddy, front)))
        balancer_port = free_port()
        balancer_file = workdir / "Balancer.caddyfile"
        balancer_file.write_text(BALANCER % {"port": balancer_port, "caddy": caddy_port})
        command = [str(CADDY), "run", "--config", str(balancer_file), "--adapter", "caddyfile"]
        processes.append(stack.enter_context(running("balancer", command, front)))
        stack.callback(terminate_all, processes)
        proxy, balancer = f"http://127.0.0.1:{caddy_port}", f"http://127.0.0.1:{balancer_port}"
        wait_for(f"{proxy}/readyz")
        wait_for(f"{balancer}/readyz")
        http = stack.enter_context(httpx.Client(timeout=30))
        gunicorn = {name: f"http://{address}" for name, address in instances.items()}
        result = Servers(proxy, balancer, gunicorn, env, key, page, foreign_page, http)
        # Caddy's first health check of uvicorn has passed once a socket opens through it.
        deadline = time.monotonic() + 10
        while True:
            try:
                with connect(result.ws, open_timeout=2):
                    break
            except (OSError, InvalidStatus):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        note(f"started Caddy + balancer + 2 gunicorn x 2 workers + uvicorn in {time.monotonic() - started_at:.1f}s")
        yield result
        stopping = time.monotonic()
    each = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in STOPS.items())
    note(f"stopped them in {time.monotonic() - stopping:.1f}s ({each})")
    # A server's database sessions end a moment after the server does; the test database is dropped next.
    waited = time.monotonic()
    with django_db_blocker.unblock():
        while other_sessions() and time.monotonic() - waited < 10:
            time.sleep(0.1)
    note(f"their database sessions ended {time.monotonic() - waited:.1f}s later")
    print("\n[live] summary:\n  " + "\n  ".join(SUMMARY))


def other_sessions() -> int:
    """How many other sessions the test database has (the servers' and the job's, until they end)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


# --- 1-3. Every write through either instance reaches each of the person's sockets, and nobody else's -----------
@dataclass
class Delays:
    from_response: list[float] = field(default_factory=list)
    from_at: list[float] = field(default_factory=list)

    def add(self, answered: float, arrived: float, at: str) -> None:
        self.from_response.append(arrived - answered)
        self.from_at.append(arrived - moment(at).timestamp())

    def text(self) -> str:
        def stats(values: list[float]) -> str:
            return f"median {sorted(values)[len(values) // 2] * 1000:.1f} ms, max {max(values) * 1000:.1f} ms"

        return f"response->event {stats(self.from_response)}; at->event {stats(self.from_at)}"


def test_writes_through_either_instance_reach_every_socket_of_the_person_only(servers: Servers) -> None:
    alice, bob = servers.headers("alice"), servers.headers("bob")
    a, b = servers.gunicorn["a"], servers.gunicorn["b"]
    delays = Delays()
    with sockets(
        (servers.ws, servers.token("alice")), (servers.ws, servers.token("alice")), (servers.ws, servers.token("bob"))
    ) as (phone, laptop, bobs):

        def write(base: str, method: str, path: str, body: Any = None, status: int = 200) -> tuple[float, Any]:
            response = servers.http.request(method, f"{base}{path}", headers=alice, json=body)
            answered = time.time()
            assert response.status_code == status, response.text
            return answered, response.json() if response.content else None

        def arrives(answered: float, event_type: str, event_id: Any) -> dict[str, Any]:
            """The event on both of alice's sockets, each within LIMIT of the response; the phone's body."""
            bodies = []
            for device in (phone, laptop):
                arrived, event = device.wait(event_type, event_id)
                delays.add(answered, arrived, event["at"])
                assert arrived - answered < LIMIT, (event_type, arrived - answered)
                assert arrived - moment(event["at"]).timestamp() < LIMIT, (event_type, event["at"])
                bodies.append(event)
            assert bodies[0] == bodies[1]
            return bodies[0]

        # Items: created through a, updated through b, deleted through a.
        answered, item = write(a, "POST", "/api/items", item_payload(name="Live Lamp"), 201)
        event = arrives(answered, "item.created", item["id"])
        assert event["item"]["name"] == "Live Lamp" and event["item"]["id"] == item["id"]
        answered, _ = write(b, "PUT", f"/api/items/{item['id']}", {"name": "Live Lamp 2"})
        event = arrives(answered, "item.updated", item["id"])
        assert event["changed"] == ["name"] and event["item"]["name"] == "Live Lamp 2"
        assert event["action"] == "updated"
        answered, _ = write(a, "DELETE", f"/api/items/{item['id']}", status=204)
        arrives(answered, "item.deleted", item["id"])

        # Locations: created, moved, renamed and deleted, through both instances.
        answered, hall = write(b, "POST", "/api/locations", {"display_name": "Hall", "parent_id": None}, 201)
        event = arrives(answered, "location.created", hall["id"])
        assert event["location"]["full_path"] == hall["full_path"] and event["location"]["parent_id"] is None
        answered, closet = write(a, "POST", "/api/locations", {"display_name": "Closet", "parent_id": None}, 201)
        arrives(answered, "location.created", closet["id"])
        answered, moved = write(b, "PUT", f"/api/locations/{closet['id']}/move", {"parent_id": hall["id"]})
        event = arrives(answered, "location.moved", closet["id"])
        assert event["old_path"] == closet["full_path"]
        assert event["location"]["parent_id"] == hall["id"] and event["location"]["full_path"] == moved["full_path"]
        answered, renamed = write(a, "PUT", f"/api/locations/{closet['id']}", {"display_name": "Wardrobe"})
        event = arrives(answered, "location.updated", closet["id"])
        assert event["old_path"] == moved["full_path"]
        assert event["location"]["display_name"] == "Wardrobe"
        assert event["location"]["full_path"] == renamed["full_path"]
        answered, _ = write(b, "DELETE", f"/api/locations/{closet['id']}")
        event = arrives(answered, "location.deleted", closet["id"])
        assert event["full_path"] == renamed["full_path"]

        # Bob wrote nothing: his socket stays silent (his own write would reach him: the socket works).
        time.sleep(QUIET)
        assert bobs.events() == []
        assert [e["type"] for e in phone.events()] == [e["type"] for e in laptop.events()]
        assert len(phone.events()) == 8
        response = servers.http.post(f"{a}/api/items", headers=bob, json=item_payload(name="Bob's"))
        assert response.status_code == 201, response.text
        bobs.wait("item.created", response.json()["id"])
        time.sleep(QUIET)
        assert all(e["type"] != "item.created" or e["item"]["name"] != "Bob's" for e in phone.events())

    note(f"writes via 2 instances -> 2 sockets x 8 events: {delays.text()}; bob got none of them")


# --- 4. The reminder job, a process of its own, tells the open screens ------------------------------------------
def test_reminder_job_delivers_checkup_due(servers: Servers) -> None:
    with sockets((servers.ws, servers.token("alice")), (servers.ws, servers.token("bob"))) as (alice, bob):
        # Signing in on the socket created both people (with their default checkups); alice's are due.
        User.objects.filter(clerk_id=servers.subject("alice")).update(email_notifications=True)
        User.objects.filter(clerk_id=servers.subject("bob")).update(email_notifications=True)
        Checkup.objects.filter(user=servers.user("alice")).update(
            last_checkup_date=timezone.now() - relativedelta(months=2)
        )
        due = {c.checkup_type: c.pk for c in Checkup.objects.filter(user=servers.user("alice"))}
        assert set(due) == set(CheckupType.values)

        started_at = time.time()
        job = manage("run_email_notifications", **servers.env)
        ended = time.time()
        assert job.returncode == 0, job.stderr[-2000:]
        assert "summary: sent 2" in job.stdout, job.stdout[-2000:]
        for kind, pk in due.items():
            arrived, event = alice.wait("checkup.due", pk)
            assert event["checkup"]["checkup_type"] == kind and event["checkup"]["is_checkup_due"] is True
            assert event["item_count"] == 0
            assert arrived - moment(event["at"]).timestamp() < LIMIT
            assert arrived - ended < LIMIT
        latest = max(alice.wait("checkup.due", pk)[0] for pk in due.values())
        time.sleep(QUIET)
        assert bob.events() == []
        assert len(alice.events()) == 2
    note(
        f"reminder job: ran {ended - started_at:.2f}s; both checkup.due arrived "
        f"{(latest - ended) * 1000:+.1f} ms from the job's exit; bob got none"
    )


# --- 5. A page in the browser: two tabs of the web app, and a page of another origin ----------------------------
def test_two_browser_tabs_receive_a_write_made_in_one(servers: Servers) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("headless browser tests need Playwright: pip install -r requirements-dev.txt")
    if CHROMIUM is None:
        pytest.skip("headless browser tests need Chromium: /usr/bin/chromium not found; apt-get install chromium")
    token = servers.token("alice")
    ws = servers.balancer.replace("http://", "ws://") + "/ws/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            tabs = []
            for _ in range(2):
                tab = browser.new_page()
                tab.set_default_timeout(10_000)
                tab.goto(servers.page)
                assert tab.evaluate("([url, token]) => openSocket(url, token)", [ws, token]) == "ready"
                tabs.append(tab)
            result = tabs[0].evaluate(
                "([api, token, body]) => createItem(api, token, body)",
                [servers.balancer, token, item_payload(name="From the browser")],
            )
            assert result["status"] == 201, result
            item_id = result["body"]["id"]
            arrivals = []
            for tab in tabs:
                tab.wait_for_function(
                    "id => window.events.some(e => e.type === 'item.created' && e.id === id)",
                    arg=item_id,
                    timeout=LIMIT * 1000,
                )
                event = tab.evaluate("id => window.events.find(e => e.type === 'item.created' && e.id === id)", item_id)
                assert event["item"]["name"] == "From the browser"
                arrivals.append(event["arrived"] - result["answered"])
            assert all(delay < LIMIT * 1000 for delay in arrivals), arrivals

            foreign = browser.new_page()
            foreign.set_default_timeout(10_000)
            foreign.goto(servers.foreign_page)
            outcome = foreign.evaluate("([url, token]) => openSocket(url, token)", [ws, token])
            state = foreign.evaluate("window.socketState")
        finally:
            browser.close()
    assert outcome.startswith("closed"), outcome
    assert state["ready"] is False and state["closed"] == 1006, state
    note(
        "browser: 2 tabs, item.created after the fetch's answer in "
        + ", ".join(f"{delay:.0f} ms" for delay in arrivals)
        + f"; a page of another origin refused ({outcome}, {state['errors']} error event)"
    )


# --- 6. A socket that heard nothing for a while still gets the next event --------------------------------------
IDLE = 6.0  # seconds: longer than channels-redis's blocking read of a socket's channel (5 s)


def test_an_idle_socket_still_receives(servers: Servers) -> None:
    with sockets((servers.ws, servers.token("alice"))) as (alice,):
        alice.wait_closed(IDLE)
        assert alice.close_code is None, f"closed with {alice.close_code} while idle"
        response = servers.http.post(
            f"{servers.gunicorn['b']}/api/items", headers=servers.headers("alice"), json=item_payload()
        )
        answered = time.time()
        assert response.status_code == 201, response.text
        arrived, _ = alice.wait("item.created", response.json()["id"])
        assert arrived - answered < LIMIT
    note(f"idle socket: after {IDLE:g}s of silence, item.created in {(arrived - answered) * 1000:.0f} ms")


# --- 6b. Many sockets closing together leave nothing behind in Redis ----------------------------------------------
# More than redis-py's async pools open at once (100) in each of uvicorn's two processes: a deploy or a proxy reload
# drops every socket together, as the abrupt shutdowns below do.
TOGETHER = 300


def test_sockets_closing_all_at_once_leave_no_membership_or_place(servers: Servers) -> None:
    names = [f"crowd{index}" for index in range(TOGETHER)]
    users = [make_user(f"{name}-{servers.run}", clerk_id=servers.subject(name)) for name in names]
    keys = [key for user in users for key in (f"minnow:live:sockets:{user.pk}", f"minnow:live:group:user.{user.pk}")]
    store = redis.Redis.from_url(TEST_REDIS_URL)
    store.delete(*keys)  # an earlier run's database had users with these ids, and Redis outlives it
    with ExitStack() as stack, ThreadPoolExecutor(16) as pool:
        connections = [stack.enter_context(connect(servers.ws, open_timeout=10)) for _ in names]
        opened = list(pool.map(Socket, connections, pool.map(servers.token, names)))
        assert store.exists(*keys) == 2 * TOGETHER
        started = time.monotonic()
        for dropped in opened:
            dropped.ws.socket.shutdown(socket.SHUT_RDWR)
        deadline = time.monotonic() + 10
        while store.exists(*keys) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [key for key in keys if store.exists(key)]
        assert not left, f"{len(left)} of {len(keys)} keys left after closing, e.g. {left[:5]}"
    note(
        f"{TOGETHER} sockets closed at once: every group membership and place gone in {time.monotonic() - started:.2f}s"
    )


# --- 7. Deleting the account closes the person's sockets --------------------------------------------------------
def test_deleting_the_account_closes_the_persons_sockets(servers: Servers) -> None:
    # A client that is not a browser but names an origin that is not allowed is refused as well.
    foreign = Origin(servers.foreign_page)
    with pytest.raises(InvalidStatus) as refused, connect(servers.ws, origin=foreign, open_timeout=5):
        pass
    assert refused.value.response.status_code == 403
    with sockets(
        (servers.ws, servers.token("alice")), (servers.ws, servers.token("alice")), (servers.ws, servers.token("bob"))
    ) as (phone, laptop, bob):
        response = servers.http.delete(f"{servers.gunicorn['a']}/api/me", headers=servers.headers("alice"))
        answered = time.time()
        assert response.status_code == 204, response.text
        closes = []
        for device in (phone, laptop):
            device.wait_closed(LIMIT)
            assert device.close_code == 4403, device.close_code
            assert device.closed_at is not None
            closes.append(device.closed_at - answered)
        assert all(delay < LIMIT for delay in closes), closes
        bob.ws.send(json.dumps({"type": "ping"}))
        bob.wait_for_pong()
        assert bob.close_code is None
    note("DELETE /api/me: both sockets closed 4403 in " + ", ".join(f"{d * 1000:.0f} ms" for d in closes))
