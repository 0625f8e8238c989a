"""The one seam to Clerk's Backend API (users), over httpx with short timeouts; JWKS keys are fetched by
minNow.auth through PyJWKClient."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
from django.conf import settings

from minNow.schemas import storable


class ClerkError(Exception):
    pass


def _get(path: str, params: dict[str, Any] | None = None) -> Any:
    if not settings.CLERK_SECRET_KEY:
        raise ClerkError("CLERK_SECRET_KEY is not set")
    url = f"{settings.CLERK_API_URL}{path}"
    try:
        response = httpx.get(
            url,
            params=params,
            headers={"Authorization": f"Bearer {settings.CLERK_SECRET_KEY}"},
            timeout=settings.CLERK_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as exc:
        raise ClerkError(f"Clerk request {path} failed: {exc.__class__.__name__}") from exc
    if response.status_code != 200:
        raise ClerkError(f"Clerk request {path} answered {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise ClerkError(f"Clerk request {path} returned invalid JSON") from exc


def get_user(clerk_id: str) -> dict[str, Any]:
    return _get(f"/users/{clerk_id}")


def iter_users(page_size: int = 100) -> Iterator[list[dict[str, Any]]]:
    """Every Clerk user, a page at a time (oldest first, so new sign-ups do not shift the pages)."""
    offset = 0
    while True:
        page = _get("/users", params={"limit": page_size, "offset": offset, "order_by": "+created_at"})
        if not isinstance(page, list):
            raise ClerkError("Clerk /users did not return a list")
        if page:
            yield page
        if len(page) < page_size:
            return
        offset += page_size


EMAIL_MAX_LENGTH = 254  # the local user's email column


def primary_email(clerk_user: dict[str, Any]) -> str:
    """The user object's primary email address (else its first), cut to what the email column holds."""
    addresses = clerk_user.get("email_addresses") or []
    primary_id = clerk_user.get("primary_email_address_id")
    chosen = next((address for address in addresses if address.get("id") == primary_id), None)
    if chosen is None and addresses:
        chosen = addresses[0]
    return ((chosen or {}).get("email_address") or "")[:EMAIL_MAX_LENGTH]


def metadata_flag(metadata: Any, key: str) -> bool | None:
    """A boolean flag from a Clerk metadata object (or its JSON string); None when absent."""
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None
    if not isinstance(metadata, dict) or key not in metadata:
        return None
    return metadata[key] is True


def profile_from_clerk_user(clerk_user: dict[str, Any]) -> dict[str, Any]:
    """User model fields held by a Clerk Backend API user object; ClerkError when one cannot be stored (a NUL
    or a lone surrogate), so that a profile sync skips it like any other failed call."""
    profile: dict[str, Any] = {
        "email": primary_email(clerk_user),
        "first_name": (clerk_user.get("first_name") or "")[:150],
        "last_name": (clerk_user.get("last_name") or "")[:150],
        "is_admin": metadata_flag(clerk_user.get("public_metadata"), "is-admin") is True,
    }
    notifications = metadata_flag(clerk_user.get("unsafe_metadata"), "emailNotifications")
    if notifications is not None:
        profile["email_notifications"] = notifications
    unstorable = [field for field, value in profile.items() if isinstance(value, str) and not storable(value)]
    if unstorable:
        raise ClerkError(f"Clerk user field(s) {', '.join(unstorable)} cannot be stored")
    return profile
