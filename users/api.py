"""Authentication check endpoint: who the token belongs to, plus a CSRF token."""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router, Schema

from minNow.errors import responses

router = Router(tags=["Authentication"])


class ClerkJwtOut(Schema):
    userId: str
    username: str
    email: str
    csrf_token: str


@router.get("/clerk-jwt", response=responses({200: ClerkJwtOut}), summary="Verify the bearer token")
def clerk_jwt(request: HttpRequest) -> ClerkJwtOut:
    user = request.auth
    return ClerkJwtOut(userId=user.clerk_id, username=user.username, email=user.email, csrf_token=get_token(request))
