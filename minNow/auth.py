"""Bearer-token verification: Clerk RS256 session tokens, and HS256 dev tokens in development. Which user a
verified token belongs to is users.auth's business."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext

from minNow.schemas import storable

logger = logging.getLogger(__name__)

LEEWAY_SECONDS = 5
JWKS_REFETCH_SECONDS = 60
KEYS_LIFESPAN_SECONDS = 365 * 24 * 3600  # Clerk rotates keys by publishing a new kid, never by reusing one
DEV_TOKEN_ISSUER = "minnow-dev"
DEV_TOKEN_LIFETIME = timedelta(hours=24)


class TokenError(Exception):
    """The token cannot be trusted; the message is safe to show the caller."""


def dev_mode() -> bool:
    """Development conveniences (dev tokens, dev routes, API docs) are on."""
    return bool(settings.DEBUG) and not settings.PROD


def dev_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 404 unless development conveniences are on (API docs and dev routes)."""

    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not dev_mode():
            return JsonResponse({"detail": gettext("Not found")}, status=404)
        return view(request, *args, **kwargs)

    return guarded


# --- Signing keys ---------------------------------------------------------------------------------
class _PemKey:
    def __init__(self, pem: str) -> None:
        try:
            self._key = load_pem_public_key(pem.encode())
        except ValueError as exc:
            raise TokenError(gettext("Server token verification key is invalid")) from exc

    def get(self, kid: str | None) -> Any:
        return self._key


class _JwksKeys:
    """Clerk's JWKS through PyJWKClient, which fetches, parses and caches the set.

    The keys are kept for the life of the process. A token with an unknown `kid` refetches the set at
    most once per JWKS_REFETCH_SECONDS, whether the last fetch worked or not: PyJWKClient's own cooldown
    counts only successful fetches, so a down endpoint would be asked again for every such token.
    """

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self._client = jwt.PyJWKClient(
            url, headers=headers, timeout=settings.CLERK_TIMEOUT_SECONDS, lifespan=KEYS_LIFESPAN_SECONDS
        )
        self._fetched_at: float | None = None
        self._lock = threading.Lock()

    def get(self, kid: str | None) -> Any:
        if not kid:
            raise TokenError(gettext("Token has no key id"))
        with self._lock:
            key = self._find(kid, refresh=False)
            stale = self._fetched_at is None or time.monotonic() - self._fetched_at >= JWKS_REFETCH_SECONDS
            if key is None and stale:
                self._fetched_at = time.monotonic()
                key = self._find(kid, refresh=True)
        if key is None:
            raise TokenError(gettext("Token signed with an unknown key"))
        return key.key

    def _find(self, kid: str, *, refresh: bool) -> jwt.PyJWK | None:
        if refresh:
            try:
                keys = self._client.get_signing_keys(refresh=True)
            except jwt.PyJWKClientError as exc:
                logger.warning("Could not fetch Clerk signing keys: %s", exc.__class__.__name__)
                return None
        else:
            cache = self._client.jwk_set_cache  # None only when the client is built with caching off
            cached = cache.get() if cache is not None else None
            keys = cached.keys if cached is not None else []
        return next((key for key in keys if key.key_id == kid and key.algorithm_name == "RS256"), None)


@functools.cache
def _clerk_keys() -> _PemKey | _JwksKeys:
    """Where Clerk's public key comes from, built once per process (and again when the settings change)."""
    if settings.CLERK_JWT_KEY:
        return _PemKey(settings.CLERK_JWT_KEY)
    if settings.CLERK_JWKS_URL:
        return _JwksKeys(settings.CLERK_JWKS_URL)
    if settings.CLERK_SECRET_KEY:
        return _JwksKeys(f"{settings.CLERK_API_URL}/jwks", {"Authorization": f"Bearer {settings.CLERK_SECRET_KEY}"})
    raise TokenError(gettext("Clerk token verification is not configured"))


def _reset_caches(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith("CLERK_"):
        _clerk_keys.cache_clear()
    _verified.clear()  # what verifies may have changed (keys, issuer, parties, DEBUG for dev tokens)


setting_changed.connect(_reset_caches)


# --- Token verification ---------------------------------------------------------------------------
VERIFIED_TOKENS_KEPT = 4096
# Tokens this process verified, with their claims, until they expire: the app sends the same session token
# with every request for its lifetime (about a minute at Clerk), and checking its RS256 signature again
# cost a tenth of a small request.
_verified: OrderedDict[str, dict[str, Any]] = OrderedDict()
_verified_lock = threading.Lock()


def verify_token(token: str) -> dict[str, Any]:
    """Claims of a valid token, or TokenError. A token verified before is taken from this process's memory
    while it has not expired."""
    with _verified_lock:
        claims = _verified.get(token)
        if claims is not None:
            if time.time() < claims["exp"] + LEEWAY_SECONDS:  # as PyJWT judges expiry
                _verified.move_to_end(token)
                return claims
            del _verified[token]
    claims = _verify(token)
    if isinstance(claims.get("exp"), int | float):
        with _verified_lock:
            _verified[token] = claims
            while len(_verified) > VERIFIED_TOKENS_KEPT:
                _verified.popitem(last=False)
    return claims


def _verify(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise TokenError(gettext("Malformed token")) from None
    algorithm = header.get("alg")
    try:
        if algorithm == "RS256":
            claims = _verify_clerk_token(token, header)
        elif algorithm == "HS256" and dev_mode():
            claims = jwt.decode(
                token,
                settings.SECRET_KEY,
                algorithms=["HS256"],
                issuer=DEV_TOKEN_ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["sub", "exp", "iat", "iss"], "verify_aud": False},
            )
        else:
            raise TokenError(gettext("Unsupported token algorithm"))
    except jwt.ExpiredSignatureError:
        raise TokenError(gettext("Token has expired")) from None
    except jwt.ImmatureSignatureError:
        raise TokenError(gettext("Token is not valid yet")) from None
    except jwt.PyJWTError:
        raise TokenError(gettext("Invalid token")) from None
    subject = claims.get("sub")
    # The subject becomes the Clerk id (and the rate limiter's key): one the database cannot hold is refused.
    if not isinstance(subject, str) or not subject or len(subject) > 150 or not storable(subject):
        raise TokenError(gettext("Invalid token subject"))
    return claims


def _verify_clerk_token(token: str, header: dict[str, Any]) -> dict[str, Any]:
    key = _clerk_keys().get(header.get("kid"))
    claims = jwt.decode(
        token,
        key,
        algorithms=["RS256"],
        issuer=settings.CLERK_ISSUER or None,
        leeway=LEEWAY_SECONDS,
        options={"require": ["sub", "exp", "iat"], "verify_aud": False},
    )
    parties = settings.CLERK_AUTHORIZED_PARTIES
    if parties and claims.get("azp") not in parties:
        raise TokenError(gettext("Token issued for an unauthorized party"))
    if claims.get("sts") == "pending":
        raise TokenError(gettext("Session is pending"))
    return claims


class TokenSubject(Protocol):
    """Whom a dev token is for: a user, or anything with their Clerk id and email."""

    @property
    def clerk_id(self) -> str | None: ...

    @property
    def email(self) -> str: ...


def issue_dev_token(user: TokenSubject) -> str:
    now = timezone.now()
    payload = {
        "sub": user.clerk_id,
        "email": user.email,
        "iss": DEV_TOKEN_ISSUER,
        "iat": int(now.timestamp()),
        "exp": int((now + DEV_TOKEN_LIFETIME).timestamp()),
    }
    return jwt.encode(payload, settings.SECRET_KEY, algorithm="HS256")
