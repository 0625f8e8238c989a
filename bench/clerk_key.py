"""A throwaway RS256 key standing in for Clerk's, so the bench measures production-mode requests.

`configure()` must run before Django is set up: it puts the public key in CLERK_JWT_KEY and turns DEBUG
off (production's setting: no query log, no debug cursor), for this process and the servers it starts.
"""

from __future__ import annotations

import os
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
TOKEN_LIFETIME_SECONDS = 3600


def configure() -> None:
    public = _KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    os.environ.update(CLERK_JWT_KEY=public.decode(), CLERK_ISSUER="", CLERK_AUTHORIZED_PARTIES="", DEBUG="False")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-deployment-0123456789")


def token_for(clerk_id: str) -> str:
    """A session token for `clerk_id` as Clerk would sign it (RS256, one hour)."""
    now = int(time.time())
    claims = {"sub": clerk_id, "iat": now, "nbf": now, "exp": now + TOKEN_LIFETIME_SECONDS}
    return jwt.encode(claims, _KEY, algorithm="RS256", headers={"kid": "bench"})
