"""GET /healthz: the process is up and the database answers."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

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
