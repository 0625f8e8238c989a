"""/ws/: a person's live updates over a WebSocket (docs/design.md, "Live updates"; the events: minNow/live.py).

The protocol, in JSON text messages:
- the client's first message is `{"type": "auth", "token": "<Clerk JWT>"}` within LIVE_AUTH_TIMEOUT_SECONDS,
  verified exactly as the API verifies a bearer token; the server answers `{"type": "ready", "expires_at"}` and
  from then on sends the person's events. Another `auth` with a fresh token of the same person extends the socket
  past the first token's expiry; without one the socket closes when the token expires.
- the server sends `{"type": "ping"}` every LIVE_PING_SECONDS; any message counts as an answer (`{"type": "pong"}`),
  and a socket that stays silent for two pings is closed. The client may send `{"type": "ping"}` and gets a pong.
Tokens never travel in the URL (it ends up in proxy logs). Close codes are minNow.live's CLOSE_*.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Coroutine
from datetime import UTC, datetime
from typing import Any

import redis.asyncio as aioredis
from channels.db import database_sync_to_async  # type: ignore[import-untyped]
from channels.generic.websocket import AsyncWebsocketConsumer  # type: ignore[import-untyped]
from django.conf import settings

from minNow import live
from minNow.auth import LEEWAY_SECONDS, TokenError, verify_token
from users.auth import user_from_claims
from users.models import User

logger = logging.getLogger(__name__)


def origin_allowed(scope: dict[str, Any]) -> bool:
    """A browser always sends Origin on a WebSocket handshake: it must be one of the web app's origins. A client
    that is not a browser (the mobile app) sends none; it cannot be a page abusing a visitor's session, and it
    still has to authenticate with a token."""
    origin = dict(scope.get("headers", [])).get(b"origin")
    return origin is None or origin.decode("latin-1").rstrip("/") in settings.CORS_ALLOWED_ORIGINS


def _authenticate(token: str) -> tuple[User, float | None]:
    """The token's user (created on first sight, refused when disabled) and its expiry, as the API does it."""
    claims = verify_token(token)
    user = user_from_claims(claims)
    expires = claims.get("exp")
    return user, float(expires) if isinstance(expires, int | float) else None


class LiveConsumer(AsyncWebsocketConsumer):
    user_id: int | None = None

    async def connect(self) -> None:
        if not origin_allowed(self.scope):
            await self.close()  # before accept: the handshake itself is refused (HTTP 403)
            return
        await self.accept()
        self.last_heard = time.monotonic()
        self.recent: deque[float] = deque()  # when the client's messages of the last minute arrived
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.start("auth", self.close_later(settings.LIVE_AUTH_TIMEOUT_SECONDS, live.CLOSE_UNAUTHORIZED))
        self.start("keepalive", self.keepalive())

    async def disconnect(self, code: int) -> None:
        for task in getattr(self, "tasks", {}).values():
            task.cancel()
        if self.user_id is not None:
            async with redis_turn():
                try:
                    await self.channel_layer.group_discard(live.group_name(self.user_id), self.channel_name)
                except Exception as exc:  # the layer may be down; the membership expires in the layer anyway
                    logger.warning("Live socket not removed from its group (%s)", exc.__class__.__name__)
                await sockets.release(self.user_id, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        size = len(text_data.encode()) if text_data is not None else len(bytes_data or b"")
        if size > settings.LIVE_MAX_MESSAGE_BYTES:
            await self.close(live.CLOSE_TOO_BIG)
            return
        now = time.monotonic()
        self.recent.append(now)
        while self.recent[0] < now - 60:
            self.recent.popleft()
        if len(self.recent) > settings.LIVE_MAX_MESSAGES_PER_MINUTE:
            await self.close(live.CLOSE_TOO_MANY)
            return
        self.last_heard = now
        message = _parsed(text_data)
        kind = message.get("type") if message else None
        if kind == "auth":
            await self.authenticate(message.get("token") if message else None)
        elif self.user_id is None:
            await self.close(live.CLOSE_UNAUTHORIZED)  # the first message must be the token
        elif kind == "ping":
            await self.send(text_data='{"type": "pong"}')
        elif kind != "pong":
            await self.close(live.CLOSE_BAD_MESSAGE)

    async def authenticate(self, token: Any) -> None:
        if not isinstance(token, str) or not token:
            await self.close(live.CLOSE_UNAUTHORIZED)
            return
        try:
            user, expires = await database_sync_to_async(_authenticate)(token)
        except TokenError:
            await self.close(live.CLOSE_UNAUTHORIZED)
            return
        if self.user_id is None:
            async with redis_turn():
                if not await sockets.claim(user.pk, self.channel_name):
                    await self.close(live.CLOSE_TOO_MANY)
                    return
                self.user_id = user.pk
                await self.channel_layer.group_add(live.group_name(user.pk), self.channel_name)
            self.tasks.pop("auth").cancel()
        elif user.pk != self.user_id:
            await self.close(live.CLOSE_UNAUTHORIZED)  # a socket belongs to one person
            return
        if expires is not None:
            # Accepted as long as the API would accept it (the same leeway), then closed.
            self.start("expiry", self.close_later(expires + LEEWAY_SECONDS - time.time(), live.CLOSE_UNAUTHORIZED))
        expires_at = datetime.fromtimestamp(expires, UTC).isoformat() if expires is not None else None
        await self.send(text_data=json.dumps({"type": "ready", "expires_at": expires_at}))

    # --- Group messages (minNow.live) ------------------------------------------------------------------------------
    async def live_event(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])

    async def live_close(self, event: dict[str, Any]) -> None:
        await self.close(event["code"])

    # --- Timers ------------------------------------------------------------------------------------------------------
    def start(self, name: str, work: Coroutine[Any, Any, None]) -> None:
        previous = self.tasks.pop(name, None)
        if previous is not None:
            previous.cancel()
        self.tasks[name] = asyncio.create_task(work)

    async def close_later(self, seconds: float, code: int) -> None:
        await asyncio.sleep(max(0.0, seconds))
        await self.close(code)

    async def keepalive(self) -> None:
        interval = settings.LIVE_PING_SECONDS
        while True:
            await asyncio.sleep(interval)
            if time.monotonic() - self.last_heard > 2 * interval:
                await self.close(live.CLOSE_IDLE)
                return
            await self.send(text_data='{"type": "ping"}')
            if self.user_id is not None:
                async with redis_turn():
                    await sockets.refresh(self.user_id, self.channel_name)


# Joining and leaving cost Redis calls. redis-py's async pools refuse a call beyond their 100 connections at once
# (MaxConnectionsError) instead of waiting, and a deploy or a proxy reload closes every socket of a server together:
# without a queue most leaving sockets would keep their group membership and their place (bench/live.py saw 80%).
REDIS_CALLS_AT_ONCE = 32
_turns: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}


def redis_turn() -> asyncio.Semaphore:
    """This event loop's queue for joining and leaving."""
    loop = asyncio.get_running_loop()
    if loop not in _turns:
        _turns[loop] = asyncio.Semaphore(REDIS_CALLS_AT_ONCE)
    return _turns[loop]


class RefusingConsumer(AsyncWebsocketConsumer):
    """Any other WebSocket path: the handshake is refused."""

    async def connect(self) -> None:
        await self.close()


def _parsed(text: str | None) -> dict[str, Any] | None:
    try:
        message = json.loads(text) if text is not None else None
    except ValueError:
        return None
    return message if isinstance(message, dict) else None


# --- Sockets per person ------------------------------------------------------------------------------------------
# With Redis, one sorted set per person across every ASGI server: member = the socket's channel, score = when its
# claim lapses unless renewed by the socket's keepalive, so a server that died frees its sockets' places.
CLAIM = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[4]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
  redis.call('EXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


class SocketSlots:
    """At most LIVE_MAX_SOCKETS_PER_USER sockets per person: in Redis when REDIS_URL is set, else in this process."""

    def __init__(self) -> None:
        self.local: dict[int, set[str]] = {}
        self.clients: dict[asyncio.AbstractEventLoop, aioredis.Redis] = {}

    def client(self) -> aioredis.Redis | None:
        if not settings.REDIS_URL:
            return None
        loop = asyncio.get_running_loop()
        if loop not in self.clients:
            self.clients[loop] = aioredis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        return self.clients[loop]

    @staticmethod
    def key(user_id: int) -> str:
        return f"minnow:live:sockets:{user_id}"

    def lapse(self) -> float:
        return time.time() + 3 * settings.LIVE_PING_SECONDS

    @staticmethod
    def ttl() -> int:
        """Seconds the person's key outlives its last claim or renewal (its members lapse before)."""
        return int(3 * settings.LIVE_PING_SECONDS) + 1

    async def claim(self, user_id: int, channel: str) -> bool:
        limit = settings.LIVE_MAX_SOCKETS_PER_USER
        client = self.client()
        if client is None:
            held = self.local.setdefault(user_id, set())
            if len(held) >= limit:
                return False
            held.add(channel)
            return True
        try:
            args = (channel, time.time(), self.lapse(), limit, self.ttl())
            return bool(await client.eval(CLAIM, 1, self.key(user_id), *args))
        except (aioredis.RedisError, OSError) as exc:
            logger.warning("Socket limit not checked: Redis unavailable (%s)", exc.__class__.__name__)
            return True

    async def refresh(self, user_id: int, channel: str) -> None:
        client = self.client()
        if client is not None:
            # The key's expiry is renewed too: else it lapses with every live claim in it, and the limit with it.
            key = self.key(user_id)
            with contextlib.suppress(aioredis.RedisError, OSError):
                pipe = client.pipeline(transaction=False)
                pipe.zadd(key, {channel: self.lapse()}, xx=True)
                pipe.expire(key, self.ttl())
                await pipe.execute()

    async def release(self, user_id: int, channel: str) -> None:
        client = self.client()
        if client is None:
            self.local.get(user_id, set()).discard(channel)
            return
        try:
            await client.zrem(self.key(user_id), channel)
        except (aioredis.RedisError, OSError) as exc:  # the claim lapses within three pings anyway
            logger.warning("Live socket's place not released (%s)", exc.__class__.__name__)


sockets = SocketSlots()
