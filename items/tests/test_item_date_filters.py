"""GET /api/items?received_after=&received_before=&last_used_before=: the person's local days."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from config.testing import api_for, make_item, make_items
from items.models import ItemStatus
from users.models import User

pytestmark = pytest.mark.django_db


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def tokyo_alice(alice) -> User:
    """Alice in Tokyo (UTC+9) with three items around local midnights."""
    alice.time_zone = "Asia/Tokyo"
    alice.save(update_fields=["time_zone"])
    # June 10th 00:00 and December 31st 23:59 in Tokyo.
    make_item(alice, "A", item_received_date=at(2025, 6, 9, 15), last_used=at(2025, 12, 31, 14, 59))
    # June 9th 23:59 and January 1st 00:00 in Tokyo.
    make_item(alice, "B", item_received_date=at(2025, 6, 9, 14, 59), last_used=at(2025, 12, 31, 15))
    make_item(alice, "C", status=ItemStatus.GIVE, item_received_date=at(2024, 1, 1), last_used=at(2026, 1, 10))
    return alice


def names(user: User, query: str) -> list[str]:
    response = api_for(user).get(f"/api/items?{query}")
    assert response.status_code == 200, response.content
    return sorted(item["name"] for item in response.json())


def test_received_after_takes_that_whole_local_day_onwards(tokyo_alice):
    assert names(tokyo_alice, "received_after=2025-06-10") == ["A"]
    assert names(tokyo_alice, "received_after=2025-06-09") == ["A", "B"]


def test_received_before_ends_where_that_local_day_starts(tokyo_alice):
    assert names(tokyo_alice, "received_before=2025-06-10") == ["B", "C"]
    assert names(tokyo_alice, "received_before=2025-06-09") == ["C"]


def test_last_used_before_ends_where_that_local_day_starts(tokyo_alice):
    assert names(tokyo_alice, "last_used_before=2026-01-01") == ["A"]
    assert names(tokyo_alice, "last_used_before=2026-01-02") == ["A", "B"]


def test_the_same_moments_are_other_days_in_utc(alice):
    make_item(alice, "A", item_received_date=at(2025, 6, 9, 15))

    assert names(alice, "received_after=2025-06-10") == []
    assert names(alice, "received_before=2025-06-10") == ["A"]


def test_date_filters_combine_with_each_other_and_the_other_filters(tokyo_alice):
    assert names(tokyo_alice, "received_after=2024-01-01&received_before=2025-06-10&last_used_before=2026-02-01") == [
        "B",
        "C",
    ]
    assert names(tokyo_alice, "received_before=2025-06-10&status=Give") == ["C"]
    assert names(tokyo_alice, "received_after=2025-06-09&q=b") == ["B"]
    assert names(tokyo_alice, "received_after=2025-06-11&received_before=2025-06-10") == []


@pytest.mark.parametrize(
    "query",
    [
        "received_after=2025-13-01",
        "received_before=2025-02-30",
        "last_used_before=yesterday",
        "received_after=",
    ],
)
def test_a_bad_date_is_a_400_naming_the_filter(alice_api, query):
    response = alice_api.get(f"/api/items?{query}")

    assert response.status_code == 400, response.content
    assert query.split("=")[0] in response.json()["detail"]


@pytest.mark.parametrize("query", ["received_after=0001-01-01", "last_used_before=0001-01-01"])
def test_a_date_before_the_calendar_can_hold_it_in_utc_is_a_400(tokyo_alice, query):
    """The first day of year 1 starts in Tokyo before UTC's calendar begins: a 400, not a 500."""
    response = api_for(tokyo_alice).get(f"/api/items?{query}")

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": "date is out of range"}


def test_the_next_page_link_keeps_the_date_filters(alice):
    make_items(alice, 5, item_received_date=at(2025, 6, 1), last_used=at(2025, 7, 1))
    make_item(alice, "Older", item_received_date=at(2020, 1, 1))
    api = api_for(alice)
    query = "received_after=2025-01-01&last_used_before=2025-08-01&received_before=2026-01-01&limit=3"

    first = api.get(f"/api/items?{query}")
    link = urlsplit(first["Link"].removeprefix("<").split(">")[0])
    second = api.get(f"{link.path}?{link.query}")

    assert first["X-Total-Count"] == "5"
    assert parse_qs(link.query) == {
        "received_after": ["2025-01-01"],
        "last_used_before": ["2025-08-01"],
        "received_before": ["2026-01-01"],
        "limit": ["3"],
        "offset": ["3"],
    }
    assert len(first.json()) == 3 and len(second.json()) == 2
    assert "Link" not in second
    assert {item["name"] for item in first.json() + second.json()} == {f"Item {index}" for index in range(5)}


def test_the_filters_are_documented_in_openapi(admin_api):
    schema = admin_api.get("/api/openapi.json")
    if schema.status_code != 200:
        pytest.skip("OpenAPI is served in development only")
    parameters = {p["name"]: p for p in schema.json()["paths"]["/api/v1/items"]["get"]["parameters"]}
    for name in ("received_after", "received_before", "last_used_before"):
        assert "time zone" in parameters[name]["description"]
        assert parameters[name]["schema"]["anyOf"][0]["format"] == "date"
