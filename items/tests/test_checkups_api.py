"""Checkup and preference endpoints (errors as in docs/design.md "Errors"): default checkups, exact JSON, due
dates by calendar month, complete, interval, re-creation, sync-preferences, and that nobody reaches another's
checkup."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from config.testing import ApiClient, api_for, make_user
from items.models import Checkup, CheckupType
from users.models import User

pytestmark = pytest.mark.django_db

CREATED = datetime(2025, 1, 8, 16, 0, tzinfo=UTC)
CREATED_JSON = "2025-01-08T16:00:00Z"


def checkup_of(user: User, checkup_type: str) -> Checkup:
    return Checkup.objects.get(user=user, checkup_type=checkup_type)


def checkup_json(checkup: Checkup, *, last: str, interval: int = 1, due: bool = False) -> dict:
    return {
        "id": checkup.id,
        "last_checkup_date": last,
        "checkup_interval_months": interval,
        "is_checkup_due": due,
        "checkup_type": checkup.checkup_type,
    }


def by_type(checkups: list[dict]) -> list[dict]:
    return sorted(checkups, key=lambda checkup: checkup["checkup_type"])


def snapshot(checkup: Checkup) -> tuple:
    checkup.refresh_from_db()
    return (checkup.last_checkup_date, checkup.checkup_interval_months, checkup.checkup_type, checkup.user_id)


# --- Default checkups ----------------------------------------------------------------------------
def test_new_user_gets_exactly_a_keep_and_a_give_checkup_with_interval_1_dated_at_creation():
    with time_machine.travel(CREATED, tick=False):
        carol = make_user("carol")

    checkups = Checkup.objects.filter(user=carol)
    assert sorted(checkups.values_list("checkup_type", flat=True)) == ["give", "keep"]
    assert {c.checkup_interval_months for c in checkups} == {1}
    assert {c.last_checkup_date for c in checkups} == {CREATED}


def test_saving_an_existing_user_again_does_not_add_checkups(alice):
    alice.first_name = "Alicia"
    alice.save()

    assert Checkup.objects.filter(user=alice).count() == 2


# --- List ----------------------------------------------------------------------------------------
def test_list_checkups_returns_exact_json_for_both_checkups():
    with time_machine.travel(CREATED, tick=False):
        carol = make_user("carol")
        response = api_for(carol).get("/api/checkups")

    assert response.status_code == 200
    assert by_type(response.json()) == [
        checkup_json(checkup_of(carol, "give"), last=CREATED_JSON),
        checkup_json(checkup_of(carol, "keep"), last=CREATED_JSON),
    ]


def test_list_checkups_shows_only_the_callers_checkups(alice, bob, alice_api):
    response = alice_api.get("/api/checkups")

    assert response.status_code == 200
    ids = {checkup["id"] for checkup in response.json()}
    assert ids == set(Checkup.objects.filter(user=alice).values_list("id", flat=True))
    assert ids.isdisjoint(Checkup.objects.filter(user=bob).values_list("id", flat=True))


@pytest.mark.parametrize("checkup_type", CheckupType.values)
def test_list_checkups_filters_by_type(checkup_type):
    with time_machine.travel(CREATED, tick=False):
        carol = make_user("carol")
        response = api_for(carol).get(f"/api/checkups?type={checkup_type}")

    assert response.status_code == 200
    assert response.json() == [checkup_json(checkup_of(carol, checkup_type), last=CREATED_JSON)]


@pytest.mark.parametrize("bad_type", ["bad", "Keep", "donate"])
def test_list_checkups_with_unknown_type_is_400(alice_api, bad_type):
    response = alice_api.get(f"/api/checkups?type={bad_type}")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("type: Input should be 'keep' or 'give'")
    assert response.json()["errors"][0]["loc"] == ["query", "type"]


# --- is_checkup_due -----------------------------------------------------------------------------
def test_monthly_checkup_dated_jan_31_is_due_from_feb_28_not_feb_27():
    with time_machine.travel(datetime(2025, 1, 31, tzinfo=UTC), tick=False) as clock:
        carol = make_user("carol")
        keep_id = checkup_of(carol, "keep").id

        clock.move_to(datetime(2025, 2, 27, 23, 59, 59, tzinfo=UTC))
        before = api_for(carol).get(f"/api/checkups/{keep_id}")
        clock.move_to(datetime(2025, 2, 28, tzinfo=UTC))
        on_the_day = api_for(carol).get(f"/api/checkups/{keep_id}")

    assert before.status_code == on_the_day.status_code == 200
    assert before.json()["is_checkup_due"] is False
    assert on_the_day.json()["is_checkup_due"] is True


def test_monthly_checkup_dated_jan_31_in_a_leap_year_is_due_from_feb_29():
    with time_machine.travel(datetime(2024, 1, 31, tzinfo=UTC), tick=False) as clock:
        carol = make_user("carol")
        keep = checkup_of(carol, "keep")

        clock.move_to(datetime(2024, 2, 28, 23, 59, 59, tzinfo=UTC))
        assert keep.is_checkup_due is False
        clock.move_to(datetime(2024, 2, 29, tzinfo=UTC))
        assert keep.is_checkup_due is True


def test_checkup_with_interval_3_is_due_three_calendar_months_later():
    with time_machine.travel(datetime(2024, 11, 30, 9, 0, tzinfo=UTC), tick=False) as clock:
        carol = make_user("carol")
        give_id = checkup_of(carol, "give").id
        assert api_for(carol).put(f"/api/checkups/{give_id}/interval", {"interval_months": 3}).status_code == 200

        clock.move_to(datetime(2024, 12, 31, 9, 0, tzinfo=UTC))
        one_month_later = api_for(carol).get(f"/api/checkups/{give_id}").json()
        clock.move_to(datetime(2025, 2, 28, 8, 59, 59, tzinfo=UTC))
        just_before = api_for(carol).get(f"/api/checkups/{give_id}").json()
        clock.move_to(datetime(2025, 2, 28, 9, 0, tzinfo=UTC))
        due = api_for(carol).get(f"/api/checkups/{give_id}").json()

    assert one_month_later["is_checkup_due"] is False
    assert just_before["is_checkup_due"] is False
    assert due == {
        "id": give_id,
        "last_checkup_date": "2024-11-30T09:00:00Z",
        "checkup_interval_months": 3,
        "is_checkup_due": True,
        "checkup_type": "give",
    }


# --- Get -----------------------------------------------------------------------------------------
def test_get_checkup_returns_exact_json():
    with time_machine.travel(CREATED, tick=False):
        carol = make_user("carol")
        keep = checkup_of(carol, "keep")
        response = api_for(carol).get(f"/api/checkups/{keep.id}")

    assert response.status_code == 200
    assert response.json() == checkup_json(keep, last=CREATED_JSON)


def test_get_unknown_checkup_is_404(alice, alice_api):
    unknown = (Checkup.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1000

    response = alice_api.get(f"/api/checkups/{unknown}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Checkup not found"}


@pytest.mark.parametrize("checkup_id", ["0", "-1", "99999999999999999999"])
def test_get_checkup_with_out_of_range_id_is_404(alice_api, checkup_id):
    response = alice_api.get(f"/api/checkups/{checkup_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Checkup not found"}


def test_get_checkup_with_non_integer_id_is_400(alice_api):
    response = alice_api.get("/api/checkups/abc")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("checkup_id: ")
    assert response.json()["errors"][0]["loc"] == ["path", "checkup_id"]


# --- Complete ------------------------------------------------------------------------------------
def test_complete_checkup_sets_last_date_to_now_and_clears_due():
    completed_at = datetime(2025, 3, 20, 7, 30, tzinfo=UTC)
    with time_machine.travel(CREATED, tick=False) as clock:
        carol = make_user("carol")
        keep = checkup_of(carol, "keep")

        clock.move_to(completed_at)
        assert api_for(carol).get(f"/api/checkups/{keep.id}").json()["is_checkup_due"] is True
        response = api_for(carol).post(f"/api/checkups/{keep.id}/complete")

    assert response.status_code == 200
    assert response.json() == checkup_json(keep, last="2025-03-20T07:30:00Z", due=False)
    keep.refresh_from_db()
    assert keep.last_checkup_date == completed_at
    assert checkup_of(carol, "give").last_checkup_date == CREATED


# --- Interval ------------------------------------------------------------------------------------
def test_change_interval_to_3_returns_200_and_stores_it():
    with time_machine.travel(CREATED, tick=False):
        carol = make_user("carol")
        keep = checkup_of(carol, "keep")
        response = api_for(carol).put(f"/api/checkups/{keep.id}/interval", {"interval_months": 3})

    assert response.status_code == 200
    assert response.json() == checkup_json(keep, last=CREATED_JSON, interval=3)
    keep.refresh_from_db()
    assert keep.checkup_interval_months == 3
    assert keep.last_checkup_date == CREATED


@pytest.mark.parametrize("interval", [1, 12])
def test_change_interval_accepts_the_bounds(alice, alice_api, interval):
    keep = checkup_of(alice, "keep")

    response = alice_api.put(f"/api/checkups/{keep.id}/interval", {"interval_months": interval})

    assert response.status_code == 200
    assert response.json()["checkup_interval_months"] == interval


@pytest.mark.parametrize("payload", [{"interval_months": 0}, {"interval_months": 13}, {"interval_months": -1}, {}])
def test_change_interval_out_of_range_is_400_and_leaves_checkup_unchanged(alice, alice_api, payload):
    keep = checkup_of(alice, "keep")
    before = snapshot(keep)

    response = alice_api.put(f"/api/checkups/{keep.id}/interval", payload)

    assert response.status_code == 400
    assert response.json()["detail"].startswith("interval_months: ")
    assert snapshot(keep) == before


def test_change_interval_with_malformed_json_is_400(alice, alice_api):
    keep = checkup_of(alice, "keep")

    response = alice_api.put(f"/api/checkups/{keep.id}/interval", '{"interval_months": ')

    assert response.status_code == 400
    assert "detail" in response.json()
    assert checkup_of(alice, "keep").checkup_interval_months == 1


# --- Create --------------------------------------------------------------------------------------
@pytest.mark.parametrize("checkup_type", CheckupType.values)
def test_create_checkup_that_already_exists_is_400(alice, alice_api, checkup_type):
    response = alice_api.post("/api/checkups", {"checkup_type": checkup_type})

    assert response.status_code == 400
    assert response.json() == {"detail": f"A {checkup_type} checkup already exists"}
    assert Checkup.objects.filter(user=alice).count() == 2


def test_create_recreates_a_deleted_give_checkup_with_201():
    with time_machine.travel(CREATED, tick=False):
        carol = make_user("carol")
        checkup_of(carol, "give").delete()
        response = api_for(carol).post("/api/checkups", {"checkup_type": "give", "interval_months": 2})

    assert response.status_code == 201
    give = checkup_of(carol, "give")
    assert response.json() == checkup_json(give, last=CREATED_JSON, interval=2)
    assert Checkup.objects.filter(user=carol).count() == 2


def test_create_defaults_to_interval_1(alice, alice_api):
    checkup_of(alice, "keep").delete()

    response = alice_api.post("/api/checkups", {"checkup_type": "keep"})

    assert response.status_code == 201
    assert response.json()["checkup_interval_months"] == 1
    assert checkup_of(alice, "keep").checkup_interval_months == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"checkup_type": "donate"},
        {"checkup_type": "give", "interval_months": 0},
        {"checkup_type": "give", "interval_months": 13},
        {"interval_months": 2},
    ],
)
def test_create_checkup_with_invalid_payload_is_400_and_creates_nothing(alice, alice_api, payload):
    checkup_of(alice, "give").delete()

    response = alice_api.post("/api/checkups", payload)

    assert response.status_code == 400
    assert list(Checkup.objects.filter(user=alice).values_list("checkup_type", flat=True)) == ["keep"]


def test_creating_a_checkup_for_bob_does_not_depend_on_alices(alice, bob, bob_api):
    checkup_of(bob, "keep").delete()

    response = bob_api.post("/api/checkups", {"checkup_type": "keep", "interval_months": 4})

    assert response.status_code == 201
    assert checkup_of(bob, "keep").checkup_interval_months == 4
    assert checkup_of(alice, "keep").checkup_interval_months == 1


# --- Sync preferences ----------------------------------------------------------------------------
def test_sync_preferences_sets_every_interval_and_email_notifications():
    with time_machine.travel(CREATED, tick=False):
        carol = make_user("carol")
        response = api_for(carol).post("/api/sync-preferences", {"checkupInterval": 2, "emailNotifications": True})

    assert response.status_code == 200
    body = response.json()
    updated = body.pop("updated_checkups")
    assert body == {
        "message": "User preferences synced successfully",
        "email_notifications": True,
        "checkup_interval": 2,
    }
    assert by_type(updated) == [
        checkup_json(checkup_of(carol, "give"), last=CREATED_JSON, interval=2),
        checkup_json(checkup_of(carol, "keep"), last=CREATED_JSON, interval=2),
    ]
    carol.refresh_from_db()
    assert carol.email_notifications is True
    assert set(Checkup.objects.filter(user=carol).values_list("checkup_interval_months", flat=True)) == {2}


def test_sync_preferences_can_turn_email_notifications_off(alice, alice_api):
    User.objects.filter(pk=alice.pk).update(email_notifications=True)

    response = alice_api.post("/api/sync-preferences", {"checkupInterval": 1, "emailNotifications": False})

    assert response.status_code == 200
    assert response.json()["email_notifications"] is False
    alice.refresh_from_db()
    assert alice.email_notifications is False


def test_sync_preferences_recreates_a_missing_checkup():
    with time_machine.travel(CREATED, tick=False) as clock:
        carol = make_user("carol")
        checkup_of(carol, "keep").delete()

        clock.move_to(datetime(2025, 2, 1, tzinfo=UTC))
        response = api_for(carol).post("/api/sync-preferences", {"checkupInterval": 6, "emailNotifications": False})

    assert response.status_code == 200
    keep = checkup_of(carol, "keep")
    give = checkup_of(carol, "give")
    assert by_type(response.json()["updated_checkups"]) == [
        checkup_json(give, last=CREATED_JSON, interval=6),
        checkup_json(keep, last="2025-02-01T00:00:00Z", interval=6),
    ]
    assert keep.checkup_interval_months == give.checkup_interval_months == 6


def test_sync_preferences_does_not_touch_other_users(alice, bob, alice_api):
    response = alice_api.post("/api/sync-preferences", {"checkupInterval": 5, "emailNotifications": True})

    assert response.status_code == 200
    assert set(Checkup.objects.filter(user=bob).values_list("checkup_interval_months", flat=True)) == {1}
    bob.refresh_from_db()
    assert bob.email_notifications is False


@pytest.mark.parametrize(
    "payload",
    [
        {"checkupInterval": 13, "emailNotifications": True},
        {"checkupInterval": 0, "emailNotifications": True},
        {"checkupInterval": 2},
        {"emailNotifications": True},
        {"checkupInterval": "two", "emailNotifications": True},
        {"checkupInterval": 2, "emailNotifications": "maybe"},
        {"checkupInterval": 2, "emailNotifications": "yes"},  # strict, like the interval
        {"checkupInterval": 2, "emailNotifications": "true"},
        {"checkupInterval": 2, "emailNotifications": 1},
    ],
)
def test_sync_preferences_with_invalid_payload_is_400_and_changes_nothing(alice, alice_api, payload):
    checkups_before = sorted(snapshot(checkup) for checkup in Checkup.objects.filter(user=alice))

    response = alice_api.post("/api/sync-preferences", payload)

    assert response.status_code == 400
    assert isinstance(response.json()["detail"], str)
    assert response.json()["errors"]
    alice.refresh_from_db()
    assert alice.email_notifications is False
    assert sorted(snapshot(checkup) for checkup in Checkup.objects.filter(user=alice)) == checkups_before


def test_sync_preferences_with_interval_13_does_not_recreate_a_missing_checkup(alice, alice_api):
    checkup_of(alice, "give").delete()

    response = alice_api.post("/api/sync-preferences", {"checkupInterval": 13, "emailNotifications": True})

    assert response.status_code == 400
    assert list(Checkup.objects.filter(user=alice).values_list("checkup_type", flat=True)) == ["keep"]


@pytest.mark.parametrize("body", ['{"checkupInterval": 2, "emailNotifications": tru', "", "[]", "null", '"2"'])
def test_sync_preferences_with_malformed_or_non_object_json_is_400(alice, alice_api, body):
    response = alice_api.post("/api/sync-preferences", body)

    assert response.status_code == 400
    assert response.json()["detail"]
    alice.refresh_from_db()
    assert alice.email_notifications is False
    assert set(Checkup.objects.filter(user=alice).values_list("checkup_interval_months", flat=True)) == {1}


# --- Another user's checkup (BOLA) and authentication --------------------------------------------
@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("get", "", None),
        ("post", "/complete", None),
        ("put", "/interval", {"interval_months": 3}),
    ],
)
def test_bob_cannot_reach_alices_checkup(alice, bob_api, method, suffix, payload):
    keep = checkup_of(alice, "keep")
    before = snapshot(keep)
    kwargs = {} if payload is None else {"data": payload}

    response = getattr(bob_api, method)(f"/api/checkups/{keep.id}{suffix}", **kwargs)

    assert response.status_code == 404
    assert response.json() == {"detail": "Checkup not found"}
    assert snapshot(keep) == before


@pytest.mark.parametrize(
    ("method", "suffix", "payload"),
    [
        ("post", "/complete", None),
        ("put", "/interval", {"interval_months": 3}),
    ],
)
def test_writes_to_an_unknown_checkup_are_404(alice, alice_api, method, suffix, payload):
    unknown = (Checkup.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1000
    kwargs = {} if payload is None else {"data": payload}

    response = getattr(alice_api, method)(f"/api/checkups/{unknown}{suffix}", **kwargs)

    assert response.status_code == 404
    assert response.json() == {"detail": "Checkup not found"}


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("get", "/api/checkups", None),
        ("post", "/api/checkups", {"checkup_type": "keep"}),
        ("get", "/api/checkups/{id}", None),
        ("post", "/api/checkups/{id}/complete", None),
        ("put", "/api/checkups/{id}/interval", {"interval_months": 3}),
        ("post", "/api/sync-preferences", {"checkupInterval": 2, "emailNotifications": True}),
    ],
)
def test_checkup_endpoints_require_authentication(alice, anon_api, method, path, payload):
    keep = checkup_of(alice, "keep")
    before = snapshot(keep)
    kwargs = {} if payload is None else {"data": payload}

    response = getattr(anon_api, method)(path.format(id=keep.id), **kwargs)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert "detail" in response.json()
    assert snapshot(keep) == before


def test_invalid_token_is_401(alice):
    response = ApiClient("not-a-token").get("/api/checkups")

    assert response.status_code == 401


def test_sync_preferences_refuses_a_boolean_interval(alice_api, alice):
    response = alice_api.post("/api/sync-preferences", {"checkupInterval": True, "emailNotifications": True})

    assert response.status_code == 400
    alice.refresh_from_db()
    assert alice.email_notifications is False
