"""The per-process copy of the caller's user row (users/cache.py), on the real Redis: a repeat request reads
no user row, and a change to the row, made in this process or in another one (which bumps the user version
in Redis), is seen by the next request."""

from __future__ import annotations

import time

import pytest
import redis
from django.test import override_settings

from config.testing import TEST_REDIS_URL, api_for, make_item, redis_available
from locations.models import Location
from minNow import ratelimit
from users import cache
from users.models import User
from users.services import sync_emails

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not redis_available(), reason=f"Redis does not answer at {TEST_REDIS_URL}"),
]


@pytest.fixture(autouse=True)
def shared_redis():
    cache.forget_all()
    with override_settings(UPSTASH_REDIS_REST_URL="", UPSTASH_REDIS_REST_TOKEN="", REDIS_URL=TEST_REDIS_URL):
        yield
    cache.forget_all()


def stored_version(user: User) -> int:
    value = redis.Redis.from_url(TEST_REDIS_URL).get(f"{ratelimit.VERSION_PREFIX}:{user.clerk_id}")
    return int(value or 0)


def test_a_repeat_request_reads_no_user_row(alice, django_assert_num_queries):
    item = make_item(alice, "Kettle")
    api = api_for(alice)
    with django_assert_num_queries(2):  # the user, then the item
        first = api.get(f"/api/items/{item.id}")
    with django_assert_num_queries(1):  # the item only
        again = api.get(f"/api/items/{item.id}")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()


def test_a_change_made_by_another_process_is_seen_through_the_version(alice):
    api = api_for(alice)
    assert api.get("/api/items").status_code == 200
    assert api.get("/api/items").status_code == 200  # served from this process's copy
    User.objects.filter(pk=alice.pk).update(is_active=False)  # another process's write, without our signals
    assert api.get("/api/items").status_code == 200  # the copy is still current as far as Redis knows

    ratelimit.bump_user_version(alice.clerk_id)  # what that process's signal does once its write commits

    response = api.get("/api/items")
    assert response.status_code == 401
    assert response.json() == {"detail": "User account is disabled"}


def test_a_save_drops_the_copy_here_and_bumps_the_version_after_commit(alice, django_capture_on_commit_callbacks):
    api = api_for(alice)
    assert api.get("/api/items").status_code == 200
    before = stored_version(alice)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        alice.is_active = False  # as the admin does
        alice.save()
        assert stored_version(alice) == before  # not before the commit: another process could reread the old row

    # One version bump (a deactivation also closes the person's live-update sockets: another callback).
    assert [getattr(callback, "func", None) for callback in callbacks].count(ratelimit.bump_user_version) == 1
    assert stored_version(alice) == before + 1
    assert api.get("/api/items").status_code == 401


def test_a_deleted_account_is_not_served_from_a_copy(alice, django_capture_on_commit_callbacks):
    api = api_for(alice)
    make_item(alice, "Kettle")
    assert len(api.get("/api/items").json()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert api.delete("/api/me").status_code in (200, 204)

    items = api.get("/api/items")  # the same token comes back: a new, empty account, not the deleted row

    assert items.status_code == 200 and items.json() == []
    assert User.objects.get(clerk_id=alice.clerk_id).pk != alice.pk


def test_email_sync_around_the_model_still_bumps_every_changed_user(alice, bob, django_capture_on_commit_callbacks):
    before = {user.pk: stored_version(user) for user in (alice, bob)}
    with django_capture_on_commit_callbacks(execute=True):
        sync_emails({alice.clerk_id: "alice@new.example"})
    assert stored_version(alice) == before[alice.pk] + 1
    assert stored_version(bob) == before[bob.pk]


def test_a_copy_expires_on_its_own(alice, django_assert_num_queries, monkeypatch):
    api = api_for(alice)
    api.get("/api/items")
    monkeypatch.setattr(cache, "MAX_AGE_SECONDS", 0.05)
    time.sleep(0.1)
    with django_assert_num_queries(2):  # the user is read again
        assert api.get("/api/items").status_code == 200


def test_without_redis_no_copy_is_kept(alice, django_assert_num_queries):
    api = api_for(alice)
    with override_settings(REDIS_URL=""):
        api.get("/api/items")
        with django_assert_num_queries(2):  # several workers could not tell each other of a change
            assert api.get("/api/items").status_code == 200


HOT_READS = [
    "/api/items",
    "/api/items?include_sublocations=true&location_id={place}",
    "/api/items/{item}",
    "/api/items/stats",
    "/api/badges/donated",
    "/api/locations",
    "/api/locations/tree",
    "/api/locations/{place}",
    "/api/locations/search?q=garage",
    "/api/items/search?q=drill",
    "/api/search?q=garage",
    "/api/checkups",
]


@pytest.mark.parametrize("path", HOT_READS)
def test_every_hot_read_runs_at_most_two_queries_including_the_user(alice, path, django_assert_max_num_queries):
    garage = Location.objects.create(user=alice, display_name="Garage")
    item = make_item(alice, "Cordless Drill", current_location=garage)
    make_item(alice, "Garden Hose")
    api = api_for(alice)
    url = path.format(place=garage.id, item=item.id)
    assert api.get(url).status_code == 200  # the user row is read and kept
    with django_assert_max_num_queries(2):
        response = api.get(url)
    assert response.status_code == 200, response.content
