"""Fixed-window rate limiting for /api/: Upstash, Redis or in-process backends behind one `hit()`.

With Redis, the round trip that counts a signed-in caller's request also reads their user version, a
counter that every change to their user row increases (`bump_user_version`), so that a process may keep
the row in memory and still notice a change made by another (users/cache.py).
"""

from __future__ import annotations

import functools
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

import httpx
import redis
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, JsonResponse
from redis.backoff import NoBackoff
from redis.retry import Retry
from upstash_ratelimit import FixedWindow, Ratelimit
from upstash_redis import Redis as UpstashRedis

from minNow.auth import TokenError, verify_token
from minNow.errors import RateLimited

logger = logging.getLogger(__name__)

BREAKER_OPEN_SECONDS = 30  # after a failure the backend is skipped this long, so an outage costs one slow call
KEY_PREFIX = "minnow:rl"
VERSION_PREFIX = "minnow:user-version"
VERSION_TTL_SECONDS = 7 * 24 * 3600  # far longer than a process keeps a user row (users/cache.py)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int  # seconds until the window resets
    version: int | None = None  # the caller's user version, when the backend read it in the same round trip


class Backend(Protocol):
    name: str

    def hit(self, key: str, limit: int, window: int, *, version_of: str | None = None) -> Decision: ...


def _window(window: int) -> tuple[int, int]:
    """The current window's index and the whole seconds left in it."""
    now = time.time()
    index = int(now // window)
    return index, max(1, math.ceil((index + 1) * window - now))


def _decision(count: int, limit: int, reset: int) -> Decision:
    return Decision(allowed=count <= limit, limit=limit, remaining=max(limit - count, 0), reset=reset)


class MemoryBackend:
    """Per-process counters: for local development and tests only."""

    name = "memory"

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: int, *, version_of: str | None = None) -> Decision:
        index, reset = _window(window)
        with self._lock:
            if len(self._counts) > 10_000:
                self._counts = {k: v for k, v in self._counts.items() if k[2] >= index}
            count = self._counts.get((key, window, index), 0) + 1
            self._counts[(key, window, index)] = count
        return _decision(count, limit, reset)


class RedisBackend:
    """INCR + PEXPIRE in one Lua call, so every process sharing the Redis shares the count; the same call
    reads the caller's user version when asked (a second key)."""

    name = "redis"
    SCRIPT = """
local count = redis.call("INCR", KEYS[1])
if count == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[1]) end
if KEYS[2] then return {count, tonumber(redis.call("GET", KEYS[2]) or "0")} end
return {count}
"""
    BUMP = """
local version = redis.call("INCR", KEYS[1])
redis.call("EXPIRE", KEYS[1], ARGV[1])
return version
"""

    def __init__(self, url: str) -> None:
        client = redis.Redis.from_url(
            url,
            socket_timeout=settings.RATE_LIMIT_TIMEOUT_SECONDS,
            socket_connect_timeout=settings.RATE_LIMIT_TIMEOUT_SECONDS,
            retry=Retry(NoBackoff(), 0),
        )
        self._increment = client.register_script(self.SCRIPT)
        self._bump = client.register_script(self.BUMP)

    def hit(self, key: str, limit: int, window: int, *, version_of: str | None = None) -> Decision:
        index, reset = _window(window)
        keys = [f"{KEY_PREFIX}:{key}:{window}:{index}"]
        if version_of is not None:
            keys.append(f"{VERSION_PREFIX}:{version_of}")
        count, *version = self._increment(keys=keys, args=[window * 1000])
        decision = _decision(int(count), limit, reset)
        return replace(decision, version=int(version[0])) if version else decision

    def bump_version(self, subject: str) -> None:
        self._bump(keys=[f"{VERSION_PREFIX}:{subject}"], args=[VERSION_TTL_SECONDS])


class UpstashBackend:
    """upstash-ratelimit's FixedWindow over the Upstash REST API, one call bounded to a second."""

    name = "upstash"

    def __init__(self, url: str, token: str) -> None:
        self._redis = UpstashRedis(url=url, token=token, rest_retries=0, allow_telemetry=False)
        # upstash-redis 1.8.0 accepts no timeout and its httpx client has none, so the private client's is set here.
        self._redis._http._client.timeout = httpx.Timeout(settings.RATE_LIMIT_TIMEOUT_SECONDS)
        self._limiters: dict[tuple[int, int], Ratelimit] = {}

    def hit(self, key: str, limit: int, window: int, *, version_of: str | None = None) -> Decision:
        limiter = self._limiters.get((limit, window))
        if limiter is None:
            limiter = Ratelimit(
                redis=self._redis, limiter=FixedWindow(max_requests=limit, window=window), prefix=KEY_PREFIX
            )
            self._limiters[(limit, window)] = limiter
        response = limiter.limit(key)
        reset = max(1, math.ceil(response.reset - time.time()))
        return Decision(response.allowed, response.limit, max(response.remaining, 0), reset)


_skip_backend_until = 0.0  # the circuit breaker: time.monotonic() before which the backend is not asked


@functools.cache
def backend() -> Backend:
    """The configured store, built once per process (and again when the settings change)."""
    if settings.UPSTASH_REDIS_REST_URL and settings.UPSTASH_REDIS_REST_TOKEN:
        return UpstashBackend(settings.UPSTASH_REDIS_REST_URL, settings.UPSTASH_REDIS_REST_TOKEN)
    if settings.REDIS_URL:
        return RedisBackend(settings.REDIS_URL)
    logger.warning("Rate limits are kept in process memory: set REDIS_URL or Upstash for several workers")
    return MemoryBackend()


def reset_backend(**kwargs: Any) -> None:
    """Forget the backend (and, for the memory backend, every count) and close the breaker; used when
    settings change."""
    global _skip_backend_until
    backend.cache_clear()
    _skip_backend_until = 0.0


setting_changed.connect(reset_backend)


def hit(
    key: str, *, limit: int | None = None, window: int | None = None, version_of: str | None = None
) -> Decision | None:
    """Count one request for `key` (and read the user version of the Clerk id `version_of`, where the backend
    can in the same round trip); None when the backend failed or is being skipped after a failure (the
    request is let through)."""
    global _skip_backend_until
    limit = limit or settings.RATE_LIMIT_REQUESTS
    window = window or settings.RATE_LIMIT_WINDOW_SECONDS
    if time.monotonic() < _skip_backend_until:
        return None
    try:
        current = backend()
        return current.hit(key, limit, window, version_of=version_of)
    except Exception as exc:  # fail open: a limiter outage must not take the API down
        _skip_backend_until = time.monotonic() + BREAKER_OPEN_SECONDS
        logger.warning(
            "Rate limiter unavailable (%s): requests are let through unlimited for the next %d s",
            exc.__class__.__name__,
            BREAKER_OPEN_SECONDS,
        )
        return None


def bump_user_version(subject: str) -> None:
    """Increase the user version of the Clerk id `subject`, so that every process drops its copy of that
    user's row. Only Redis keeps versions (no process keeps a copy otherwise). While the backend is being
    skipped, or when this call fails, nothing is bumped: the copies then expire on their own within a minute."""
    current = backend()
    bump = getattr(current, "bump_version", None)
    if bump is None or time.monotonic() < _skip_backend_until:
        return
    try:
        bump(subject)
    except Exception as exc:  # a user write must not fail because Redis did
        logger.warning("Could not bump the user version of %s (%s)", subject, exc.__class__.__name__)


def enforce(key: str, *, limit: int, window: int) -> None:
    """Raise RateLimited when `key` is over `limit` per `window` seconds (for per-action caps)."""
    decision = hit(key, limit=limit, window=window)
    if decision is not None and not decision.allowed:
        raise RateLimited(decision.reset)


def person_key(user: Any) -> str:
    """The key of a person's own caps (Min Search questions, test emails): their Clerk user id, the token's
    `sub`, which outlives the local user row, so deleting the account (DELETE /api/me) and coming back with
    the same token does not reset them. Only a user without one (made in the admin) is keyed by its row."""
    return f"user:{user.clerk_id}" if user.clerk_id else f"user-pk:{user.pk}"


def _is_proxy_address(address: str) -> bool:
    """A proxy in front of us connects from loopback or a private network, never from the internet."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return parsed.is_loopback or parsed.is_private


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or the address the nearest trusted proxy saw: a forged header never picks the key.

    X-Forwarded-For is read only when the connection itself comes from a proxy address, so a client that
    reaches the server directly (bypassing the proxy) is keyed by its own address whatever it sends.
    """
    remote = request.META.get("REMOTE_ADDR", "unknown")
    proxies = settings.TRUSTED_PROXY_COUNT
    if not proxies or not _is_proxy_address(remote):
        return remote
    forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
    return forwarded[-proxies] if len(forwarded) >= proxies else remote


def verified_subject(request: HttpRequest) -> str | None:
    """The Clerk user id of the caller's bearer token when it verifies (no database work), else None. The
    verified token is kept on the request for ClerkAuth, which does not verify it again."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        try:
            claims = verify_token(token.strip())
        except TokenError:
            return None
        request.verified_token = (token.strip(), claims)  # type: ignore[attr-defined]  # read by ClerkAuth
        return str(claims["sub"])
    return None


class RateLimitMiddleware:
    """Applies the limit to every /api/ request before authentication and the view run."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        subject = verified_subject(request)
        key = f"user:{subject}" if subject else f"ip:{client_ip(request)}"
        decision = hit(key, version_of=subject)
        if decision is not None and decision.version is not None:
            request.user_version = decision.version  # type: ignore[attr-defined]  # read by ClerkAuth
        if decision is not None and not decision.allowed:
            limited = RateLimited(decision.reset)
            response: HttpResponse = JsonResponse({"detail": limited.detail}, status=429)
            response["Retry-After"] = str(limited.retry_after)
        else:
            response = self.get_response(request)
        if decision is not None:
            response["X-RateLimit-Limit"] = str(decision.limit)
            response["X-RateLimit-Remaining"] = str(decision.remaining)
            response["X-RateLimit-Reset"] = str(decision.reset)
        return response
