"""The one NinjaAPI instance, served at /api/v1/ and /api/ (config/urls.py), its routers and its error handlers."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from agent.api import router as agent_router
from config.dev import router as dev_router
from items.api import checkups_router
from items.api import router as items_router
from locations.api import router as locations_router
from minNow.auth import dev_only
from minNow.errors import DATABASE_UNAVAILABLE, DomainError, RateLimited, body_too_large, field_name
from minNow.rendering import OrjsonRenderer
from portability.api import router as portability_router
from search.api import items_search_router
from search.api import router as search_router
from users.api import router as users_router
from users.auth import ClerkAuth
from users.webhooks import router as webhooks_router

logger = logging.getLogger(__name__)


VERSIONED_PREFIX = "/api/v1/"


def camel_case(name: str) -> str:
    """`list_items` -> `listItems`."""
    first, *rest = name.split("_")
    return first + "".join(word.capitalize() for word in rest)


class MinNowAPI(NinjaAPI):
    """The schema documents the versioned paths (what new clients code against) and names each operation after its
    view function in camelCase (`listItems`), the method name a generated client gets (docs/api-versions.md)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        return super().get_openapi_schema(path_prefix=path_prefix or VERSIONED_PREFIX, path_params=path_params)

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return camel_case(operation.view_func.__name__)


api = MinNowAPI(
    title="MinNow API",
    version="1.0.0",
    description="Own less, keep what you own longer. Authorize with a Clerk session token "
    "(or, in development, a token from POST /api/dev/auth/clerk-login). Every path is served under /api/v1/ "
    "(documented here) and, for the web app, under /api/ with the same answers.",
    auth=ClerkAuth(),
    docs_decorator=dev_only,
    urls_namespace="api",
    renderer=OrjsonRenderer(),
)


def _error(request: HttpRequest, detail: Any, status: int) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(request, {"detail": exc.detail, **exc.extra}, status=exc.status_code)
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after)
    return response


def _validation_message(error: dict[str, Any]) -> str:
    """An error's message; our validators' own (translated) sentence without pydantic's English "Value error, "."""
    message = str(error.get("msg", ""))
    if error.get("type") == "value_error":
        return message.removeprefix("Value error, ")
    return message


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {
            "loc": [str(part) for part in error.get("loc", ())],
            "msg": _validation_message(error),
            "type": error.get("type", ""),
        }
        for error in exc.errors
    ]
    detail = "; ".join(
        gettext("%(field)s: %(problem)s") % {"field": field_name(error["loc"]), "problem": error["msg"]}
        for error in errors
    )
    detail = detail or gettext("Invalid request")
    return api.create_response(request, {"detail": detail, "errors": errors}, status=400)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = _error(request, exc.message, 401)
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.message, exc.status_code)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, gettext("Not found"), 404)


@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, body_too_large(), 413)


# PostgreSQL's "deadlock detected" and "could not serialize": a write lost a race and can simply be retried.
LOST_RACE_CODES = {"40P01", "40001"}


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    if getattr(exc.__cause__, "pgcode", None) in LOST_RACE_CODES:
        return _error(request, gettext("Another change to the same data happened at the same time; try again"), 409)
    logger.error("Database unavailable on %s %s: %s", request.method, request.path, exc.__class__.__name__)
    return _error(request, str(DATABASE_UNAVAILABLE), 503)


# SQLite reports a database file that is damaged or not a database at all as a plain DatabaseError, which Django
# does not map to OperationalError: like a server that cannot be reached, it is an outage, not a bug.
UNUSABLE_DATABASE_FILE = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}


@api.exception_handler(DatabaseError)
def on_database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """A damaged SQLite file is a 503; every other DatabaseError (IntegrityError, DataError, ...) is a bug."""
    if getattr(exc.__cause__, "sqlite_errorname", None) in UNUSABLE_DATABASE_FILE:
        return on_database_unavailable(request, exc)
    return on_unexpected_error(request, exc)


@api.exception_handler(Exception)
def on_unexpected_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    return _error(request, gettext("Internal server error"), 500)


api.add_router("", users_router)
api.add_router("", items_search_router)  # before items_router: see search/api.py
api.add_router("", items_router)
api.add_router("", checkups_router)
api.add_router("", locations_router)
api.add_router("", agent_router)
api.add_router("", search_router)
api.add_router("", portability_router)
api.add_router("", webhooks_router)
api.add_router("/dev", dev_router)
