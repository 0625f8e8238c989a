"""Domain errors raised by services and mapped to HTTP responses in one place (minNow.api)."""

from __future__ import annotations

from typing import Any

from ninja import Schema


class DomainError(Exception):
    """An error the caller can act on; `status_code` is the HTTP status it maps to."""

    status_code = 400
    default_detail = "Bad request"

    def __init__(self, detail: Any = None) -> None:
        self.detail = self.default_detail if detail is None else detail
        super().__init__(str(self.detail))


class BadRequest(DomainError):
    status_code = 400


class NotFound(DomainError):
    status_code = 404
    default_detail = "Not found"


class UpstreamError(DomainError):
    status_code = 502
    default_detail = "An upstream provider failed"


class RateLimited(DomainError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(f"Rate limit exceeded. Try again in {self.retry_after} seconds.")


class ErrorOut(Schema):
    detail: str | list[dict[str, Any]]


def responses(success: dict[int, Any], *errors: int, authenticated: bool = True) -> dict[int, Any]:
    """The `response=` mapping of an operation: its success schema plus every error it can return.

    Every API route can be rate limited (429); authenticated ones can also answer 401.
    """
    codes = {*errors, 429} | ({401} if authenticated else set())
    return {**success, **{code: ErrorOut for code in sorted(codes)}}
