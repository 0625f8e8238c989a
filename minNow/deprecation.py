"""Retiring an API operation (docs/api-versions.md): OpenAPI marks it deprecated, and every answer it gives
carries `Deprecation` (RFC 9745: since when), `Sunset` (RFC 8594: the day it stops answering) and, when there
is one, a `Link` to its successor, so that a client's logs say what to change long before it breaks."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from ninja.decorators import decorate_view
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

View = TypeVar("View", bound=Callable[..., Any])


def deprecated(*, since: datetime, sunset: datetime, successor: str = "") -> Callable[[View], View]:
    """Put it below the router's decorator:

    @router.get("/old-things", ...)
    @deprecated(since=datetime(2027, 1, 1, tzinfo=UTC), sunset=datetime(2027, 7, 1, tzinfo=UTC),
                successor="/api/v2/things")
    def old_things(request): ...
    """
    if since.tzinfo is None or sunset.tzinfo is None or sunset <= since:
        raise ValueError("since and sunset must be aware datetimes, sunset after since")
    headers = {"Deprecation": f"@{int(since.timestamp())}", "Sunset": http_date(sunset.timestamp())}

    def with_headers(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(run)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = run(request, *args, **kwargs)  # errors too: the operation turns them into answers
            for name, value in headers.items():
                response[name] = value
            if successor:
                link = f'<{successor}>; rel="successor-version"'
                response["Link"] = f"{response['Link']}, {link}" if response.has_header("Link") else link
            return response

        return wrapper

    def mark(operation: Operation) -> None:
        operation.deprecated = True

    def decorator(view: View) -> View:
        contribute_operation_callback(view, mark)
        return decorate_view(with_headers)(view)  # kept when the router is bound to the API (ninja clones it)

    return decorator
