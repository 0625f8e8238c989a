"""The caller's account: checking the bearer token (plus a CSRF token) and deleting the account."""

from __future__ import annotations

from django.middleware.csrf import get_token
from ninja import Router, Schema, Status

from minNow.errors import responses
from users.auth import AuthenticatedRequest
from users.services import delete_user

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
