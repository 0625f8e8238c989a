"""Query budgets per endpoint, and the item limit under concurrent creation."""

from __future__ import annotations

import pytest

from config.testing import ITEM_PAYLOAD, ApiClient, every_item_type, every_status, make_items, run_concurrently
from items.models import Checkup, OwnedItem
from minNow.auth import issue_dev_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 100])
def test_list_items_costs_the_same_queries_for_1_and_100_items(admin, admin_api, count, django_assert_max_num_queries):
    make_items(admin, count, item_type=every_item_type, status=every_status)

    with django_assert_max_num_queries(3):
        response = admin_api.get("/api/items")
    with django_assert_max_num_queries(3):
        paginated = admin_api.get("/api/items?limit=10&offset=0")

    assert len(response.json()) == count
    assert paginated["X-Total-Count"] == str(count)


@pytest.mark.parametrize(
    ("method", "path", "body", "budget"),
    [
        ("get", "/api/items/stats", None, 2),
        ("get", "/api/badges/donated", None, 2),
        ("get", "/api/checkups", None, 2),
        ("post", "/api/items", ITEM_PAYLOAD, 7),  # user, lock, count, insert, history + 2 savepoint statements
        ("post", "/api/sync-preferences", {"checkupInterval": 2, "emailNotifications": True}, 8),
    ],
)
def test_endpoint_query_budgets(alice, alice_api, method, path, body, budget, django_assert_max_num_queries):
    make_items(alice, 5, item_type=every_item_type, status=every_status)

    with django_assert_max_num_queries(budget):
        response = alice_api.request(method, path, body)

    assert response.status_code in (200, 201)


def test_item_detail_update_delete_budgets(alice, alice_api, django_assert_max_num_queries):
    make_items(alice, 3, item_type=every_item_type, status=every_status)
    item = OwnedItem.objects.filter(user=alice).first()
    checkup = Checkup.objects.filter(user=alice).first()

    with django_assert_max_num_queries(2):
        assert alice_api.get(f"/api/items/{item.id}").status_code == 200
    with django_assert_max_num_queries(6):  # with its history row
        assert alice_api.put(f"/api/items/{item.id}", {"name": "Renamed"}).status_code == 200
    with django_assert_max_num_queries(2):
        assert alice_api.get(f"/api/checkups/{checkup.id}").status_code == 200
    with django_assert_max_num_queries(5):
        assert alice_api.post(f"/api/checkups/{checkup.id}/complete").status_code == 200
    with django_assert_max_num_queries(3):  # user, delete, history
        assert alice_api.delete(f"/api/items/{item.id}").status_code == 204


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_never_exceed_the_item_limit(alice):
    token = issue_dev_token(alice)
    statuses = run_concurrently(lambda: ApiClient(token).post("/api/items", ITEM_PAYLOAD).status_code, 20)

    assert sorted(statuses) == [201] * 10 + [400] * 10
    assert OwnedItem.objects.filter(user=alice).count() == 10
