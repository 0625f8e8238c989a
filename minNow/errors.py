"""Domain errors raised by services and mapped to HTTP responses in one place (config.api)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext
from ninja import Schema


class DomainError(Exception):
    """An error the caller can act on; `status_code` is the HTTP status it maps to. `extra` holds fields answered
    beside `detail` (a rejected import's `errors`, a failed batch's `results`)."""

    status_code = 400
    default_detail: str | Promise = gettext_lazy("Bad request")

    def __init__(self, detail: str | None = None, *, extra: dict[str, Any] | None = None) -> None:
        # Raised during a request, so the lazy default is read in the request's active language.
        self.detail = str(self.default_detail) if detail is None else detail
        self.extra = extra or {}
        super().__init__(self.detail)


class BadRequest(DomainError):
    status_code = 400


class NotFound(DomainError):
    status_code = 404
    default_detail = gettext_lazy("Not found")


class UpstreamError(DomainError):
    status_code = 502
    default_detail = gettext_lazy("An upstream provider failed")


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(
            ngettext(
                "Rate limit exceeded. Try again in %(seconds)d seconds.",
                "Rate limit exceeded. Try again in %(seconds)d seconds.",
                self.retry_after,
            )
            % {"seconds": self.retry_after}
        )


class FieldErrorOut(Schema):
    loc: list[str]
    msg: str
    type: str


class ErrorOut(Schema):
    detail: str
    errors: list[FieldErrorOut] | None = None


# Where ninja says a value came from, and the view parameter it was bound to; neither is a field the caller sent.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def field_name(loc: list[str]) -> str:
    """The field a validation error is about, as the caller wrote it: `["body", "payload", "prompts", "0"]`
    is `prompts.0`; an error about the whole body is `body`."""
    parts = list(loc)
    source = parts.pop(0) if parts and parts[0] in _SOURCES else None
    if source in {"body", "form"} and len(parts) > 1:
        parts.pop(0)  # the view's payload parameter
    elif source in {"body", "form"}:
        return source
    return ".".join(parts) or "request"


def responses(success: dict[int, Any], *errors: int, authenticated: bool = True) -> dict[int, Any]:
    """The `response=` mapping of an operation: its success schema plus every error it can return.

    Every API route can be rate limited (429); authenticated ones can also answer 401.
    """
    codes = {*errors, 429} | ({401} if authenticated else set())
    return {**success, **{code: ErrorOut for code in sorted(codes)}}


def body_too_large() -> str:
    """The 413 message, in the active language."""
    return gettext("Request body too large (at most %(megabytes)s MB)") % {
        "megabytes": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1_048_576:g}"
    }


DATABASE_UNAVAILABLE = gettext_lazy("The database is unavailable; try again shortly")


class JsonApiErrorsMiddleware:
    """Under /api/, the error pages Django answers itself become `{"detail": ...}`: an unknown URL (404), a
    wrong method (405), a bad Host header (400), an oversized body read outside a view (413). It sits near the
    top of MIDDLEWARE (below the request id only) so that it also sees the answers of the middleware below it;
    the headers they set (CORS, rate limits, Allow, X-Request-ID) are kept."""

    MESSAGES: dict[int, Callable[[], str]] = {
        400: lambda: gettext("Bad request"),
        404: lambda: gettext("Not found"),
        405: lambda: gettext("Method not allowed"),
        413: body_too_large,
        500: lambda: gettext("Internal server error"),
    }
    KEPT_HEADERS_EXCEPT = {"content-type", "content-length"}

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        message = self.MESSAGES.get(response.status_code)
        if message and request.path.startswith("/api/") and "json" not in response.get("Content-Type", ""):
            replacement = JsonResponse({"detail": message()}, status=response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in self.KEPT_HEADERS_EXCEPT:
                    replacement[name] = value
            return replacement
        return response
