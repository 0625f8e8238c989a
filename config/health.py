"""GET /healthz: the process is up and the database answers. GET /readyz: that, and Redis when configured.

Both are answered by `HealthCheckMiddleware`, second in MIDDLEWARE, before anything reads the Host header or
redirects to https: a container's health check and the proxy's active checks call an app server by its own
address (`app:8000`, `127.0.0.1:8001`), over plain HTTP, with no X-Forwarded-Proto. Those probes must see the
process's health, not a DisallowedHost 400 or PROD's redirect."""

from __future__ import annotations

import functools
import logging
import tomllib
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)
HEALTH_STATEMENT_TIMEOUT_MS = 2000


def _ping() -> None:
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return
    # A database that is up but stuck answers 503 in seconds instead of hanging the probe.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL statement_timeout = {HEALTH_STATEMENT_TIMEOUT_MS}")
        cursor.execute("SELECT 1")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        _ping()
    except DatabaseError as exc:
        logger.error("Health check: database unavailable (%s)", exc.__class__.__name__)
        return JsonResponse({"status": "error", "detail": gettext("database unavailable")}, status=503)
    return JsonResponse({"status": "ok"})


@functools.cache
def app_version() -> str:
    """The project version in pyproject.toml, read once."""
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def _redis_state() -> str:
    """Redis's state for /readyz (ok, unavailable or not configured): one PING bounded like a rate-limiter call."""
    if not settings.REDIS_URL:
        return "not configured"
    timeout = settings.RATE_LIMIT_TIMEOUT_SECONDS
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout, retry=Retry(NoBackoff(), 0)
        )
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, OSError, ValueError) as exc:
        logger.error("Readiness check: Redis unavailable (%s)", exc.__class__.__name__)
        return "unavailable"
    return "ok"


@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    try:
        _ping()
        database = "ok"
    except DatabaseError as exc:
        logger.error("Readiness check: database unavailable (%s)", exc.__class__.__name__)
        database = "unavailable"
    redis_state = _redis_state()
    ready = database == "ok" and redis_state != "unavailable"
    body = {
        "status": "ok" if ready else "unavailable",
        "database": database,
        "redis": redis_state,
        "version": app_version(),
    }
    return JsonResponse(body, status=200 if ready else 503)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answers /healthz and /readyz itself, whatever the Host and scheme (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        return probe(request) if probe else self.get_response(request)
