"""The caller's account: checking the bearer token (plus a CSRF token), the person's settings (language,
time zone, reminder emails) and deleting the account."""

from __future__ import annotations

from typing import cast

from django.middleware.csrf import get_token
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from minNow.errors import BadRequest, responses
from users.auth import AuthenticatedRequest
from users.models import User
from users.schemas import LanguageCode, TimeZoneName
from users.services import delete_user, update_profile


class MeOut(Schema):
    userId: str = Field(description="The Clerk user id")
    username: str
    email: str
    first_name: str
    last_name: str
    email_notifications: bool = Field(description="Whether checkup reminder emails are sent")
    language: LanguageCode = Field(description="The language of messages, type labels, badges and emails")
    time_zone: str = Field(description="IANA time zone name: what today, dates in prompts and reminders follow")


class MeIn(Schema):
    """Any of the settings; a field left out keeps its value."""

    language: LanguageCode | None = None
    time_zone: TimeZoneName | None = None
    email_notifications: bool | None = None


def me_out(user: User) -> MeOut:
    return MeOut(
        userId=user.clerk_id or "",
        username=user.username,
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        email_notifications=user.email_notifications,
        language=cast(LanguageCode, user.language),
        time_zone=user.time_zone,
    )


router = Router(tags=["Authentication"])


class ClerkJwtOut(Schema):
    userId: str
    username: str
    email: str
    csrf_token: str


@router.get("/clerk-jwt", response=responses({200: ClerkJwtOut}), summary="Verify the bearer token")
def clerk_jwt(request: AuthenticatedRequest) -> ClerkJwtOut:
    user = request.auth
    return ClerkJwtOut(
        userId=user.clerk_id or "", username=user.username, email=user.email, csrf_token=get_token(request)
    )


@router.get("/me", response=responses({200: MeOut}), summary="My profile and settings", tags=["Account"])
def get_me(request: AuthenticatedRequest) -> MeOut:
    return me_out(request.auth)


@router.put(
    "/me",
    response=responses({200: MeOut}, 400),
    summary="Change my settings",
    tags=["Account"],
    description=(
        "Sets any of `language` (en, es, de, fr), `time_zone` (an IANA name such as `Europe/Berlin`) and "
        "`email_notifications`; a field left out keeps its value, and `null` is refused. Names and email come "
        "from Clerk and are not set here."
    ),
)
def put_me(request: AuthenticatedRequest, payload: MeIn) -> MeOut:
    changes = payload.model_dump(exclude_unset=True)
    if None in changes.values():
        nulls = ", ".join(sorted(field for field, value in changes.items() if value is None))
        raise BadRequest(gettext("%(fields)s: may be left out but not null") % {"fields": nulls})
    update_profile(request.auth, changes)
    return me_out(request.auth)


@router.delete(
    "/me",
    response=responses({204: None}),
    summary="Delete my account",
    tags=["Account"],
    description=(
        "Deletes the caller's items, locations, checkups and user in one transaction. It does not delete the "
        "Clerk account: the app deletes that next. Until it does, the same Clerk token still verifies, and "
        "its next request creates a new, empty user (as on first sign-in); Clerk's `user.deleted` webhook "
        "then removes that one too."
    ),
)
def delete_me(request: AuthenticatedRequest) -> Status:
    delete_user(request.auth)
    return Status(204, None)
