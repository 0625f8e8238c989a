"""Clerk's webhooks: users created, updated and deleted in Clerk reach this API at once.

Clerk sends them through Svix, which signs each delivery (`svix-id`, `svix-timestamp`, `svix-signature`:
an HMAC-SHA256 of "id.timestamp.body" keyed with CLERK_WEBHOOK_SECRET). The raw body is verified before
anything reads it; a bad signature, or a timestamp more than five minutes off, is a 401 and changes
nothing. Svix keeps a message's id across retries and resends, so each id is applied once: it is stored in
the same transaction as the effect, and the unique constraint turns a second delivery, even one arriving at
the same moment, into a no-op. The route needs no bearer token; the rate limiter still limits it by IP.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

import pydantic
from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.errors import HttpError, ValidationError

from minNow.errors import NotFound, responses
from minNow.schemas import StorableText, storable
from users import services
from users.models import WebhookDelivery

if TYPE_CHECKING:  # the Svix SDK loads on the first webhook, not at start-up
    from svix.webhooks import Webhook

logger = logging.getLogger(__name__)

router = Router(tags=["Webhooks"])

MAX_SVIX_ID_LENGTH: int = WebhookDelivery._meta.get_field("svix_id").max_length or 0
INVALID_SIGNATURE = "Invalid webhook signature"


# --- Schemas --------------------------------------------------------------------------------------
class ClerkEventIn(Schema):
    """A Clerk webhook event. `data` is a Clerk user object for `user.created` and `user.updated`, and
    `{"id", "object": "user", "deleted": true}` for `user.deleted`; other types are acknowledged and ignored."""

    type: StorableText
    object: str = "event"
    data: Any = Field(None, description="The event's object; for user events a Clerk user object")


class ClerkEmailAddress(Schema):
    id: str
    email_address: StorableText


class ClerkUser(Schema):
    """The fields of a Clerk user object that the local user keeps; those stored must be storable (no NUL, no
    lone surrogate), so that such a payload is a 400 naming the field rather than a database error."""

    id: StorableText = Field(min_length=1, max_length=150)
    email_addresses: list[ClerkEmailAddress] = []
    primary_email_address_id: str | None = None
    first_name: StorableText | None = None
    last_name: StorableText | None = None
    public_metadata: dict[str, Any] | str | None = None
    unsafe_metadata: dict[str, Any] | str | None = None


class ClerkDeletedUser(Schema):
    id: StorableText = Field(min_length=1, max_length=150)


class WebhookReceivedOut(Schema):
    received: bool = True
    type: str
    result: Literal["applied", "duplicate", "ignored"]
    note: str


SchemaT = TypeVar("SchemaT", bound=Schema)


def _parse(schema: type[SchemaT], value: Any, *prefix: str) -> SchemaT:
    """`value` validated by `schema`, or the API's usual 400 naming each wrong field (`data.id`)."""
    try:
        return schema.model_validate(value)
    except pydantic.ValidationError as exc:
        errors = [{**error, "loc": (*prefix, *error["loc"])} for error in exc.errors(include_url=False)]
        raise ValidationError(errors) from None


# --- Handlers -------------------------------------------------------------------------------------
def _user_created(data: dict[str, Any]) -> str:
    services.create_user_from_clerk(_parse(ClerkUser, data, "data").model_dump())
    return "User created"


def _user_updated(data: dict[str, Any]) -> str:
    if services.update_user_from_clerk(_parse(ClerkUser, data, "data").model_dump()) is None:
        return "No such user; it is created when it first signs in"
    return "User updated"


def _user_deleted(data: dict[str, Any]) -> str:
    if services.delete_user_by_clerk_id(_parse(ClerkDeletedUser, data, "data").id):
        return "User deleted"
    return "No such user"


HANDLERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "user.created": _user_created,
    "user.updated": _user_updated,
    "user.deleted": _user_deleted,
}


# --- Verification ---------------------------------------------------------------------------------
@functools.cache
def _verifier(secret: str) -> Webhook:
    from svix.webhooks import Webhook

    return Webhook(secret)


def _verify(request: HttpRequest) -> str:
    """The verified svix-id of the request; HttpError 401 when the signature or timestamp is wrong."""
    from svix.webhooks import WebhookVerificationError

    try:
        verifier = _verifier(settings.CLERK_WEBHOOK_SECRET)
    except Exception as exc:  # a secret that is not base64, or empty after "whsec_"
        logger.error("CLERK_WEBHOOK_SECRET cannot be used: %s", exc.__class__.__name__)
        raise HttpError(503, "Webhook verification is misconfigured") from None
    headers = {name: request.headers.get(name, "") for name in ("svix-id", "svix-timestamp", "svix-signature")}
    try:
        verifier.verify(request.body, headers)
    # The library also raises ValueError for a signature without "v1," or not base64, and for a body that
    # is not UTF-8: none of them is a valid signature.
    except (WebhookVerificationError, ValueError):
        raise HttpError(401, INVALID_SIGNATURE) from None
    return headers["svix-id"]


# --- Route ----------------------------------------------------------------------------------------
REQUEST_BODY = {
    "required": True,
    "content": {"application/json": {"schema": ClerkEventIn.model_json_schema()}},
}


@router.post(
    "/webhooks/clerk",
    auth=None,
    response=responses({200: WebhookReceivedOut}, 400, 401, 404, 413, 503, authenticated=False),
    summary="Receive a Clerk webhook",
    description=(
        "Called by Clerk (through Svix), not by the app. The `svix-id`, `svix-timestamp` and `svix-signature` "
        "headers must sign the raw body with CLERK_WEBHOOK_SECRET and the timestamp must be within five "
        "minutes (else 401, nothing changes). `user.created` creates the user with its checkups, `user.updated` "
        "refreshes email, names and the admin flag, `user.deleted` deletes the user and everything theirs. "
        "A message id already applied is answered 200 with `result: duplicate`; other event types are "
        "acknowledged and ignored. 404 when webhooks are not configured."
    ),
    openapi_extra={"requestBody": REQUEST_BODY},
)
def clerk_webhook(request: HttpRequest) -> WebhookReceivedOut:
    if not settings.CLERK_WEBHOOK_SECRET:
        raise NotFound()
    svix_id = _verify(request)
    try:
        body = json.loads(request.body)
    except ValueError:
        raise HttpError(400, "The body is not valid JSON") from None
    except RecursionError:  # the parser's own guard against arrays or objects nested thousands deep
        raise HttpError(400, "The body is nested too deeply") from None
    if not isinstance(body, dict):
        raise HttpError(400, "The body is not a JSON object")
    event = _parse(ClerkEventIn, body)
    handler = HANDLERS.get(event.type)
    if handler is None:
        return WebhookReceivedOut(type=event.type, result="ignored", note="Event type not handled")
    if len(svix_id) > MAX_SVIX_ID_LENGTH:
        raise HttpError(400, f"svix-id is longer than {MAX_SVIX_ID_LENGTH} characters")
    if not storable(svix_id):
        raise HttpError(400, "svix-id must not contain NUL characters")
    note = services.apply_delivery_once(svix_id, event.type, lambda: handler(event.data))
    if note is None:
        return WebhookReceivedOut(type=event.type, result="duplicate", note="Already received; nothing changed")
    logger.info("Clerk webhook %s %s: %s", event.type, svix_id, note)
    return WebhookReceivedOut(type=event.type, result="applied", note=note)
