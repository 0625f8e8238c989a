"""Development-only routes: get a dev token for an email, list the caller's items."""

from __future__ import annotations

from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import AfterValidator

from items.models import ItemStatus, ItemType
from items.schemas import ItemOut
from items.selectors import item_page, items_for_user
from minNow.auth import dev_only, issue_dev_token
from minNow.errors import responses
from minNow.schemas import Text
from users.auth import AuthenticatedRequest
from users.services import dev_user_for_email

router = Router(tags=["Development"])


router.add_decorator(dev_only, mode="view")  # before authentication and validation


def _email(value: str) -> str:
    """Lower-cased first, so the length and shape checks apply to what is stored."""
    value = value.lower()
    try:
        if len(value) > 254:  # lower-casing can lengthen a name ("İ" is two characters in lower case)
            raise ValidationError("too long")
        validate_email(value)
    except ValidationError:
        raise ValueError("must be an email address") from None
    return value


class DevLoginIn(Schema):
    email: Annotated[str, Text(max_length=254), AfterValidator(_email)]


class DevLoginOut(Schema):
    jwt_token: str
    user_id: str
    email: str
    message: str


@router.post(
    "/auth/clerk-login",
    auth=None,
    response=responses({200: DevLoginOut}, 400, 404, authenticated=False),
    summary="Get a development token for an email",
)
def clerk_login(request: HttpRequest, payload: DevLoginIn) -> DevLoginOut:
    user = dev_user_for_email(payload.email)
    return DevLoginOut(
        jwt_token=issue_dev_token(user),
        user_id=user.clerk_id or "",
        email=user.email,
        message="Use this JWT token in Swagger Authorize button",
    )


class DevItemFilters(Schema):
    status: ItemStatus | None = None
    item_type: ItemType | None = None


@router.get(
    "/auth/items",
    response=responses({200: list[ItemOut]}, 400, 404),
    summary="The caller's items",
)
def dev_items(request: AuthenticatedRequest, filters: Query[DevItemFilters]):
    items = items_for_user(request.auth, status=filters.status, item_type=filters.item_type)
    return item_page(items, limit=None, offset=0)[0]
