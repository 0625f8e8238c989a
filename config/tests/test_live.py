"""/ws/, the live-updates socket (config/live.py) and the events writes send to it (minNow/live.py), in process.

Each test runs an async body on its own event loop (async_to_sync) against config.asgi.application. Events leave
on commit, so the tests of events run on a transactional database; an API write from the body goes through
sync_to_async, whose publish (the in-memory layer) comes back to the body's loop.
Timings are shrunk with override_settings so the module stays fast.
"""

from __future__ import annotations

import asyncio
import io
import json
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
import redis
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers  # type: ignore[import-untyped]
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.db import transaction
from django.http import HttpResponse
from django.test import Client, override_settings
from django.utils import timezone

import config.live
from config.asgi import application
from config.testing import (
    TEST_REDIS_URL,
    ApiClient,
    create_item,
    create_location,
    item_payload,
    make_items,
    moment,
    redis_available,
)
from items.models import Checkup, ItemEvent, ItemStatus
from minNow import live
from minNow.auth import issue_dev_token
from minNow.tests.test_auth import PEM, clerk_token, new_key
from users.models import User
from users.tests.test_webhooks import SECRET as WEBHOOK_SECRET
from users.tests.test_webhooks import deliver
from users.tests.test_webhooks import event as webhook_event

# A test whose writes must commit (events leave on commit) runs on a transactional database. The others use the
# rolled-back one, or none: the consumer's database calls (database_sync_to_async is thread-sensitive) run in the
# test's own thread, which async_to_sync keeps serving, so they see its transaction; and a flush costs ~0.5 s.
committed = pytest.mark.django_db(transaction=True)

ORIGIN = b"http://localhost:3000"  # in the default CORS_ALLOWED_ORIGINS


# --- The socket --------------------------------------------------------------------------------------------------
class Socket(ApplicationCommunicator):
    """A WebSocket client of config.asgi.application. (channels.testing.WebsocketCommunicator would do, but its
    package imports daphne, which the project does not install.)"""

    def __init__(self, path: str = "/ws/", origin: bytes | None = ORIGIN) -> None:
        headers = [(b"origin", origin)] if origin is not None else []
        scope = {"type": "websocket", "path": path, "query_string": b"", "headers": headers, "subprotocols": []}
        super().__init__(application, scope)

    async def connect(self) -> bool:
        """Whether the handshake is accepted (a refusal is a close before any accept)."""
        await self.send_input({"type": "websocket.connect"})
        reply = await self.receive_output(1)
        assert reply["type"] in {"websocket.accept", "websocket.close"}, reply
        return reply["type"] == "websocket.accept"

    async def send_text(self, text: str) -> None:
        await self.send_input({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        await self.send_input({"type": "websocket.receive", "bytes": data})

    async def send_json(self, message: Any) -> None:
        await self.send_text(json.dumps(message))

    async def receive_json(self, timeout: float = 1) -> dict[str, Any]:
        reply = await self.receive_output(timeout)
        assert reply["type"] == "websocket.send" and "text" in reply, reply
        return json.loads(reply["text"])

    async def auth(self, token: str) -> dict[str, Any]:
        """Send the token; the server's `ready`."""
        await self.send_json({"type": "auth", "token": token})
        ready = await self.receive_json()
        assert ready["type"] == "ready", ready
        return ready

    async def close_code(self, timeout: float = 1) -> int:
        """The code of the close frame the server sends next; then the client's side of the close, as a server
        delivers it, so that the consumer's disconnect (its place, its group) runs."""
        reply = await self.receive_output(timeout)
        assert reply["type"] == "websocket.close", reply
        await self.hang_up()
        return reply.get("code", 1000)

    async def hang_up(self) -> None:
        await self.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.wait(1)


async def opened(user: User) -> Socket:
    """A socket of `user`, authenticated with a dev token."""
    socket = Socket()
    assert await socket.connect()
    await socket.auth(issue_dev_token(user))
    return socket


async def refused(socket: Socket) -> bool:
    """Whether the handshake is refused (the client then goes away)."""
    accepted = await socket.connect()
    await socket.hang_up()
    return not accepted


def run(body: Callable[[], Awaitable[None]]) -> None:
    """Run the test's async body on a fresh event loop."""

    async def main() -> None:
        await body()

    async_to_sync(main)()


# Django's test client from the async body: in the test's thread, so a publish comes back to the body's loop.
async def api(client: ApiClient, method: str, path: str, data: Any = None) -> HttpResponse:
    call = getattr(client, method)
    return await (sync_to_async(call)(path, data) if data is not None else sync_to_async(call)(path))


@pytest.fixture(autouse=True)
def fresh_layer_and_places(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test its own in-memory layer (its queues belong to the test's event loop) and empty socket places.
    channels' own communicator stubs close_old_connections the same way: the consumer's database calls run in
    the test's thread and must not close the test's connection."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
    channel_layers.backends.clear()
    config.live.sockets.local.clear()
    config.live.sockets.clients.clear()
    yield
    channel_layers.backends.clear()
    config.live.sockets.local.clear()
    config.live.sockets.clients.clear()


@pytest.fixture
def pem_mode() -> Iterator[None]:
    with override_settings(CLERK_JWT_KEY=PEM, CLERK_JWKS_URL="", CLERK_SECRET_KEY=""):
        yield


# --- Authentication ----------------------------------------------------------------------------------------------
def test_a_dev_token_gets_ready_with_its_expiry(alice: User) -> None:
    token = issue_dev_token(alice)
    expiry = jwt.decode(token, options={"verify_signature": False})["exp"]

    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        assert await socket.auth(token) == {
            "type": "ready",
            "expires_at": datetime.fromtimestamp(expiry, UTC).isoformat(),
        }
        await socket.hang_up()

    run(body)


@pytest.mark.django_db  # the token's user is created on first sight
def test_a_clerk_token_gets_ready(pem_mode: None) -> None:
    expiry = int(time.time()) + 60

    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        ready = await socket.auth(clerk_token(sub="user_2clerk", exp=expiry))
        assert moment(ready["expires_at"]) == datetime.fromtimestamp(expiry, UTC)
        await socket.hang_up()

    run(body)
    assert User.objects.filter(clerk_id="user_2clerk").exists()  # created on first sight, as the API does


def soon() -> int:
    """An `exp` (whole seconds) half a second to a second and a half away: time enough to send the token."""
    return math.ceil(time.time() + 0.5)


def expired_token() -> str:
    now = int(time.time())
    return clerk_token(iat=now - 600, nbf=now - 600, exp=now - 300)


BAD_AUTH: dict[str, Callable[[], dict[str, Any]]] = {
    "missing token": lambda: {"type": "auth"},
    "empty token": lambda: {"type": "auth", "token": ""},
    "number token": lambda: {"type": "auth", "token": 12345},
    "list token": lambda: {"type": "auth", "token": ["a.b.c"]},
    "garbage token": lambda: {"type": "auth", "token": "not-a-jwt"},
    "another key": lambda: {"type": "auth", "token": clerk_token(key=new_key())},
    "expired token": lambda: {"type": "auth", "token": expired_token()},
    "ping first": lambda: {"type": "ping"},
    "pong first": lambda: {"type": "pong"},
}


@pytest.mark.parametrize("message", BAD_AUTH.values(), ids=BAD_AUTH.keys())
def test_a_bad_first_message_closes_4401(pem_mode: None, message: Callable[[], dict[str, Any]]) -> None:
    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await socket.send_json(message())
        assert await socket.close_code() == live.CLOSE_UNAUTHORIZED

    run(body)


def test_a_disabled_users_token_closes_4401(alice: User) -> None:
    token = issue_dev_token(alice)
    alice.is_active = False
    alice.save(update_fields=["is_active"])

    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await socket.send_json({"type": "auth", "token": token})
        assert await socket.close_code() == live.CLOSE_UNAUTHORIZED

    run(body)


@override_settings(LIVE_AUTH_TIMEOUT_SECONDS=0.3)
def test_no_token_in_time_closes_4401() -> None:
    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        assert await socket.receive_nothing(timeout=0.15)  # not before the timeout
        assert await socket.close_code(timeout=1) == live.CLOSE_UNAUTHORIZED

    run(body)


@override_settings(LIVE_AUTH_TIMEOUT_SECONDS=0.3)
def test_a_token_in_time_cancels_the_auth_timeout(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        assert await socket.receive_nothing(timeout=0.6)
        await socket.hang_up()

    run(body)


def test_another_persons_token_on_an_open_socket_closes_4401(alice: User, bob: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        await socket.send_json({"type": "auth", "token": issue_dev_token(bob)})
        assert await socket.close_code() == live.CLOSE_UNAUTHORIZED

    run(body)


@pytest.mark.django_db  # the token's user is created on first sight
def test_the_tokens_expiry_closes_4401(pem_mode: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config.live, "LEEWAY_SECONDS", 0)  # the API's 5 s leeway would make the test wait for it
    expiry = soon()

    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await socket.auth(clerk_token(exp=expiry))
        assert await socket.close_code(timeout=3) == live.CLOSE_UNAUTHORIZED
        assert time.time() >= expiry - 0.05  # not before the token expired

    run(body)


@pytest.mark.django_db  # the token's user is created on first sight
def test_the_leeway_keeps_a_socket_open_as_long_as_the_api_accepts_the_token(
    pem_mode: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(config.live, "LEEWAY_SECONDS", 1)
    expiry = soon()

    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await socket.auth(clerk_token(exp=expiry))
        assert await socket.receive_nothing(timeout=max(0.0, expiry - time.time()) + 0.2)  # expired, within leeway
        assert await socket.close_code(timeout=2) == live.CLOSE_UNAUTHORIZED
        assert time.time() >= expiry + 1 - 0.05

    run(body)


@pytest.mark.django_db  # the token's user is created on first sight
def test_a_fresh_token_of_the_same_person_extends_the_socket(pem_mode: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(config.live, "LEEWAY_SECONDS", 0)
    first_expiry = soon()
    second_expiry = int(time.time()) + 60

    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await socket.auth(clerk_token(exp=first_expiry))
        ready = await socket.auth(clerk_token(exp=second_expiry))
        assert moment(ready["expires_at"]) == datetime.fromtimestamp(second_expiry, UTC)
        assert await socket.receive_nothing(timeout=first_expiry - time.time() + 0.5)  # past the first expiry
        await socket.send_json({"type": "ping"})
        assert await socket.receive_json() == {"type": "pong"}
        await socket.hang_up()

    run(body)


# --- Handshake ---------------------------------------------------------------------------------------------------
def test_an_allowed_origin_connects() -> None:
    async def body() -> None:
        socket = Socket(origin=ORIGIN)
        assert await socket.connect()
        await socket.hang_up()

    run(body)


def test_a_foreign_origin_is_refused() -> None:
    async def body() -> None:
        assert await refused(Socket(origin=b"https://evil.example"))
        assert await refused(Socket(origin=b"null"))  # a sandboxed page or a file

    run(body)


def test_no_origin_connects_as_a_client_that_is_not_a_browser(alice: User) -> None:
    async def body() -> None:
        socket = Socket(origin=None)
        assert await socket.connect()
        await socket.auth(issue_dev_token(alice))
        await socket.hang_up()

    run(body)


def test_an_unknown_path_is_refused() -> None:
    async def body() -> None:
        assert await refused(Socket("/ws/other"))
        assert await refused(Socket("/ws"))

    run(body)


# --- Sockets per person ------------------------------------------------------------------------------------------
async def check_socket_limit(alice: User, bob: User) -> None:
    """With LIVE_MAX_SOCKETS_PER_USER=2: alice's third socket is closed 4429, bob still connects, and closing one
    of alice's frees a place."""
    first, second = await opened(alice), await opened(alice)
    third = Socket()
    assert await third.connect()
    await third.send_json({"type": "auth", "token": issue_dev_token(alice)})
    assert await third.close_code() == live.CLOSE_TOO_MANY
    bobs = await opened(bob)
    await first.hang_up()
    fourth = await opened(alice)
    for socket in (second, bobs, fourth):
        await socket.hang_up()


@override_settings(LIVE_MAX_SOCKETS_PER_USER=2)
def test_a_person_holds_at_most_the_socket_limit(alice: User, bob: User) -> None:
    run(lambda: check_socket_limit(alice, bob))


@pytest.fixture
def redis_places(alice: User) -> Iterator[redis.Redis]:
    """The socket limiter on the test Redis (REDIS_URL only: the channel layer was chosen at settings import and
    stays in memory), alice's key clean before and after."""
    if not redis_available():
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    client = redis.Redis.from_url(TEST_REDIS_URL)
    key = config.live.SocketSlots.key(alice.pk)
    client.delete(key)
    with override_settings(REDIS_URL=TEST_REDIS_URL):
        yield client
    client.delete(key)


@override_settings(LIVE_MAX_SOCKETS_PER_USER=2)
def test_the_socket_limit_holds_in_redis(redis_places: redis.Redis, alice: User, bob: User) -> None:
    redis_places.delete(config.live.SocketSlots.key(bob.pk))
    run(lambda: check_socket_limit(alice, bob))
    assert redis_places.zcard(config.live.SocketSlots.key(alice.pk)) == 0  # every place released
    redis_places.delete(config.live.SocketSlots.key(bob.pk))


@override_settings(LIVE_MAX_SOCKETS_PER_USER=2)
def test_stale_claims_in_redis_are_ignored(redis_places: redis.Redis, alice: User) -> None:
    # Two claims of a server that died: their scores (when they lapse) are in the past.
    key = config.live.SocketSlots.key(alice.pk)
    redis_places.zadd(key, {"dead-server.a": time.time() - 10, "dead-server.b": time.time() - 1})

    async def body() -> None:
        socket = await opened(alice)
        await socket.hang_up()

    run(body)
    assert redis_places.zrange(key, 0, -1) == []


@override_settings(LIVE_MAX_SOCKETS_PER_USER=1)
def test_a_live_claim_of_another_server_counts(redis_places: redis.Redis, alice: User) -> None:
    redis_places.zadd(config.live.SocketSlots.key(alice.pk), {"other-server.a": time.time() + 60})

    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await socket.send_json({"type": "auth", "token": issue_dev_token(alice)})
        assert await socket.close_code() == live.CLOSE_TOO_MANY

    run(body)


@override_settings(LIVE_MAX_SOCKETS_PER_USER=1, LIVE_PING_SECONDS=0.3)
def test_a_socket_kept_alive_keeps_its_place_in_redis(redis_places: redis.Redis, alice: User) -> None:
    """The keepalive renews the claim past the key's first expiry (3 pings + 1 s): the limit still holds."""

    async def body() -> None:
        first = await opened(alice)
        deadline = time.monotonic() + 1.6
        while time.monotonic() < deadline:  # answer every ping, past the key's first expiry
            assert await first.receive_json() == {"type": "ping"}
            await first.send_json({"type": "pong"})
        second = Socket()
        assert await second.connect()
        await second.send_json({"type": "auth", "token": issue_dev_token(alice)})
        assert await second.close_code() == live.CLOSE_TOO_MANY
        await first.hang_up()

    run(body)


# --- Messages ----------------------------------------------------------------------------------------------------
def padded_ping(size: int, filler: str = "x") -> str:
    """A ping of exactly `size` UTF-8 bytes."""
    empty = len(json.dumps({"type": "ping", "pad": ""}, ensure_ascii=False).encode())
    width = len(filler.encode())
    assert (size - empty) % width == 0
    text = json.dumps({"type": "ping", "pad": filler * ((size - empty) // width)}, ensure_ascii=False)
    assert len(text.encode()) == size
    return text


@override_settings(LIVE_MAX_MESSAGE_BYTES=1024)
def test_a_message_up_to_the_size_limit_is_read_and_a_bigger_one_closes_1009(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        await socket.send_text(padded_ping(1024))
        assert await socket.receive_json() == {"type": "pong"}
        await socket.send_text(padded_ping(1025))
        assert await socket.close_code() == live.CLOSE_TOO_BIG

    run(body)


@override_settings(LIVE_MAX_MESSAGE_BYTES=1024)
def test_the_size_limit_counts_bytes_not_characters(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        text = padded_ping(1027, "é")  # fewer than 1024 characters
        assert len(text) < 1024
        await socket.send_text(text)
        assert await socket.close_code() == live.CLOSE_TOO_BIG

    run(body)


@override_settings(LIVE_MAX_MESSAGE_BYTES=1024)
def test_a_big_first_message_closes_1009_before_any_token_check() -> None:
    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await socket.send_bytes(b"x" * 1025)
        assert await socket.close_code() == live.CLOSE_TOO_BIG

    run(body)


@override_settings(LIVE_MAX_MESSAGES_PER_MINUTE=3)
def test_more_messages_than_the_rate_limit_close_4429(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)  # the token is the first of the three
        for _ in range(2):
            await socket.send_json({"type": "ping"})
            assert await socket.receive_json() == {"type": "pong"}
        await socket.send_json({"type": "ping"})
        assert await socket.close_code() == live.CLOSE_TOO_MANY

    run(body)


BAD_MESSAGES: dict[str, Callable[[Socket], Awaitable[None]]] = {
    "binary frame": lambda socket: socket.send_bytes(b'{"type": "ping"}'),
    "not JSON": lambda socket: socket.send_text("hello"),
    "JSON array": lambda socket: socket.send_text('[{"type": "ping"}]'),
    "JSON string": lambda socket: socket.send_text('"ping"'),
    "no type": lambda socket: socket.send_text("{}"),
    "unknown type": lambda socket: socket.send_json({"type": "subscribe", "topic": "items"}),
}


@pytest.mark.parametrize("send", BAD_MESSAGES.values(), ids=BAD_MESSAGES.keys())
def test_a_bad_message_after_auth_closes_4400(alice: User, send: Callable[[Socket], Awaitable[None]]) -> None:
    async def body() -> None:
        socket = await opened(alice)
        await send(socket)
        assert await socket.close_code() == live.CLOSE_BAD_MESSAGE

    run(body)


@pytest.mark.parametrize("send", BAD_MESSAGES.values(), ids=BAD_MESSAGES.keys())
def test_a_bad_message_before_auth_closes_4401(send: Callable[[Socket], Awaitable[None]]) -> None:
    async def body() -> None:
        socket = Socket()
        assert await socket.connect()
        await send(socket)
        assert await socket.close_code() == live.CLOSE_UNAUTHORIZED

    run(body)


def test_a_client_ping_gets_a_pong_and_a_pong_gets_nothing(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        await socket.send_json({"type": "ping"})
        assert await socket.receive_json() == {"type": "pong"}
        await socket.send_json({"type": "pong"})
        assert await socket.receive_nothing(timeout=0.2)
        await socket.hang_up()

    run(body)


@override_settings(LIVE_PING_SECONDS=0.3)
def test_an_answering_client_stays_open_over_several_pings(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        for _ in range(4):  # 1.2 s: twice the idle limit
            assert await socket.receive_json() == {"type": "ping"}
            await socket.send_json({"type": "pong"})
        await socket.send_json({"type": "ping"})
        assert await socket.receive_json() == {"type": "pong"}
        await socket.hang_up()

    run(body)


@override_settings(LIVE_PING_SECONDS=0.3)
def test_a_silent_client_is_pinged_then_closed_4408(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        started = time.monotonic()
        assert await socket.receive_json() == {"type": "ping"}
        while (reply := await socket.receive_output(1))["type"] == "websocket.send":
            assert json.loads(reply["text"]) == {"type": "ping"}
        assert reply == {"type": "websocket.close", "code": live.CLOSE_IDLE}
        assert time.monotonic() - started >= 2 * 0.3 - 0.05  # two intervals of silence at least
        await socket.hang_up()

    run(body)


# --- Events ------------------------------------------------------------------------------------------------------
def to_millisecond(moment: datetime) -> datetime:
    """`moment` as the API's JSON writes it (milliseconds)."""
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def item_event_at(item_id: str, action: str) -> datetime:
    """When the item's history says the write happened: the moment its event carries."""
    return to_millisecond(ItemEvent.objects.get(item_id=item_id, action=action).at)


async def next_event(socket: Socket) -> dict[str, Any]:
    event = await socket.receive_json()
    assert moment(event["at"]) <= timezone.now()
    return event


@committed
def test_item_created_updated_and_deleted_through_the_api(alice: User, alice_api: ApiClient) -> None:
    async def body() -> None:
        socket = await opened(alice)

        created = await api(alice_api, "post", "/api/items", item_payload(status="Keep"))
        assert created.status_code == 201, created.content
        item_id = created.json()["id"]
        event = await next_event(socket)
        shown = (await api(alice_api, "get", f"/api/items/{item_id}")).json()
        assert event == {
            "type": "item.created",
            "id": item_id,
            "at": event["at"],
            "item": shown,
        }
        assert moment(event["at"]) == await sync_to_async(item_event_at)(item_id, "created")

        changed = await api(alice_api, "put", f"/api/items/{item_id}", {"status": "Give", "name": "Old Sweater"})
        assert changed.status_code == 200, changed.content
        event = await next_event(socket)
        shown = (await api(alice_api, "get", f"/api/items/{item_id}")).json()
        assert event == {
            "type": "item.updated",
            "id": item_id,
            "at": event["at"],
            "action": "status_changed",
            "changed": ["name", "status"],
            "item": shown,
        }
        assert shown["status"] == "Give" and shown["name"] == "Old Sweater"
        assert moment(event["at"]) == await sync_to_async(item_event_at)(item_id, "status_changed")

        assert (await api(alice_api, "delete", f"/api/items/{item_id}")).status_code == 204
        event = await next_event(socket)
        assert event == {"type": "item.deleted", "id": item_id, "at": event["at"]}
        assert moment(event["at"]) == await sync_to_async(item_event_at)(item_id, "deleted")

        assert await socket.receive_nothing(timeout=0.2)  # one event per write
        await socket.hang_up()

    run(body)


@committed
def test_moving_an_item_is_an_update_with_action_moved(alice: User, alice_api: ApiClient) -> None:
    async def body() -> None:
        place = await sync_to_async(create_location)(alice_api, "Closet")
        item = await sync_to_async(create_item)(alice_api)
        socket = await opened(alice)

        moved = await api(alice_api, "put", f"/api/items/{item['id']}", {"current_location_id": place["id"]})
        assert moved.status_code == 200, moved.content
        event = await next_event(socket)
        shown = (await api(alice_api, "get", f"/api/items/{item['id']}")).json()
        assert event["type"] == "item.updated" and event["action"] == "moved"
        assert event["changed"] == ["current_location_id", "location_path"]
        assert event["item"] == shown and shown["location_path"] == "closet"
        await socket.hang_up()

    run(body)


def location_fields(shown: dict[str, Any]) -> dict[str, Any]:
    """What a location event carries of the location, as the API shows it."""
    fields = ("id", "slug", "display_name", "full_path", "parent_id", "level", "created_at", "updated_at")
    return {field: shown[field] for field in fields}


async def shown_location(client: ApiClient, location_id: str) -> dict[str, Any]:
    response = await api(client, "get", f"/api/locations/{location_id}")
    assert response.status_code == 200, response.content
    return location_fields(response.json())


@committed
def test_location_created_renamed_moved_and_deleted_through_the_api(alice: User, alice_api: ApiClient) -> None:
    async def body() -> None:
        socket = await opened(alice)

        home = await sync_to_async(create_location)(alice_api, "Home")
        event = await next_event(socket)
        assert event == {
            "type": "location.created",
            "id": home["id"],
            "at": event["at"],
            "location": await shown_location(alice_api, home["id"]),
        }
        garage = await sync_to_async(create_location)(alice_api, "Garage")
        assert (await next_event(socket))["id"] == garage["id"]

        renamed = await api(alice_api, "put", f"/api/locations/{home['id']}", {"display_name": "House"})
        assert renamed.status_code == 200, renamed.content
        event = await next_event(socket)
        assert event == {
            "type": "location.updated",
            "id": home["id"],
            "at": event["at"],
            "location": await shown_location(alice_api, home["id"]),
            "old_path": "home",
        }
        assert event["location"]["full_path"] == "house"

        moved = await api(alice_api, "put", f"/api/locations/{garage['id']}/move", {"parent_id": home["id"]})
        assert moved.status_code == 200, moved.content
        event = await next_event(socket)
        assert event == {
            "type": "location.moved",
            "id": garage["id"],
            "at": event["at"],
            "location": await shown_location(alice_api, garage["id"]),
            "old_path": "garage",
        }
        assert event["location"]["full_path"] == "house/garage" and event["location"]["parent_id"] == home["id"]

        assert (await api(alice_api, "delete", f"/api/locations/{garage['id']}")).status_code == 200
        event = await next_event(socket)
        assert event == {"type": "location.deleted", "id": garage["id"], "at": event["at"], "full_path": "house/garage"}

        assert await socket.receive_nothing(timeout=0.2)
        await socket.hang_up()

    run(body)


@committed
@override_settings(OPENAI_API_KEY="")
def test_the_agents_new_item_is_an_item_created(alice: User, alice_api: ApiClient) -> None:
    async def body() -> None:
        socket = await opened(alice)
        prompt = "I bought a new white t-shirt yesterday that I plan to keep for at least 2 years"
        response = await api(alice_api, "post", "/api/agent/add-item", {"prompt": prompt})
        assert response.status_code == 200, response.content
        item_id = response.json()["item"]["id"]
        event = await next_event(socket)
        shown = (await api(alice_api, "get", f"/api/items/{item_id}")).json()
        assert event == {"type": "item.created", "id": item_id, "at": event["at"], "item": shown}
        assert shown["name"] == "White T-Shirt"
        await socket.hang_up()

    run(body)


@committed
def test_an_import_is_one_sync_required(alice: User, alice_api: ApiClient, bob: User, bob_api: ApiClient) -> None:
    home = create_location(bob_api, "Home")
    create_item(bob_api, name="Lamp", current_location_id=home["id"])
    create_item(bob_api, name="Kettle")
    document = json.loads(b"".join(bob_api.get("/api/export").streaming_content))

    async def body() -> None:
        socket = await opened(alice)
        response = await api(alice_api, "post", "/api/import", document)
        assert response.status_code == 200, response.content
        counts = {"items_created": 2, "items_skipped": 0, "locations_created": 1}
        assert response.json() == counts
        event = await next_event(socket)
        assert event == {"type": "sync.required", "id": None, "at": event["at"], "reason": "import", **counts}
        assert await socket.receive_nothing(timeout=0.2)  # not one event per row

        # The same document again creates nothing: no event either.
        again = await api(alice_api, "post", "/api/import", document)
        assert again.json()["items_created"] == 0
        assert await socket.receive_nothing(timeout=0.2)
        await socket.hang_up()

    run(body)


@committed
def test_an_item_changed_in_the_admin_is_an_item_updated(alice: User, alice_api: ApiClient, superuser_client: Client):
    item = create_item(alice_api, name="Rain Jacket")
    form = {
        "user": str(alice.pk),
        "name": "Red Rain Jacket",
        "picture_url": "🧶",
        "item_type": "Clothing_Accessories",
        "status": "Keep",
        "item_received_date_0": "2023-01-15",
        "item_received_date_1": "10:30:00",
        "last_used_0": "2024-12-01",
        "last_used_1": "08:00:00",
        "ownership_duration_goal_months": "24",
        "current_location": "",
        "location_updated_at_0": "",
        "location_updated_at_1": "",
    }

    async def body() -> None:
        socket = await opened(alice)
        url = f"/admin/items/owneditem/{item['id']}/change/"
        response = await sync_to_async(superuser_client.post)(url, form)
        assert response.status_code == 302, response.content
        event = await next_event(socket)
        shown = (await api(alice_api, "get", f"/api/items/{item['id']}")).json()
        assert event == {
            "type": "item.updated",
            "id": item["id"],
            "at": event["at"],
            "action": "updated",
            "changed": ["name"],
            "item": shown,
        }
        await socket.hang_up()

    run(body)


@committed
def test_deleting_the_account_closes_its_sockets_4403(alice: User, alice_api: ApiClient, bob: User) -> None:
    async def body() -> None:
        first, second, bobs = await opened(alice), await opened(alice), await opened(bob)
        assert (await api(alice_api, "delete", "/api/me")).status_code in {200, 204}
        assert await first.close_code() == live.CLOSE_GONE
        assert await second.close_code() == live.CLOSE_GONE
        assert await bobs.receive_nothing(timeout=0.2)
        await bobs.hang_up()

    run(body)


@committed
@override_settings(CLERK_WEBHOOK_SECRET=WEBHOOK_SECRET)
def test_a_clerk_user_deleted_webhook_closes_the_sockets_4403(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        payload = webhook_event("user.deleted", {"id": alice.clerk_id, "object": "user", "deleted": True})
        response = await sync_to_async(deliver)(payload)
        assert response.status_code == 200, response.content
        assert await socket.close_code() == live.CLOSE_GONE

    run(body)
    assert not User.objects.filter(pk=alice.pk).exists()


@committed
def test_deactivating_the_account_closes_its_sockets_4403(alice: User) -> None:
    def deactivate() -> None:
        alice.is_active = False
        alice.save(update_fields=["is_active"])

    async def body() -> None:
        socket = await opened(alice)
        await sync_to_async(deactivate)()
        assert await socket.close_code() == live.CLOSE_GONE
        # And its token no longer opens one.
        again = Socket()
        assert await again.connect()
        await again.send_json({"type": "auth", "token": issue_dev_token(alice)})
        assert await again.close_code() == live.CLOSE_UNAUTHORIZED

    run(body)


@committed
def test_the_reminder_job_sends_checkup_due(alice: User, alice_api: ApiClient, mailoutbox: list[Any]) -> None:
    alice.email_notifications = True
    alice.save(update_fields=["email_notifications"])
    make_items(alice, ["Sweater", "Lamp"], status=ItemStatus.KEEP)
    make_items(alice, ["Old Chair"], status=ItemStatus.GIVE)
    old = timezone.now() - relativedelta(months=2)
    Checkup.objects.filter(user=alice).update(last_checkup_date=old)
    before = {checkup["id"]: checkup for checkup in alice_api.get("/api/checkups").json()}

    async def body() -> None:
        socket = await opened(alice)
        await sync_to_async(call_command)("run_email_notifications", stdout=io.StringIO())
        events = [await next_event(socket), await next_event(socket)]
        assert await socket.receive_nothing(timeout=0.2)
        await socket.hang_up()
        by_type = {event["checkup"]["checkup_type"]: event for event in events}
        assert {kind: event["item_count"] for kind, event in by_type.items()} == {"keep": 2, "give": 1}
        for event in events:
            assert event["type"] == "checkup.due"
            assert event["id"] == event["checkup"]["id"]
            shown = before[event["id"]]  # as the API showed it when it was due
            assert event["checkup"] == {key: shown[key] for key in event["checkup"]}
            assert event["checkup"]["is_checkup_due"] is True
            assert moment(event["checkup"]["last_checkup_date"]) == to_millisecond(old)

    run(body)
    assert len(mailoutbox) == 2


@committed
def test_another_persons_socket_hears_nothing(alice: User, alice_api: ApiClient, bob: User) -> None:
    async def body() -> None:
        alices, bobs = await opened(alice), await opened(bob)
        item = await sync_to_async(create_item)(alice_api)
        await sync_to_async(create_location)(alice_api, "Home")
        assert (await api(alice_api, "delete", f"/api/items/{item['id']}")).status_code == 204
        assert [(await next_event(alices))["type"] for _ in range(3)] == [
            "item.created",
            "location.created",
            "item.deleted",
        ]
        assert await bobs.receive_nothing(timeout=0.3)
        for socket in (alices, bobs):
            await socket.hang_up()

    run(body)


@committed
@override_settings(MAX_ITEMS_PER_USER=2)
def test_a_refused_write_sends_nothing(alice: User, alice_api: ApiClient) -> None:
    make_items(alice, 2)

    async def body() -> None:
        socket = await opened(alice)
        response = await api(alice_api, "post", "/api/items", item_payload())
        assert response.status_code == 400, response.content
        assert await socket.receive_nothing(timeout=0.3)
        await socket.hang_up()

    run(body)


@committed
def test_a_rolled_back_transaction_sends_nothing_and_a_committed_one_sends_once(alice: User) -> None:
    def write() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            live.publish(alice.pk, "test.rolled_back", 1)
            raise RuntimeError
        with transaction.atomic():
            live.publish(alice.pk, "test.committed", 2)
            try:
                with transaction.atomic():  # a savepoint that rolls back takes its events with it
                    live.publish(alice.pk, "test.savepoint", 3)
                    raise RuntimeError
            except RuntimeError:
                pass

    async def body() -> None:
        socket = await opened(alice)
        await sync_to_async(write)()
        event = await next_event(socket)
        assert event == {"type": "test.committed", "id": 2, "at": event["at"]}
        assert await socket.receive_nothing(timeout=0.3)
        await socket.hang_up()

    run(body)


@committed
def test_an_event_waits_for_the_commit(alice: User) -> None:
    async def body() -> None:
        socket = await opened(alice)
        entered, release = asyncio.Event(), asyncio.Event()
        loop = asyncio.get_running_loop()

        def write() -> None:
            with transaction.atomic():
                live.publish(alice.pk, "test.committed", 1)
                loop.call_soon_threadsafe(entered.set)
                async_to_sync(release.wait)()

        writing = asyncio.ensure_future(sync_to_async(write)())
        await entered.wait()
        assert await socket.receive_nothing(timeout=0.2)  # published, not committed yet
        release.set()
        await writing
        assert (await next_event(socket))["type"] == "test.committed"
        await socket.hang_up()

    run(body)
