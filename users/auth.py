"""The API's authentication: the user a verified bearer token belongs to, created on first sight and kept in
step with Clerk's profile."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation.trans_real import parse_accept_lang_header
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from minNow import clerk
from minNow.auth import TokenError, verify_token
from minNow.schemas import storable
from users import cache
from users.models import User
from users.services import update_profile, user_by_clerk_id, user_for_clerk_id

logger = logging.getLogger(__name__)

PROFILE_SYNC_TTL = timedelta(hours=1)
PROFILE_SYNC_RETRY_SECONDS = 60


# --- Users from claims ----------------------------------------------------------------------------------------
def _profile_from_claims(claims: dict[str, Any]) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    for field in ("email", "first_name", "last_name"):
        value = claims.get(field)
        if isinstance(value, str):
            if not storable(value):  # a 401 like any other unusable token, not a database error
                raise TokenError(gettext("Invalid token claim %(claim)s") % {"claim": field})
            profile[field] = value[:254] if field == "email" else value[:150]
    flags = [clerk.metadata_flag(claims.get(name), "is-admin") for name in ("public_metadata", "metadata")]
    if any(flag is not None for flag in flags):
        profile["is_admin"] = any(flags)
    return profile


def user_from_claims(claims: dict[str, Any], *, version: int | None = None) -> User:
    """The user a verified token belongs to, created on first sight and refreshed from its claims. With the
    caller's user `version` (read by the rate limiter), this process's copy of the row serves when it is
    current (users/cache.py), and a row read from the database is kept for the next request."""
    subject = claims["sub"]
    profile = _profile_from_claims(claims)
    user = cache.cached_user(subject, version) if version is not None else None
    if user is None:
        user = user_by_clerk_id(subject)
        if user is not None and version is not None:
            cache.remember(subject, version, user)
    if user is None:
        user = user_for_clerk_id(subject, **profile)
    else:
        update_profile(user, profile)
    if not user.is_active:
        raise TokenError(gettext("User account is disabled"))
    if settings.CLERK_SECRET_KEY and not subject.startswith("dev_"):
        _sync_clerk_profile(user, subject)
    return user


_sync_failures: dict[int, float] = {}


def _reset_sync_failures(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CLERK_"):
        _sync_failures.clear()


setting_changed.connect(_reset_sync_failures)


def _sync_clerk_profile(user: User, clerk_id: str) -> None:
    """Refresh the profile from Clerk when it is over an hour old; never fails the request."""
    now = timezone.now()
    if user.clerk_synced_at and now - user.clerk_synced_at < PROFILE_SYNC_TTL:
        return
    failed_at = _sync_failures.get(user.pk)
    if failed_at and time.monotonic() - failed_at < PROFILE_SYNC_RETRY_SECONDS:
        return
    try:
        profile = clerk.profile_from_clerk_user(clerk.get_user(clerk_id))
    except (clerk.ClerkError, AttributeError, TypeError) as exc:
        _sync_failures[user.pk] = time.monotonic()
        logger.warning("Clerk profile sync failed for user %s: %s", user.pk, exc)
        return
    _sync_failures.pop(user.pk, None)
    update_profile(user, {**profile, "clerk_synced_at": now})


class AuthenticatedRequest(HttpRequest):
    """What a route behind ClerkAuth receives: the caller is `auth` (for the type checker; at run time it is
    the plain request that ClerkAuth gave the attribute)."""

    auth: User


# --- Ninja security class -------------------------------------------------------------------------
class ClerkAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the user is on `request.auth` and `request.user`."""

    def __call__(self, request: HttpRequest) -> User:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError(401, gettext("Authentication credentials were not provided"))
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> User:
        verified = getattr(request, "verified_token", None)  # set by the rate limiter for this token
        try:
            claims = verified[1] if verified and verified[0] == token else verify_token(token)
            user = user_from_claims(claims, version=getattr(request, "user_version", None))
        except TokenError as exc:
            raise AuthenticationError(401, str(exc)) from None
        request.user = user
        if asked_language(request) is None:  # the browser named none of ours: the person's own setting
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return user


def asked_language(request: HttpRequest) -> str | None:
    """The first of our languages that the request's Accept-Language asks for, in its order of preference."""
    for tag, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if tag == "*":
            continue
        try:
            return translation.get_supported_language_variant(tag)
        except LookupError:
            continue
    return None
