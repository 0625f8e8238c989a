"""X-Request-ID: every request gets an id, returned in the response header and put on every log line."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from config.logs import current_request_id

HEADER = "X-Request-ID"
# An id a client or proxy sends is kept only when it is a short plain token: it ends up in logs and headers.
SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def request_id_from(request: HttpRequest) -> str:
    """The caller's X-Request-ID when it is sane, else a new one."""
    given = request.headers.get(HEADER, "")
    return given if SANE_ID.fullmatch(given) else uuid.uuid4().hex


def clear_request_id(**kwargs: object) -> None:
    """Forget the id once the response is closed (sent in full, streaming included)."""
    current_request_id.set(None)


request_finished.connect(clear_request_id)


class RequestIdMiddleware:
    """First in MIDDLEWARE, so that every answer below it (JSON errors, 429s, CORS) carries the header.

    The id stays current until the response is closed (`request_finished`), not only while the middleware
    runs: Django logs an error answer ("Not Found: ...") after the middleware has returned, and a streaming
    answer is produced later still."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id  # type: ignore[attr-defined]
        current_request_id.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response
