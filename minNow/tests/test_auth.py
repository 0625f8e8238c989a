"""Bearer authentication: Clerk RS256 tokens (PEM, JWKS URL, Backend API JWKS) and dev HS256 tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
import time_machine
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings

from config.testing import ApiClient, run_concurrently
from config.tests.servers import LoopbackServer, Reply
from minNow import auth
from minNow.auth import issue_dev_token
from users.models import User

pytestmark = pytest.mark.django_db


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    data = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {**data, "kid": kid, "alg": "RS256", "use": "sig"}


KEY = new_key()
PEM = public_pem(KEY)


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"sub": "user_2clerk", "iat": now, "nbf": now - 1, "exp": now + 60, "azp": "http://localhost:3000"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def clerk_token(key: rsa.RSAPrivateKey = KEY, kid: str | None = "kid-1", **overrides: Any) -> str:
    headers = {"kid": kid} if kid else None
    return jwt.encode(claims(**overrides), key, algorithm="RS256", headers=headers)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged_hs256_with_public_key() -> str:
    """An HS256 token whose HMAC secret is the public key: the classic algorithm confusion attack."""
    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims()).encode())}"
    signature = hmac.new(PEM.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64(signature)}"


def call(token: str | None):
    return ApiClient(token).get("/api/clerk-jwt")


@pytest.fixture
def pem_mode():
    with override_settings(CLERK_JWT_KEY=PEM, CLERK_JWKS_URL="", CLERK_SECRET_KEY=""):
        yield


def test_valid_clerk_token_creates_the_user_on_first_sight(pem_mode):
    response = call(clerk_token(email="new@example.com", first_name="Nia"))

    assert response.status_code == 200
    assert response.json()["userId"] == "user_2clerk"
    assert response.json()["username"] == "user_2clerk"
    assert response.json()["email"] == "new@example.com"
    user = User.objects.get(clerk_id="user_2clerk")
    assert user.first_name == "Nia"
    assert sorted(user.checkups.values_list("checkup_type", flat=True)) == ["give", "keep"]


@pytest.mark.parametrize(
    ("case", "token_factory"),
    [
        ("expired", lambda: clerk_token(exp=int(time.time()) - 30, iat=int(time.time()) - 120)),
        ("nbf in the future", lambda: clerk_token(nbf=int(time.time()) + 60)),
        ("alg none", lambda: jwt.encode(claims(), None, algorithm="none")),
        ("hs256 signed with the public key", forged_hs256_with_public_key),
        ("missing sub", lambda: clerk_token(sub=None)),
        ("missing exp", lambda: clerk_token(exp=None)),
        ("missing iat", lambda: clerk_token(iat=None)),
        ("empty sub", lambda: clerk_token(sub="")),
        ("signed by another key", lambda: clerk_token(key=new_key())),
        ("pending session", lambda: clerk_token(sts="pending")),
        ("garbage", lambda: "not-a-jwt"),
        ("tampered payload", lambda: clerk_token()[:-4] + "AAAA"),
    ],
)
def test_invalid_tokens_are_refused(pem_mode, case, token_factory):
    response = call(token_factory())

    assert response.status_code == 401, case
    assert response["WWW-Authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)
    assert not User.objects.filter(clerk_id="user_2clerk").exists()


def test_missing_or_non_bearer_header_is_refused(pem_mode):
    assert call(None).status_code == 401
    response = ApiClient().get("/api/clerk-jwt", headers={"Authorization": f"Basic {clerk_token()}"})
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided"}


def test_expiry_allows_five_seconds_of_clock_skew(pem_mode):
    now = int(time.time())
    assert call(clerk_token(exp=now - 2, iat=now - 60)).status_code == 200
    assert call(clerk_token(exp=now - 30, iat=now - 60)).status_code == 401


def test_a_verified_token_is_remembered_until_it_expires(pem_mode):
    """The app sends one session token with every request for its lifetime: the second request does not
    check its signature again, yet the token stops working when it expires, as the first check would say."""
    token = clerk_token(exp=int(time.time()) + 30)
    assert call(token).status_code == 200
    assert token in auth._verified
    calls = []
    original = jwt.decode
    with pytest.MonkeyPatch.context() as patch:  # count PyJWT's work, the library's, not ours
        patch.setattr(jwt, "decode", lambda *args, **kwargs: calls.append(1) or original(*args, **kwargs))
        assert call(token).status_code == 200
        assert calls == []
        with time_machine.travel(time.time() + 36, tick=False):
            expired = call(token)
    assert expired.status_code == 401
    assert expired.json()["detail"] == "Token has expired"
    assert token not in auth._verified


def test_changed_verification_settings_forget_remembered_tokens(pem_mode):
    token = clerk_token()
    assert call(token).status_code == 200
    with override_settings(CLERK_JWT_KEY=public_pem(new_key())):
        assert call(token).status_code == 401  # signed by a key no longer trusted


def test_issuer_is_checked_when_configured(pem_mode):
    with override_settings(CLERK_ISSUER="https://clerk.min-now.store"):
        assert call(clerk_token(iss="https://evil.example")).status_code == 401
        assert call(clerk_token()).status_code == 401  # no iss at all
        assert call(clerk_token(iss="https://clerk.min-now.store")).status_code == 200


def test_authorized_parties_are_checked_when_configured(pem_mode):
    with override_settings(CLERK_AUTHORIZED_PARTIES=["https://min-now.store"]):
        assert call(clerk_token(azp="https://evil.example")).status_code == 401
        assert call(clerk_token(azp=None)).status_code == 401
        assert call(clerk_token(azp="https://min-now.store")).status_code == 200


def test_inactive_user_is_refused(pem_mode):
    User.objects.create(username="gone", clerk_id="user_2clerk", is_active=False)

    assert call(clerk_token()).status_code == 401


def test_claims_refresh_the_profile_without_network(pem_mode):
    User.objects.create(username="user_2clerk", clerk_id="user_2clerk", email="old@example.com")

    token = clerk_token(email="new@example.com", last_name="Ng", public_metadata={"is-admin": True})
    assert call(token).status_code == 200

    user = User.objects.get(clerk_id="user_2clerk")
    assert (user.email, user.last_name, user.is_admin) == ("new@example.com", "Ng", True)
    assert call(clerk_token(metadata={"is-admin": "yes"})).status_code == 200
    assert User.objects.get(clerk_id="user_2clerk").is_admin is False  # boolean true only


# Claims that are stored (the subject as the Clerk id, email and names) but that no database can hold: PostgreSQL
# refuses NUL, and a lone surrogate (JSON's "\\ud800" escape) cannot be encoded for any database.
UNSTORABLE_CLAIMS = {
    "NUL in sub": {"sub": "user_2clerk\x00"},
    "lone surrogate in sub": {"sub": "user_2clerk\ud800"},
    "NUL in email": {"email": "new\x00@example.com"},
    "lone surrogate in email": {"email": "new\ud800@example.com"},
    "NUL in first_name": {"first_name": "Nia\x00"},
    "lone surrogate in last_name": {"last_name": "\udfff"},
}


@pytest.mark.parametrize("overrides", UNSTORABLE_CLAIMS.values(), ids=UNSTORABLE_CLAIMS.keys())
@pytest.mark.parametrize("known", [False, True], ids=["first sight", "known user"])
def test_a_signed_token_with_a_claim_that_cannot_be_stored_is_401(pem_mode, overrides, known):
    if known:
        User.objects.create(username="user_2clerk", clerk_id="user_2clerk", email="old@example.com")
    before = list(User.objects.values_list("clerk_id", "email", "first_name", "last_name"))

    response = call(clerk_token(**overrides))

    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Bearer"
    assert isinstance(response.json()["detail"], str)
    assert list(User.objects.values_list("clerk_id", "email", "first_name", "last_name")) == before


@pytest.mark.parametrize("subject", ["dev_\x00nul", "dev_\ud800"])
def test_a_dev_token_whose_subject_cannot_be_stored_is_401(subject):
    response = call(issue_dev_token(User(clerk_id=subject, email="dev@example.com")))

    assert response.status_code == 401, response.content
    assert response.json() == {"detail": "Invalid token subject"}
    assert not User.objects.exists()


def test_steady_state_costs_one_query(pem_mode, django_assert_num_queries):
    token = clerk_token(email="same@example.com")
    assert call(token).status_code == 200

    with django_assert_num_queries(1):
        assert call(token).status_code == 200


def test_dev_token_accepted_in_debug_and_refused_in_prod(alice):
    token = issue_dev_token(alice)

    assert call(token).status_code == 200
    with override_settings(PROD=True, DEBUG=False):
        assert call(token).status_code == 401
    with override_settings(DEBUG=False):
        assert call(token).status_code == 401


def test_dev_token_signed_with_another_secret_is_refused(alice):
    token = jwt.encode(
        {"sub": alice.clerk_id, "iss": "minnow-dev", "iat": int(time.time()), "exp": int(time.time()) + 60},
        "another-secret-that-is-long-enough-for-hmac-sha256",
        algorithm="HS256",
    )

    assert call(token).status_code == 401


def test_clerk_tokens_refused_when_verification_is_not_configured():
    with override_settings(CLERK_JWT_KEY="", CLERK_JWKS_URL="", CLERK_SECRET_KEY=""):
        assert call(clerk_token()).status_code == 401


class Jwks:
    """A JWKS endpoint whose published keys a test can change."""

    def __init__(self, *keys: dict[str, Any]) -> None:
        self.keys = list(keys)

    def __call__(self, request) -> Reply:
        return Reply(200, {"keys": self.keys})


def test_jwks_url_mode_and_key_rotation(monkeypatch):
    second_key = new_key()
    jwks = Jwks(jwk(KEY, "kid-1"))
    with (
        LoopbackServer(jwks) as server,
        override_settings(CLERK_JWT_KEY="", CLERK_JWKS_URL=f"{server.url}/.well-known/jwks.json", CLERK_SECRET_KEY=""),
    ):
        assert call(clerk_token(kid="kid-1")).status_code == 200
        assert call(clerk_token(kid="kid-1")).status_code == 200
        assert len(server.requests) == 1  # keys are cached

        jwks.keys.append(jwk(second_key, "kid-2"))
        # Unknown kids within a minute of the last fetch do not hammer the JWKS endpoint.
        assert call(clerk_token(key=second_key, kid="kid-2")).status_code == 401
        assert call(clerk_token(key=second_key, kid="kid-3")).status_code == 401
        assert len(server.requests) == 1

        monkeypatch.setattr(auth, "JWKS_REFETCH_SECONDS", 0)
        assert call(clerk_token(key=second_key, kid="kid-2")).status_code == 200
        assert len(server.requests) == 2
        assert call(clerk_token(key=KEY, kid="kid-2")).status_code == 401  # kid bound to its own key
        assert call(clerk_token(kid=None)).status_code == 401


def test_backend_api_jwks_mode_sends_the_secret_key():
    with (
        LoopbackServer(Jwks(jwk(KEY, "kid-1"))) as server,
        override_settings(
            CLERK_JWT_KEY="", CLERK_JWKS_URL="", CLERK_SECRET_KEY="sk_test_abc", CLERK_API_URL=server.url
        ),
    ):
        # The profile sync will ask for /users/user_2clerk and get a JWKS back: it must not fail the request.
        assert call(clerk_token()).status_code == 200

    jwks_requests = [r for r in server.requests if r.path == "/jwks"]
    assert len(jwks_requests) == 1
    assert jwks_requests[0].headers["Authorization"] == "Bearer sk_test_abc"


def clerk_user_payload() -> dict[str, Any]:
    return {
        "id": "user_2clerk",
        "first_name": "Clara",
        "last_name": "Kerr",
        "primary_email_address_id": "idn_2",
        "email_addresses": [
            {"id": "idn_1", "email_address": "old@example.com"},
            {"id": "idn_2", "email_address": "clara@example.com"},
        ],
        "public_metadata": {"is-admin": True},
        "unsafe_metadata": {"emailNotifications": True},
    }


def test_profile_sync_from_backend_api_runs_once_an_hour(pem_mode):
    def clerk_api(request) -> Reply:
        return Reply(200, clerk_user_payload()) if request.path == "/users/user_2clerk" else Reply(404, {})

    with (
        LoopbackServer(clerk_api) as server,
        override_settings(CLERK_SECRET_KEY="sk_test_abc", CLERK_API_URL=server.url),
    ):
        assert call(clerk_token()).status_code == 200
        assert call(clerk_token()).status_code == 200

    assert [r.path for r in server.requests] == ["/users/user_2clerk"]
    user = User.objects.get(clerk_id="user_2clerk")
    assert (user.email, user.first_name, user.last_name) == ("clara@example.com", "Clara", "Kerr")
    assert user.is_admin is True
    assert user.email_notifications is True
    assert user.clerk_synced_at is not None


def test_profile_sync_cuts_an_overlong_email_to_the_column(pem_mode):
    long_email = "a" * 300 + "@example.com"
    payload = clerk_user_payload()
    payload["email_addresses"][1]["email_address"] = long_email

    with (
        LoopbackServer(lambda request: Reply(200, payload)) as server,
        override_settings(CLERK_SECRET_KEY="sk_test_abc", CLERK_API_URL=server.url),
    ):
        assert call(clerk_token()).status_code == 200

    assert User.objects.get(clerk_id="user_2clerk").email == long_email[:254]


@pytest.mark.parametrize("name", ["Clara\x00", "Clara\ud800"])
def test_profile_sync_that_cannot_be_stored_is_skipped_like_a_failed_sync(pem_mode, name):
    payload = clerk_user_payload()
    payload["first_name"] = name

    with (
        LoopbackServer(lambda request: Reply(200, payload)) as server,
        override_settings(CLERK_SECRET_KEY="sk_test_abc", CLERK_API_URL=server.url),
    ):
        assert call(clerk_token(first_name="Nia")).status_code == 200

    user = User.objects.get(clerk_id="user_2clerk")
    assert (user.first_name, user.clerk_synced_at) == ("Nia", None)


def test_profile_sync_failure_never_fails_the_request(pem_mode):
    with (
        LoopbackServer(lambda request: Reply(500, {"errors": []})) as server,
        override_settings(CLERK_SECRET_KEY="sk_test_abc", CLERK_API_URL=server.url),
    ):
        assert call(clerk_token()).status_code == 200
        assert call(clerk_token()).status_code == 200

    assert len(server.requests) == 1  # a failed sync is not retried on every request
    assert User.objects.get(clerk_id="user_2clerk").clerk_synced_at is None


def test_profile_sync_with_unreachable_clerk_never_fails_the_request(pem_mode):
    with override_settings(CLERK_SECRET_KEY="sk_test_abc", CLERK_API_URL="http://127.0.0.1:9"):
        assert call(clerk_token()).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_first_requests_create_one_user(pem_mode):
    token = clerk_token(sub="user_race", email="race@example.com")
    statuses = run_concurrently(lambda: call(token).status_code, 2)

    assert statuses == [200, 200]
    assert User.objects.filter(clerk_id="user_race").count() == 1
