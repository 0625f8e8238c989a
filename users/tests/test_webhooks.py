"""POST /api/webhooks/clerk with deliveries signed as Svix signs them, with a secret made for each run.

Each delivery is real bytes and the three Svix headers through Django's test client. Signed deliveries
create, update and delete users; a wrong signature or a timestamp ten minutes off is a 401 and changes
nothing; a message id seen before, even freshly signed and even arriving at the same moment, is applied once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone
from svix.webhooks import Webhook

from config.api import api
from config.testing import api_for, create_item, create_location, make_user, run_together
from items.models import Checkup, OwnedItem
from locations.models import Location
from users import services
from users.models import User, WebhookDelivery

pytestmark = pytest.mark.django_db

URL = "/api/webhooks/clerk"
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


@pytest.fixture(autouse=True)
def webhook_secret(settings) -> str:
    settings.CLERK_WEBHOOK_SECRET = SECRET
    return SECRET


# --- Deliveries -----------------------------------------------------------------------------------
def clerk_user(clerk_id: str = "user_2new", **changes: Any) -> dict[str, Any]:
    """A Clerk user object as webhooks carry it: the primary address is the second of two."""
    return {
        "id": clerk_id,
        "object": "user",
        "username": None,
        "first_name": "Nora",
        "last_name": "Newman",
        "email_addresses": [
            {"id": "idn_old", "object": "email_address", "email_address": "old@example.com"},
            {"id": "idn_primary", "object": "email_address", "email_address": "nora@example.com"},
        ],
        "primary_email_address_id": "idn_primary",
        "public_metadata": {},
        "unsafe_metadata": {},
        "created_at": 1_764_000_000_000,
        **changes,
    }


def event(event_type: str, data: dict[str, Any]) -> str:
    return json.dumps({"type": event_type, "object": "event", "data": data, "timestamp": 1_764_000_000_000})


def message_id() -> str:
    return f"msg_{secrets.token_hex(13)}"


def headers(msg_id: str, timestamp: datetime, signature: str) -> dict[str, str]:
    return {
        "HTTP_SVIX_ID": msg_id,
        "HTTP_SVIX_TIMESTAMP": str(int(timestamp.timestamp())),
        "HTTP_SVIX_SIGNATURE": signature,
    }


def post(payload: str | bytes, meta: dict[str, str], client: Client | None = None) -> HttpResponse:
    body = payload.encode() if isinstance(payload, str) else payload
    return (client or Client()).post(URL, data=body, content_type="application/json", **meta)


def deliver(
    payload: str,
    *,
    msg_id: str | None = None,
    timestamp: datetime | None = None,
    secret: str = SECRET,
) -> HttpResponse:
    """POST `payload` signed by svix's own signer, as Clerk would send it."""
    msg_id = msg_id or message_id()
    timestamp = timestamp or datetime.now(UTC)
    return post(payload, headers(msg_id, timestamp, Webhook(secret).sign(msg_id, timestamp, payload)))


def hmac_signature(secret: str, msg_id: str, timestamp: datetime, payload: str) -> str:
    """Svix's scheme written out: base64 HMAC-SHA256 of "id.timestamp.body", keyed with the decoded secret."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{msg_id}.{int(timestamp.timestamp())}.{payload}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def applied(response: HttpResponse, event_type: str) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["received"] is True and body["type"] == event_type and body["result"] == "applied", body
    return body


def snapshot() -> dict[str, list[tuple]]:
    """Every row the webhook could touch, to show that a refused delivery changed nothing."""
    return {
        "users": sorted(User.objects.values_list("pk", "clerk_id", "email", "first_name", "last_name", "is_admin")),
        "items": sorted(OwnedItem.objects.values_list("pk", "user_id")),
        "locations": sorted(Location.objects.values_list("pk", "user_id")),
        "checkups": sorted(Checkup.objects.values_list("pk", "user_id")),
        "deliveries": sorted(WebhookDelivery.objects.values_list("svix_id", flat=True)),
    }


def rows_of(user_id: int) -> dict[str, list]:
    return {
        "users": list(User.objects.filter(pk=user_id).values_list("pk", flat=True)),
        "items": sorted(OwnedItem.objects.filter(user_id=user_id).values_list("pk", "current_location_id")),
        "locations": sorted(Location.objects.filter(user_id=user_id).values_list("pk", "parent_id")),
        "checkups": sorted(Checkup.objects.filter(user_id=user_id).values_list("pk", flat=True)),
    }


# --- Effects --------------------------------------------------------------------------------------
def test_user_created_creates_the_user_with_its_checkups_and_profile():
    data = clerk_user(public_metadata={"is-admin": True}, unsafe_metadata={"emailNotifications": True})

    response = deliver(event("user.created", data))

    assert applied(response, "user.created")["note"] == "User created"
    user = User.objects.get(clerk_id="user_2new")
    assert (user.username, user.email, user.first_name, user.last_name) == (
        "user_2new",
        "nora@example.com",
        "Nora",
        "Newman",
    )
    assert user.is_admin and user.email_notifications
    assert user.clerk_synced_at is not None
    assert sorted(user.checkups.values_list("checkup_type", flat=True)) == ["give", "keep"]


def test_user_created_for_a_user_already_seen_through_a_token_refreshes_it():
    user = make_user("early", clerk_id="user_2new", email="", first_name="")

    applied(deliver(event("user.created", clerk_user())), "user.created")

    assert User.objects.get() == user
    user.refresh_from_db()
    assert (user.email, user.first_name) == ("nora@example.com", "Nora")
    assert user.checkups.count() == 2


def test_user_updated_refreshes_email_names_and_the_admin_flag():
    applied(deliver(event("user.created", clerk_user(public_metadata={"is-admin": True}))), "user.created")
    changed = clerk_user(
        first_name="Nina",
        last_name=None,
        email_addresses=[{"id": "idn_new", "email_address": "nina@example.com"}],
        primary_email_address_id="idn_new",
        public_metadata={"role": "member"},
    )

    assert applied(deliver(event("user.updated", changed)), "user.updated")["note"] == "User updated"

    user = User.objects.get(clerk_id="user_2new")
    assert (user.email, user.first_name, user.last_name, user.is_admin) == ("nina@example.com", "Nina", "", False)
    assert user.checkups.count() == 2


def test_user_updated_for_an_unknown_user_creates_nobody():
    response = deliver(event("user.updated", clerk_user("user_2stranger")))

    assert applied(response, "user.updated")["note"].startswith("No such user")
    assert not User.objects.exists()


def test_user_deleted_leaves_nothing_of_the_user_in_any_table(alice, alice_api, bob, bob_api):
    for api_client in (alice_api, bob_api):
        house = create_location(api_client, "House")
        room = create_location(api_client, "Room", house)
        shelf = create_location(api_client, "Shelf", room)
        create_item(api_client, name="Lamp", current_location_id=shelf["id"])
        create_item(api_client, name="Rug", current_location_id=house["id"])
    alice_pk, bob_before = alice.pk, rows_of(bob.pk)

    response = deliver(event("user.deleted", {"id": "user_alice", "object": "user", "deleted": True}))

    assert applied(response, "user.deleted")["note"] == "User deleted"
    assert rows_of(alice_pk) == {"users": [], "items": [], "locations": [], "checkups": []}
    assert rows_of(bob.pk) == bob_before
    assert User.objects.get() == bob


def test_user_deleted_for_an_unknown_user_is_a_no_op(alice):
    response = deliver(event("user.deleted", {"id": "user_2gone", "object": "user", "deleted": True}))

    assert applied(response, "user.deleted")["note"] == "No such user"
    assert User.objects.get() == alice


def test_user_deleted_removes_the_user_a_stale_token_recreated_after_delete_me(alice, alice_api):
    """The account lifecycle: DELETE /api/me, a request with the old token makes a new user on first sight,
    then Clerk deletes the account and its webhook removes that user too."""
    assert alice_api.delete("/api/me").status_code == 204
    assert alice_api.get("/api/clerk-jwt").status_code == 200
    recreated = User.objects.get(clerk_id="user_alice")

    applied(deliver(event("user.deleted", {"id": "user_alice", "deleted": True})), "user.deleted")

    assert not User.objects.filter(pk=recreated.pk).exists()
    assert not Checkup.objects.exists()


# --- Refused deliveries ---------------------------------------------------------------------------
def test_a_forged_signature_is_401_and_changes_nothing(alice):
    before = snapshot()
    forger = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()

    response = deliver(event("user.deleted", {"id": "user_alice", "deleted": True}), secret=forger)

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid webhook signature"}
    assert snapshot() == before


def test_a_body_changed_after_signing_is_401(alice):
    before = snapshot()
    msg_id, now = message_id(), datetime.now(UTC)
    signed = event("user.updated", clerk_user("user_alice", first_name="Alice"))
    tampered = event("user.updated", clerk_user("user_alice", first_name="Mallory", public_metadata={"is-admin": True}))

    response = post(tampered, headers(msg_id, now, Webhook(SECRET).sign(msg_id, now, signed)))

    assert response.status_code == 401
    assert snapshot() == before


@pytest.mark.parametrize(
    "meta",
    [
        {},
        {"HTTP_SVIX_ID": "msg_1", "HTTP_SVIX_TIMESTAMP": "now"},
        {"HTTP_SVIX_ID": "msg_1", "HTTP_SVIX_TIMESTAMP": "{now}", "HTTP_SVIX_SIGNATURE": "v1,not base64!"},
        {"HTTP_SVIX_ID": "msg_1", "HTTP_SVIX_TIMESTAMP": "{now}", "HTTP_SVIX_SIGNATURE": "no-comma"},
        {"HTTP_SVIX_ID": "msg_1", "HTTP_SVIX_TIMESTAMP": "nan", "HTTP_SVIX_SIGNATURE": "v1,AAAA"},
        {"HTTP_SVIX_ID": "", "HTTP_SVIX_TIMESTAMP": "{now}", "HTTP_SVIX_SIGNATURE": "v1,AAAA"},
    ],
    ids=["no-headers", "no-signature", "not-base64", "no-version", "nan-timestamp", "empty-id"],
)
def test_missing_or_malformed_signature_headers_are_401(meta, alice):
    before = snapshot()
    meta = {name: value.replace("{now}", str(int(datetime.now(UTC).timestamp()))) for name, value in meta.items()}

    response = post(event("user.deleted", {"id": "user_alice", "deleted": True}), meta)

    assert response.status_code == 401, response.content
    assert response.json() == {"detail": "Invalid webhook signature"}
    assert snapshot() == before


def test_a_body_that_is_not_utf8_is_401_not_a_crash():
    msg_id, now = message_id(), datetime.now(UTC)

    response = post(b"\xff\xfe{}", headers(msg_id, now, "v1,AAAA"))

    assert response.status_code == 401


@pytest.mark.parametrize("offset", [timedelta(minutes=-10), timedelta(minutes=10)], ids=["stale", "future"])
def test_a_timestamp_ten_minutes_off_is_401_even_when_signed(offset, alice):
    before = snapshot()

    response = deliver(event("user.deleted", {"id": "user_alice", "deleted": True}), timestamp=timezone.now() + offset)

    assert response.status_code == 401
    assert snapshot() == before


def test_the_route_is_404_without_a_secret(settings, alice):
    settings.CLERK_WEBHOOK_SECRET = ""
    before = snapshot()

    response = deliver(event("user.deleted", {"id": "user_alice", "deleted": True}))

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}
    assert snapshot() == before


def test_an_unusable_secret_is_503(settings):
    settings.CLERK_WEBHOOK_SECRET = "whsec_"

    response = post(event("user.created", clerk_user()), headers("msg_1", datetime.now(UTC), "v1,AAAA"))

    assert response.status_code == 503
    assert response.json() == {"detail": "Webhook verification is misconfigured"}


def test_malformed_json_after_a_valid_signature_is_400_and_changes_nothing(alice):
    before = snapshot()

    for payload in ('{"type": "user.created", "data": ', "[1, 2]"):
        response = deliver(payload)
        assert response.status_code == 400, response.content
        assert isinstance(response.json()["detail"], str)
    assert snapshot() == before


def test_a_user_event_with_malformed_data_is_400_naming_the_field_and_stores_nothing():
    data = clerk_user()
    del data["id"]

    response = deliver(event("user.created", data))

    assert response.status_code == 400, response.content
    assert response.json()["detail"] == "data.id: Field required"
    assert not User.objects.exists() and not WebhookDelivery.objects.exists()


def deeply_nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "payload",
    [
        deeply_nested(50_000),
        event("user.created", clerk_user(public_metadata="DEEP")).replace('"DEEP"', deeply_nested(50_000)),
        event("user.updated", clerk_user("user_alice", unsafe_metadata="DEEP")).replace(
            '"DEEP"', '{"a": ' + deeply_nested(50_000) + "}"
        ),
    ],
    ids=["whole body", "public_metadata", "unsafe_metadata"],
)
def test_json_nested_50000_deep_is_400_and_changes_nothing(alice, payload):
    before = snapshot()

    response = deliver(payload)

    assert response.status_code == 400, response.content
    assert isinstance(response.json()["detail"], str)
    assert snapshot() == before


def with_value(data: dict[str, Any], path: tuple[str | int, ...], value: str) -> dict[str, Any]:
    """A copy of `data` with `value` at `path`."""
    data = json.loads(json.dumps(data))
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


UNSTORABLE = {"NUL": "\x00", "lone surrogate": "\ud800"}
STORED_FIELDS = [
    ("user.created", ("id",), "data.id"),
    ("user.created", ("email_addresses", 1, "email_address"), "data.email_addresses.1.email_address"),
    ("user.created", ("first_name",), "data.first_name"),
    ("user.updated", ("last_name",), "data.last_name"),
    ("user.updated", ("email_addresses", 0, "email_address"), "data.email_addresses.0.email_address"),
    ("user.deleted", ("id",), "data.id"),
]


@pytest.mark.parametrize("character", list(UNSTORABLE), ids=list(UNSTORABLE))
@pytest.mark.parametrize(("event_type", "path", "field"), STORED_FIELDS, ids=[field[2] for field in STORED_FIELDS])
def test_a_field_that_cannot_be_stored_is_400_naming_it_and_changes_nothing(alice, character, event_type, path, field):
    """NUL is refused by PostgreSQL and a lone surrogate ("\\ud800", valid JSON) by every database driver."""
    before = snapshot()
    value = f"nora{UNSTORABLE[character]}@example.com"
    payload = event(event_type, with_value(clerk_user("user_alice"), path, value))
    assert "\\u0000" in payload or "\\ud800" in payload  # JSON escapes, as a sender writes them

    response = deliver(payload)

    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith(f"{field}: ")
    assert snapshot() == before


@pytest.mark.parametrize("event_type", ["user.created\x00", "session.created\x00", "session.created\ud800"])
def test_an_event_type_that_cannot_be_stored_is_400(alice, event_type):
    before = snapshot()

    response = deliver(event(event_type, clerk_user()))

    assert response.status_code == 400, response.content
    assert response.json()["detail"].startswith("type: ")
    assert snapshot() == before


def test_unknown_event_types_are_acknowledged_and_ignored(alice):
    before = snapshot()

    response = deliver(event("session.created", {"id": "sess_1", "user_id": "user_alice"}))

    assert response.status_code == 200
    assert response.json() == {
        "received": True,
        "type": "session.created",
        "result": "ignored",
        "note": "Event type not handled",
    }
    assert snapshot() == before


# --- Signatures as Svix makes them ----------------------------------------------------------------
def test_a_hand_made_signature_among_several_is_accepted():
    """Svix sends several space-separated signatures during a secret rotation; one matching is enough."""
    payload, msg_id, now = event("user.created", clerk_user()), message_id(), datetime.now(UTC)
    old_secret = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()
    signatures = " ".join(
        [hmac_signature(old_secret, msg_id, now, payload), "v2,ignored", hmac_signature(SECRET, msg_id, now, payload)]
    )

    applied(post(payload, headers(msg_id, now, signatures)), "user.created")

    assert User.objects.filter(clerk_id="user_2new").exists()


def test_csrf_checks_do_not_apply():
    client = Client(enforce_csrf_checks=True)
    payload, msg_id, now = event("user.created", clerk_user()), message_id(), datetime.now(UTC)

    response = post(payload, headers(msg_id, now, hmac_signature(SECRET, msg_id, now, payload)), client)

    applied(response, "user.created")


# --- Replays --------------------------------------------------------------------------------------
def test_a_repeated_message_id_is_applied_once_even_with_a_fresh_signature():
    applied(deliver(event("user.created", clerk_user())), "user.created")
    msg_id = message_id()
    first = deliver(event("user.updated", clerk_user(first_name="Nina")), msg_id=msg_id)
    applied(first, "user.updated")
    User.objects.filter(clerk_id="user_2new").update(first_name="Changed since")

    again = deliver(event("user.updated", clerk_user(first_name="Nina")), msg_id=msg_id, timestamp=timezone.now())

    assert again.status_code == 200
    assert again.json() == {
        "received": True,
        "type": "user.updated",
        "result": "duplicate",
        "note": "Already received; nothing changed",
    }
    assert User.objects.get(clerk_id="user_2new").first_name == "Changed since"
    assert WebhookDelivery.objects.filter(svix_id=msg_id).count() == 1


@pytest.mark.django_db(transaction=True)
def test_identical_deliveries_at_the_same_moment_are_applied_once(settings):
    settings.RATE_LIMIT_REQUESTS = 100_000
    alice = make_user("alice")
    for place in ("Hall", "Cellar"):
        create_location(api_for(alice), place)
    payload, msg_id, now = event("user.deleted", {"id": "user_alice", "deleted": True}), message_id(), timezone.now()
    meta = headers(msg_id, now, Webhook(SECRET).sign(msg_id, now, payload))

    def send() -> tuple[int, str]:
        response = post(payload, meta)
        return response.status_code, response.json().get("result", response.json().get("detail"))

    results = run_together(*[send] * 4)

    assert sorted(results) == [(200, "applied"), (200, "duplicate"), (200, "duplicate"), (200, "duplicate")]
    assert not User.objects.exists() and not Location.objects.exists() and not Checkup.objects.exists()
    assert list(WebhookDelivery.objects.values_list("svix_id", flat=True)) == [msg_id]


@pytest.mark.django_db(transaction=True)
def test_identical_creations_at_the_same_moment_make_one_user(settings):
    settings.RATE_LIMIT_REQUESTS = 100_000
    payload, msg_id, now = event("user.created", clerk_user()), message_id(), timezone.now()
    meta = headers(msg_id, now, Webhook(SECRET).sign(msg_id, now, payload))

    results = run_together(*[lambda: post(payload, meta).json()["result"]] * 4)

    assert sorted(results) == ["applied", "duplicate", "duplicate", "duplicate"]
    assert User.objects.get().checkups.count() == 2


# --- Pruning --------------------------------------------------------------------------------------
def test_old_delivery_ids_are_pruned_a_bounded_batch_at_a_time():
    long_ago = timezone.now() - services.DELIVERY_RETENTION - timedelta(hours=1)
    recent = timezone.now() - timedelta(hours=1)
    WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(svix_id=f"msg_old{n}", event_type="user.updated", received_at=long_ago) for n in range(150)]
        + [WebhookDelivery(svix_id="msg_recent", event_type="user.updated", received_at=recent)]
    )

    applied(deliver(event("user.created", clerk_user())), "user.created")

    assert WebhookDelivery.objects.filter(received_at__lt=recent).count() == 150 - services.PRUNE_BATCH
    assert WebhookDelivery.objects.filter(svix_id="msg_recent").exists()
    assert services.prune_deliveries() == 50
    assert WebhookDelivery.objects.count() == 2


# --- Documentation --------------------------------------------------------------------------------
def test_the_route_is_documented_without_authentication():
    operation = api.get_openapi_schema()["paths"]["/api/v1/webhooks/clerk"]["post"]

    assert "security" not in operation
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"type", "data"} <= set(body["properties"])
    assert {200, 400, 401, 404} <= set(operation["responses"])
    assert "WebhookReceivedOut" in json.dumps(operation["responses"][200])
