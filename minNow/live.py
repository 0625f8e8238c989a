"""Live updates: what a write tells a person's open screens (docs/design.md, "Live updates").

A write calls `publish(user_id, type, id, **fields)` inside its transaction; the event leaves after the transaction
commits (never for a rolled-back write) to the channel layer group of that person only, where every socket they hold
(config/live.py) receives it. An event is `{"type", "id", "at", ...fields}` rendered to JSON once, whatever the
number of sockets.

The channel layer is Redis (channels-redis) when REDIS_URL is set, so an event published by any app server or job
reaches a socket held by any ASGI server; without it, the in-memory layer reaches only sockets held by the same
process. A gunicorn worker or a management command has no event loop of its own: it hands events to one background
loop per process, which keeps its Redis connections; the request does not wait for the send. A send that fails is
logged and dropped: live updates are a convenience, the API stays the truth (a reconnecting client refetches).
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from concurrent.futures import Future, wait
from datetime import datetime
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer  # type: ignore[import-untyped]
from django.db import transaction
from django.utils import timezone

from minNow.rendering import dumps

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's own); the client reads them in the close frame.
CLOSE_BAD_MESSAGE = 4400  # not a JSON object of a known type
CLOSE_UNAUTHORIZED = 4401  # no, a bad or a late token; or the token expired
CLOSE_GONE = 4403  # the account was deleted or deactivated
CLOSE_IDLE = 4408  # no answer to the server's pings
CLOSE_TOO_MANY = 4429  # too many sockets for this person, or too many messages
CLOSE_TOO_BIG = 1009  # the WebSocket protocol's own "message too big"

SEND_TIMEOUT_SECONDS = 2.0


def group_name(user_id: int) -> str:
    return f"user.{user_id}"


def event_text(event_type: str, event_id: Any, at: datetime | None = None, **fields: Any) -> str:
    """The event as the JSON text every socket receives."""
    body = {"type": event_type, "id": event_id, "at": at or timezone.now(), **fields}
    return dumps(body).decode()


def publish(user_id: int, event_type: str, event_id: Any, **fields: Any) -> None:
    """Send the event to the person's sockets once the current transaction commits (at once outside one; never
    when it, or the savepoint around this call, rolls back). Its `at` is the moment of the write."""
    _on_commit(user_id, {"type": "live.event", "text": event_text(event_type, event_id, **fields)})


def close_sockets(user_id: int, code: int = CLOSE_GONE) -> None:
    """Close every socket the person holds, after the current transaction commits (their account is gone)."""
    _on_commit(user_id, {"type": "live.close", "code": code})


def _on_commit(user_id: int, message: dict[str, Any]) -> None:
    group = group_name(user_id)
    transaction.on_commit(lambda: _sender().send(group, message))


# --- Sending -------------------------------------------------------------------------------------------------------
class _LoopSender:
    """One event loop per process, in a daemon thread, for code that runs outside an event loop."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.futures: set[Future[None]] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self.loop.run_forever, name="live-updates", daemon=True).start()

    def send(self, group: str, message: dict[str, Any]) -> None:
        future = asyncio.run_coroutine_threadsafe(_group_send(group, message), self.loop)
        with self.lock:
            self.futures.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self.lock:
            self.futures.discard(future)

    def flush(self, timeout: float) -> None:
        with self.lock:
            pending = set(self.futures)
        wait(pending, timeout=timeout)


class _InlineSender:
    """The in-memory layer lives in the event loop of the ASGI server serving this process: a sync view run by it
    sends through that loop (async_to_sync hands the call back to it)."""

    def send(self, group: str, message: dict[str, Any]) -> None:
        async_to_sync(_group_send)(group, message)

    def flush(self, timeout: float) -> None:
        return None


async def _group_send(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    try:
        async with asyncio.timeout(SEND_TIMEOUT_SECONDS):
            await layer.group_send(group, message)
    except Exception as exc:  # a live update is never worth failing the write that already committed
        logger.warning("Live update to %s not sent (%s)", group, exc.__class__.__name__)


_senders: dict[int, _LoopSender | _InlineSender] = {}


def _sender() -> _LoopSender | _InlineSender:
    """The process's sender; a forked worker (gunicorn preloads the app) starts its own loop."""
    pid = os.getpid()
    sender = _senders.get(pid)
    if sender is None:
        sender = _InlineSender() if isinstance(get_channel_layer(), InMemoryChannelLayer) else _LoopSender()
        _senders.clear()
        _senders[pid] = sender
    return sender


def flush(timeout: float = SEND_TIMEOUT_SECONDS) -> None:
    """Wait until the events handed on so far have been sent (a command calls it before it exits)."""
    sender = _senders.get(os.getpid())
    if sender is not None:
        sender.flush(timeout)


atexit.register(flush)
