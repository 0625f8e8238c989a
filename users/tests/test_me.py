"""GET and PUT /api/me: the person's settings (language, time zone, reminder emails), validated, partial,
exported and imported with the rest of their data, and the language a request answers in."""

from __future__ import annotations

import json

import pytest

from config.testing import assert_validation_error
from users.models import User

pytestmark = pytest.mark.django_db


def test_me_shows_the_profile_and_default_settings(alice, alice_api):
    response = alice_api.get("/api/me")

    assert response.status_code == 200
    assert response.json() == {
        "userId": alice.clerk_id,
        "username": "alice",
        "email": alice.email,
        "first_name": alice.first_name,
        "last_name": alice.last_name,
        "email_notifications": alice.email_notifications,
        "language": "en",
        "time_zone": "UTC",
    }


def test_settings_change_partially_and_stay(alice, alice_api):
    changed = alice_api.put("/api/me", {"language": "de", "time_zone": "Europe/Berlin"})

    assert changed.status_code == 200, changed.content
    assert (changed.json()["language"], changed.json()["time_zone"]) == ("de", "Europe/Berlin")
    notifications = alice.email_notifications
    assert alice_api.put("/api/me", {"time_zone": "Asia/Tokyo"}).json()["language"] == "de"
    alice.refresh_from_db()
    assert (alice.language, alice.time_zone, alice.email_notifications) == ("de", "Asia/Tokyo", notifications)
    assert alice_api.put("/api/me", {"email_notifications": not notifications}).json()["email_notifications"] is (
        not notifications
    )


@pytest.mark.parametrize(
    "body",
    [
        {"language": "it"},
        {"language": "EN"},
        {"time_zone": "Mars/Olympus"},
        {"time_zone": "utc+2"},
        {"time_zone": "x" * 65},
        {"email_notifications": "maybe"},
    ],
)
def test_unknown_languages_and_zones_are_400s_and_change_nothing(alice, alice_api, body):
    assert_validation_error(alice_api.put("/api/me", body))
    alice.refresh_from_db()
    assert (alice.language, alice.time_zone) == ("en", "UTC")


def test_null_is_refused(alice, alice_api):
    response = alice_api.put("/api/me", {"time_zone": None})

    assert response.status_code == 400
    assert response.json()["detail"] == "time_zone: may be left out but not null"


def test_settings_travel_with_the_export(alice, alice_api, bob, bob_api):
    alice_api.put("/api/me", {"language": "es", "time_zone": "America/Mexico_City"})
    document = json.loads(b"".join(alice_api.get("/api/export").streaming_content))
    assert (document["user"]["language"], document["user"]["time_zone"]) == ("es", "America/Mexico_City")

    assert bob_api.post("/api/import", document).status_code == 200
    bob = User.objects.get(pk=bob.pk)
    assert (bob.language, bob.time_zone) == ("es", "America/Mexico_City")

    older = {**document, "user": {"email_notifications": True}}  # written before settings existed
    assert bob_api.post("/api/import", older).status_code == 200
    assert User.objects.get(pk=bob.pk).time_zone == "America/Mexico_City"


def test_answers_follow_accept_language_else_the_persons_language(alice_api):
    alice_api.put("/api/me", {"language": "de"})

    assert alice_api.get("/api/items")["Content-Language"] == "de"
    assert alice_api.get("/api/items", headers={"Accept-Language": "es-MX,es;q=0.9"})["Content-Language"] == "es"
    assert alice_api.get("/api/items", headers={"Accept-Language": "it-IT,fr;q=0.5"})["Content-Language"] == "fr"
    assert alice_api.get("/api/items", headers={"Accept-Language": "it-IT"})["Content-Language"] == "de"
