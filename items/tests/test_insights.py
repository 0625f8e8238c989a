"""GET /api/insights: let go per month, median months owned before letting go, goals and unused items."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
import time_machine

from config.testing import api_for, make_item, make_items
from items.models import ItemAction, ItemEvent, ItemStatus, ItemType, OwnedItem
from users.models import User

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def status_event(user: User, item: OwnedItem | None, old: str | None, new: str, when: datetime) -> ItemEvent:
    """The history row of a status change (or, with `old` None, of a creation) of `item` (None: a deleted item)."""
    return ItemEvent.objects.create(
        user=user,
        item_id=item.id if item else uuid.uuid4(),
        item_name=item.name if item else "Gone",
        action=ItemAction.CREATED if old is None else ItemAction.STATUS_CHANGED,
        changes={"status": [old, new]},
        at=when,
    )


def let_go(user: User, name: str, item_type: str, status: str, received: datetime, when: datetime) -> OwnedItem:
    """An item kept since `received` and let go (to `status`) at `when`."""
    item = make_item(user, name, item_type=item_type, status=status, item_received_date=received)
    status_event(user, item, ItemStatus.KEEP, status, when)
    return item


def seed_household(user: User) -> None:
    """Known history, seen from NOW in Europe/Berlin (the window is 2025-04 .. 2026-03 there)."""
    clothing, decor = ItemType.CLOTHING_ACCESSORIES, ItemType.DECOR_ART
    give, donate, keep = ItemStatus.GIVE, ItemStatus.DONATE, ItemStatus.KEEP
    let_go(user, "Jacket", clothing, give, at(2024, 1, 10, 10), at(2025, 7, 20))  # 18 months
    let_go(user, "Shirt", clothing, donate, at(2025, 1, 5), at(2025, 12, 3))  # 10 months (the 3rd is before the 5th)
    let_go(user, "Hat", clothing, give, at(2023, 6, 1), at(2026, 3, 1))  # 33 months
    # Created as donated: the creation is the letting go (60 months).
    drill = make_item(
        user, "Drill", item_type=ItemType.TOOLS_EQUIPMENT, status=donate, item_received_date=at(2020, 5, 15)
    )
    status_event(user, drill, None, donate, at(2025, 5, 20))
    # Given, taken back, given again: both count in their months; the last one is when it was let go (8 months).
    books = make_item(user, "Books", item_type=ItemType.BOOKS_MEDIA, status=give, item_received_date=at(2025, 1, 1))
    status_event(user, books, keep, give, at(2025, 4, 10))
    status_event(user, books, give, keep, at(2025, 4, 12))
    status_event(user, books, keep, give, at(2025, 9, 1))
    # Let go before the window (120 months): in the median, not in the months.
    let_go(user, "Lamp", decor, donate, at(2015, 3, 10), at(2025, 3, 10))
    # 2025-03-31 22:30 UTC is April 1st, 00:30 in Berlin: the window's first month (12 months).
    let_go(user, "Vase", decor, donate, at(2024, 3, 31, 22, 30), at(2025, 3, 31, 22, 30))
    # 2026-01-31 23:30 UTC is February in Berlin (1 month).
    let_go(user, "Mug", ItemType.OTHER, give, at(2025, 12, 1), at(2026, 1, 31, 23, 30))
    # Received (as since corrected) after it was let go: owned 0 months, not fewer.
    let_go(user, "Misdated", ItemType.OTHER, donate, at(2025, 2, 1), at(2025, 1, 1))
    # A deleted item given in June: counted in its month, not in the medians (no received date left).
    status_event(user, None, keep, give, at(2025, 6, 15))

    # Kept items: goals and use.
    make_item(
        user,
        "Goal exactly",
        item_received_date=at(2024, 3, 15, 12),
        ownership_duration_goal_months=24,
        last_used=at(2025, 1, 1),
    )
    make_item(
        user,
        "Goal a second short",
        item_received_date=at(2024, 3, 15, 12, 0, 1),
        ownership_duration_goal_months=24,
        last_used=at(2026, 3, 1),
    )
    taken_back = make_item(
        user,
        "Taken back",
        item_received_date=at(2020, 1, 1),
        ownership_duration_goal_months=12,
        last_used=at(2025, 9, 15, 10, 59),
    )
    # Given in August and taken back the next day: August counts it, the medians do not (it is kept).
    status_event(user, taken_back, keep, give, at(2025, 8, 10))
    status_event(user, taken_back, give, keep, at(2025, 8, 11))
    make_item(
        user,
        "New",
        item_received_date=at(2025, 9, 1),
        ownership_duration_goal_months=12,
        last_used=at(2025, 9, 15, 11),  # exactly 6 months before NOW on the person's clock: not unused
    )
    # Events that are no letting go.
    ItemEvent.objects.create(
        user=user,
        item_id=taken_back.id,
        item_name="Taken back",
        action=ItemAction.UPDATED,
        changes={"name": ["Old name", "Taken back"]},
        at=at(2025, 10, 5),
    )
    ItemEvent.objects.create(
        user=user,
        item_id=taken_back.id,
        item_name="Taken back",
        action=ItemAction.MOVED,
        changes={"current_location_id": [None, str(uuid.uuid4())]},
        at=at(2025, 11, 5),
    )


def month(name: str, given: int = 0, donated: int = 0) -> dict:
    return {"month": name, "given": given, "donated": donated}


EXPECTED_MONTHS = [
    month("2025-04", given=1, donated=1),
    month("2025-05", donated=1),
    month("2025-06", given=1),
    month("2025-07", given=1),
    month("2025-08", given=1),
    month("2025-09", given=1),
    month("2025-10"),
    month("2025-11"),
    month("2025-12", donated=1),
    month("2026-01"),
    month("2026-02", given=1),
    month("2026-03", given=1),
]


@pytest.fixture
def berlin_alice(alice) -> User:
    alice.time_zone = "Europe/Berlin"
    alice.save(update_fields=["time_zone"])
    return alice


def insights(user: User, query: str = "") -> dict:
    response = api_for(user).get(f"/api/insights{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_insights_of_a_household_with_known_answers(berlin_alice):
    seed_household(berlin_alice)

    with time_machine.travel(NOW, tick=False):
        body = insights(berlin_alice)

    goal_exactly = OwnedItem.objects.get(name="Goal exactly")
    taken_back = OwnedItem.objects.get(name="Taken back")
    assert body == {
        "let_go_by_month": EXPECTED_MONTHS,
        "median_months_owned_before_letting_go": {
            "Books_Media": 8.0,
            "Clothing_Accessories": 18.0,
            "Decor_Art": 66.0,
            "Other": 0.5,
            "Tools_Equipment": 60.0,
        },
        # 0, 1, 8, 10, 12, 18, 33, 60, 120
        "median_months_owned_before_letting_go_overall": 12.0,
        "goals": {"reached": 2, "in_progress": 2},
        "unused": {
            "months": 6,
            "total": 2,
            "items": [
                {
                    "id": str(goal_exactly.id),
                    "name": "Goal exactly",
                    "item_type": "Other",
                    "last_used": "2025-01-01T00:00:00Z",
                    "months_unused": 14,
                },
                {
                    "id": str(taken_back.id),
                    "name": "Taken back",
                    "item_type": "Other",
                    "last_used": "2025-09-15T10:59:00Z",
                    "months_unused": 6,
                },
            ],
        },
    }


def test_unused_months_is_a_parameter(berlin_alice):
    seed_household(berlin_alice)

    with time_machine.travel(NOW, tick=False):
        year = insights(berlin_alice, "?unused_months=12")["unused"]
        api = api_for(berlin_alice)
        too_few, too_many = api.get("/api/insights?unused_months=0"), api.get("/api/insights?unused_months=121")

    assert (year["months"], year["total"]) == (12, 1)
    assert [item["name"] for item in year["items"]] == ["Goal exactly"]
    for response in (too_few, too_many):
        assert response.status_code == 400
        assert "unused_months" in response.json()["detail"]


def test_unused_suggestions_are_capped_and_counted(alice):
    make_items(alice, 25, last_used=lambda index: at(2024, 1, 1 + index))

    with time_machine.travel(NOW, tick=False):
        unused = insights(alice)["unused"]

    assert unused["total"] == 25
    assert [item["name"] for item in unused["items"]] == [f"Item {index}" for index in range(20)]


def test_months_follow_the_persons_calendar(alice, bob):
    alice.time_zone = "America/New_York"
    alice.save(update_fields=["time_zone"])
    # 03:00 UTC on March 1st is still February 28th in New York: February is the current month there.
    now = at(2026, 3, 1, 3)
    item = make_item(alice, "Chair", status=ItemStatus.GIVE)
    status_event(alice, item, ItemStatus.KEEP, ItemStatus.GIVE, at(2026, 3, 1, 2))  # Feb 28, 21:00 in New York
    status_event(alice, item, ItemStatus.KEEP, ItemStatus.DONATE, at(2025, 3, 1, 5))  # Mar 1, 00:00: first month
    status_event(alice, item, ItemStatus.KEEP, ItemStatus.DONATE, at(2025, 3, 1, 4, 59))  # Feb 28 2025: outside
    # Bob, in UTC, sees the same moments in March.
    status_event(bob, None, ItemStatus.KEEP, ItemStatus.GIVE, at(2026, 3, 1, 2))

    with time_machine.travel(now, tick=False):
        alice_months = insights(alice)["let_go_by_month"]
        bob_months = insights(bob)["let_go_by_month"]

    assert [row["month"] for row in alice_months] == [f"2025-{m:02}" for m in range(3, 13)] + ["2026-01", "2026-02"]
    assert alice_months[0] == month("2025-03", donated=1)
    assert alice_months[-1] == month("2026-02", given=1)
    assert sum(row["given"] + row["donated"] for row in alice_months) == 2
    assert bob_months[-1] == month("2026-03", given=1)
    assert bob_months[0]["month"] == "2025-04"


def test_an_empty_account(alice):
    with time_machine.travel(NOW, tick=False):
        body = insights(alice)

    assert body == {
        "let_go_by_month": [month(f"2025-{m:02}") for m in range(4, 13)] + [month(f"2026-{m:02}") for m in (1, 2, 3)],
        "median_months_owned_before_letting_go": {},
        "median_months_owned_before_letting_go_overall": None,
        "goals": {"reached": 0, "in_progress": 0},
        "unused": {"months": 6, "total": 0, "items": []},
    }


def test_other_peoples_history_and_items_do_not_count(berlin_alice, bob):
    seed_household(bob)

    with time_machine.travel(NOW, tick=False):
        body = insights(berlin_alice)
        bobs = insights(bob)

    assert body["let_go_by_month"] == [month(row["month"]) for row in EXPECTED_MONTHS]
    assert body["median_months_owned_before_letting_go"] == {}
    assert body["goals"] == {"reached": 0, "in_progress": 0}
    assert body["unused"]["total"] == 0
    assert bobs["goals"] == {"reached": 2, "in_progress": 2}


def test_insights_need_a_token(anon_api):
    assert anon_api.get("/api/insights").status_code == 401


def seed_many(user: User, count: int) -> None:
    """`count` items of every status with an event each, spread over two years."""
    statuses = [ItemStatus.KEEP, ItemStatus.GIVE, ItemStatus.DONATE]
    items = make_items(
        user,
        count,
        status=lambda index: statuses[index % 3],
        item_type=lambda index: ItemType.values[index % len(ItemType.values)],
        last_used=lambda index: at(2024, 1 + index % 12, 1),
    )
    ItemEvent.objects.bulk_create(
        ItemEvent(
            user=user,
            item_id=item.id,
            item_name=item.name,
            action=ItemAction.STATUS_CHANGED,
            changes={"status": [ItemStatus.KEEP, item.status]},
            at=at(2025 + index % 2, 1 + index % 12, 10),
        )
        for index, item in enumerate(items)
    )


@pytest.mark.parametrize("count", [10, 500])
def test_insights_cost_the_same_queries_for_10_and_500_items(admin, count, django_assert_max_num_queries):
    seed_many(admin, count)

    with time_machine.travel(NOW, tick=False):
        api = api_for(admin)
        # The user, let go per month, the medians (two on PostgreSQL), goals, unused and their count.
        with django_assert_max_num_queries(7):
            response = api.get("/api/insights")

    assert response.status_code == 200
    body = response.json()
    assert sum(row["given"] + row["donated"] for row in body["let_go_by_month"]) > 0
    assert body["goals"]["reached"] + body["goals"]["in_progress"] == len([i for i in range(count) if i % 3 == 0])
