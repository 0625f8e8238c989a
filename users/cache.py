"""A per-process copy of the user rows that requests authenticate as, keyed by Clerk id.

Every authenticated request needs its user's row, and most of a hot read's time went to fetching it. With
Redis, the rate limiter's round trip also reads the caller's user version (minNow/ratelimit.py); a copy
stored under that version serves the next requests in this process until the version moves. Every write to
a user row (a save or a deletion, through any path: the API, a webhook, the admin, a shell) drops this
process's copy at once and, once the transaction commits, bumps the version so that every other process
drops its copy too. A write that goes around the model (`QuerySet.update`) must call `user_changed` itself.
A copy is also never older than MAX_AGE_SECONDS, which bounds how long a bump that failed (Redis down)
can leave another process behind (docs/design.md, "Performance budget").
"""

from __future__ import annotations

import copy
import functools
import threading
import time
from collections import OrderedDict
from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from minNow.ratelimit import bump_user_version
from users.models import User

MAX_ENTRIES = 10_000
MAX_AGE_SECONDS = 60.0

_copies: OrderedDict[str, tuple[int, float, User]] = OrderedDict()  # clerk id -> (version, stored at, row)
_lock = threading.Lock()


def cached_user(clerk_id: str, version: int) -> User | None:
    """This process's copy of the user with `clerk_id` if it was stored under `version` less than
    MAX_AGE_SECONDS ago; a copy of the copy, so the caller may change it freely."""
    with _lock:
        entry = _copies.get(clerk_id)
        if entry is None:
            return None
        stored_version, stored_at, user = entry
        if stored_version != version or time.monotonic() - stored_at > MAX_AGE_SECONDS:
            del _copies[clerk_id]
            return None
        _copies.move_to_end(clerk_id)
    return copy.copy(user)


def remember(clerk_id: str, version: int, user: User) -> None:
    """Keep a copy of `user`, read from the database after `version` was read."""
    with _lock:
        _copies[clerk_id] = (version, time.monotonic(), copy.copy(user))
        _copies.move_to_end(clerk_id)
        while len(_copies) > MAX_ENTRIES:
            _copies.popitem(last=False)


def forget_all() -> None:
    with _lock:
        _copies.clear()


def user_changed(*clerk_ids: str | None) -> None:
    """The rows of these users changed: drop this process's copies now, and every other process's once the
    current transaction commits (at once outside one)."""
    changed = [clerk_id for clerk_id in dict.fromkeys(clerk_ids) if clerk_id]
    with _lock:
        for clerk_id in changed:
            _copies.pop(clerk_id, None)
    for clerk_id in changed:
        transaction.on_commit(functools.partial(bump_user_version, clerk_id))


def _on_user_write(sender: Any, instance: User, **kwargs: Any) -> None:
    user_changed(instance.clerk_id)


post_save.connect(_on_user_write, sender=User, dispatch_uid="users.cache.saved")
post_delete.connect(_on_user_write, sender=User, dispatch_uid="users.cache.deleted")
