"""Django's PostgreSQL backend, with a client-side bound on every wait for the server.

libpq waits for an answer for as long as the socket stays open. TCP keepalives and tcp_user_timeout (set in
settings) notice a server that is gone, but not one that is there and silent: a stuck server, or a proxy or pooler
in front of it that still acknowledges every packet. So each wait goes through psycopg2's wait callback: opening a
connection may take the connection's connect_timeout, each statement DATABASE_ANSWER_TIMEOUT (a second past the
server's own statement_timeout, which cancels a slow statement more gently). Past that psycopg2 closes the
connection and raises OperationalError, which the API answers as a 503 (config/api.py), and Django opens a new
connection for the next request.
"""

from __future__ import annotations

import math
import re
import select
import time
from typing import Any

import psycopg2
from django.conf import settings
from django.db.backends.postgresql.base import DatabaseWrapper as PostgreSQLDatabaseWrapper
from psycopg2 import extensions

_CONNECT_TIMEOUT = re.compile(r"\bconnect_timeout=(\d+)")
_EVENTS = {extensions.POLL_READ: select.POLLIN, extensions.POLL_WRITE: select.POLLOUT}


def _allowed_seconds(conn: Any) -> int | float:
    """How long this wait may last: 0 for no bound."""
    if conn.status == extensions.STATUS_SETUP:  # connecting (libpq ignores connect_timeout in this mode)
        found = _CONNECT_TIMEOUT.search(conn.dsn or "")
        return int(found[1]) if found else 0
    return settings.DATABASE_ANSWER_TIMEOUT


def wait_for_server(conn: Any) -> None:
    """psycopg2's wait callback: poll until libpq has what it waits for, or raise when the time allowed is over."""
    allowed = _allowed_seconds(conn)
    deadline = time.monotonic() + allowed if allowed else math.inf
    while (state := conn.poll()) != extensions.POLL_OK:
        remaining = deadline - time.monotonic()
        poller = select.poll()  # not select.select: a worker's descriptors may pass FD_SETSIZE
        poller.register(conn.fileno(), _EVENTS[state])
        if remaining <= 0 or not poller.poll(None if remaining == math.inf else math.ceil(remaining * 1000)):
            raise psycopg2.OperationalError(f"The database server did not answer within {allowed:g} s")


extensions.set_wait_callback(wait_for_server)


class DatabaseWrapper(PostgreSQLDatabaseWrapper):
    """Django's PostgreSQL backend; importing this module bounds its waits (see the module docstring).

    Django checks a kept connection's health (a `SELECT 1` round trip) before each request uses it, which was
    a twentieth of a small request's time. A connection lost while idle (the server restarted, a proxy or
    pooler closed it) is what the check is for; one that served a request less than
    DATABASE_HEALTH_CHECK_IDLE_SECONDS ago is used without it. If such a connection fails anyway, the request
    is a 503 (as for any database failure) and the connection is closed at its end.
    """

    _last_request_at: float | None = None  # when the connection last started or finished a request

    def close_if_unusable_or_obsolete(self) -> None:  # Django calls it as each request starts and finishes
        super().close_if_unusable_or_obsolete()
        now = time.monotonic()
        recent = (
            self._last_request_at is not None
            and now - self._last_request_at < settings.DATABASE_HEALTH_CHECK_IDLE_SECONDS
        )
        if self.connection is not None and recent:
            self.health_check_done = True  # Django then skips the check before the connection's next use
        self._last_request_at = now if self.connection is not None else None
