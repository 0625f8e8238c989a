"""Item endpoints through HTTP: the JSON contract, filters and pagination, validation (400 and no
write, in the error shape of docs/design.md "Errors"), the per-user item limit (docs/design.md "Per-user
limits and the user lock"), stats, object-level authorization, and keep badges / goal progress computed
from the calendar difference against a frozen clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
import time_machine
from dateutil.relativedelta import relativedelta
from django.test import override_settings

from config.testing import (
    BADGE_LABELS,
    ITEM_PAYLOAD,
    ApiClient,
    api_for,
    assert_validation_error,
    create_item,
    item_payload,
    make_items,
)
from items.models import ItemStatus, ItemType, OwnedItem

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 12, 20, 12, 0, tzinfo=UTC)
LIMIT_MESSAGE = "Cannot add 1 item(s). You have 10/10 items. Only 0 slot(s) remaining."


def keep_badges(label: str, progress: tuple[float, float, float], months_owned: int) -> list[dict]:
    tiers = [("bronze", 12, "1 year"), ("silver", 60, "5 years"), ("gold", 120, "10 years")]
    return [
        {
            "tier": tier,
            "name": f"{tier.title()} {label} Keeper",
            "description": f"Owned an item for {years}",
            "min": minimum,
            "unit": "months",
            "progress": value,
            "achieved": months_owned >= minimum,
        }
        for (tier, minimum, years), value in zip(tiers, progress, strict=True)
    ]


# --- POST /api/items ------------------------------------------------------------------------------
def test_create_item_returns_201_and_the_exact_item_json(alice):
    with time_machine.travel(NOW, tick=False):
        response = api_for(alice).post("/api/items", ITEM_PAYLOAD)

    assert response.status_code == 201, response.content
    body = response.json()
    stored = OwnedItem.objects.get()
    assert body == {
        "id": str(stored.id),
        "name": "Wool Sweater",
        "picture_url": "🧶",
        "item_type": "Clothing_Accessories",
        "item_type_label": "Clothing & Accessories",
        "status": "Keep",
        "item_received_date": "2023-01-15T10:30:00Z",
        "last_used": "2024-12-01T08:00:00Z",
        "ownership_duration": {"years": 1, "months": 11, "days": 5, "description": "1y 11m"},
        "last_used_duration": {"years": 0, "months": 0, "days": 19, "description": "0y 0m"},
        "keep_badge_progress": [
            {
                "tier": "bronze",
                "name": "Bronze Clothing Keeper",
                "description": "Owned an item for 1 year",
                "min": 12,
                "unit": "months",
                "progress": 1.0,
                "achieved": True,
            },
            {
                "tier": "silver",
                "name": "Silver Clothing Keeper",
                "description": "Owned an item for 5 years",
                "min": 60,
                "unit": "months",
                "progress": 0.38,
                "achieved": False,
            },
            {
                "tier": "gold",
                "name": "Gold Clothing Keeper",
                "description": "Owned an item for 10 years",
                "min": 120,
                "unit": "months",
                "progress": 0.19,
                "achieved": False,
            },
        ],
        "ownership_duration_goal_months": 24,
        "ownership_duration_goal_progress": 0.96,
        "current_location_id": None,
        "location_path": None,
        "location_updated_at": None,
    }


def test_create_item_stores_it_owned_by_the_caller(alice, alice_api):
    body = create_item(alice_api)

    stored = OwnedItem.objects.get(pk=body["id"])
    assert stored.user == alice
    assert stored.name == "Wool Sweater"
    assert stored.picture_url == "🧶"
    assert stored.item_type == ItemType.CLOTHING_ACCESSORIES
    assert stored.status == ItemStatus.KEEP
    assert stored.item_received_date == datetime(2023, 1, 15, 10, 30, tzinfo=UTC)
    assert stored.last_used == datetime(2024, 12, 1, 8, 0, tzinfo=UTC)
    assert stored.ownership_duration_goal_months == 24


def test_create_item_defaults_to_status_keep_and_a_12_month_goal(alice, alice_api):
    payload = item_payload()
    del payload["status"], payload["ownership_duration_goal_months"]

    response = alice_api.post("/api/items", payload)

    assert response.status_code == 201, response.content
    assert response.json()["status"] == "Keep"
    assert response.json()["ownership_duration_goal_months"] == 12
    stored = OwnedItem.objects.get(user=alice)
    assert (stored.status, stored.ownership_duration_goal_months) == ("Keep", 12)


def test_create_item_trims_the_name(alice_api):
    assert create_item(alice_api, name="  Sweater  ")["name"] == "Sweater"
    assert OwnedItem.objects.get().name == "Sweater"


# --- GET /api/items -------------------------------------------------------------------------------
def test_list_items_is_newest_first_with_the_total_in_a_header(alice):
    with time_machine.travel(NOW, tick=False) as traveller:
        api = api_for(alice)
        for name in ("First", "Second", "Third"):
            create_item(api, name=name)
            traveller.shift(timedelta(seconds=1))
        response = api.get("/api/items")

    assert response.status_code == 200
    assert [entry["name"] for entry in response.json()] == ["Third", "Second", "First"]
    assert response["X-Total-Count"] == "3"


def test_list_items_of_a_user_without_items_is_an_empty_array(alice_api):
    response = alice_api.get("/api/items")

    assert response.status_code == 200
    assert response.json() == []
    assert response["X-Total-Count"] == "0"


def test_list_items_filters_by_status(alice_api):
    create_item(alice_api, name="Kept", status="Keep")
    create_item(alice_api, name="Given", status="Give")
    create_item(alice_api, name="Donated", status="Donate")

    for status, name in [("Keep", "Kept"), ("Give", "Given"), ("Donate", "Donated")]:
        response = alice_api.get(f"/api/items?status={status}")
        assert response.status_code == 200
        assert [entry["name"] for entry in response.json()] == [name]
        assert response["X-Total-Count"] == "1"


def test_list_items_filters_by_item_type(alice_api):
    create_item(alice_api, name="Laptop", item_type="Technology")
    create_item(alice_api, name="Phone", item_type="Technology")
    create_item(alice_api, name="Sweater", item_type="Clothing_Accessories")

    response = alice_api.get("/api/items?item_type=Technology")

    assert response.status_code == 200
    assert sorted(entry["name"] for entry in response.json()) == ["Laptop", "Phone"]
    assert response["X-Total-Count"] == "2"


def test_list_items_q_matches_name_case_insensitively(alice_api):
    create_item(alice_api, name="Wool Sweater")
    create_item(alice_api, name="SWEATER vest")
    create_item(alice_api, name="Laptop")

    response = alice_api.get("/api/items?q=sWeAtEr")

    assert response.status_code == 200
    assert sorted(entry["name"] for entry in response.json()) == ["SWEATER vest", "Wool Sweater"]
    assert response["X-Total-Count"] == "2"


def test_list_items_q_matches_words_of_the_name_type_and_place_newest_first(alice):
    with time_machine.travel(NOW, tick=False) as traveller:
        api = api_for(alice)
        garage = api.post("/api/locations", {"display_name": "Garage"}).json()
        for name, item_type, place in [
            ("Hammer", "Tools_Equipment", None),
            ("Bike", "Vehicles", garage["id"]),
            ("Café Table", "Furniture_Appliances", None),
            ("Garage Remote", "Technology", None),
        ]:
            create_item(api, name=name, item_type=item_type, current_location_id=place)
            traveller.shift(timedelta(seconds=1))

    def names(query: str) -> list[str]:
        response = api_for(alice).get(f"/api/items?{urlencode({'q': query})}")
        assert response.status_code == 200, response.content
        assert response["X-Total-Count"] == str(len(response.json()))
        return [entry["name"] for entry in response.json()]

    assert names("garage") == ["Garage Remote", "Bike"]  # newest first, the bike found by its place
    assert names("tools") == ["Hammer"]  # the type's label
    assert names("CAFE tab") == ["Café Table"]  # any case, accents, word starts
    assert names("able") == []  # inside a word is not a match
    assert names("?!") == []  # no words


def test_list_items_combines_filters(alice_api):
    create_item(alice_api, name="Old laptop", item_type="Technology", status="Donate")
    create_item(alice_api, name="New laptop", item_type="Technology", status="Keep")
    create_item(alice_api, name="Laptop bag", item_type="Clothing_Accessories", status="Donate")

    response = alice_api.get("/api/items?status=Donate&item_type=Technology&q=laptop")

    assert [entry["name"] for entry in response.json()] == ["Old laptop"]


def test_list_items_limit_and_offset_page_through_with_the_full_total(alice):
    with time_machine.travel(NOW, tick=False) as traveller:
        api = api_for(alice)
        for n in range(5):
            create_item(api, name=f"Item {n}")
            traveller.shift(timedelta(seconds=1))

        first = api.get("/api/items?limit=2")
        second = api.get("/api/items?limit=2&offset=2")
        last = api.get("/api/items?limit=2&offset=4")
        beyond = api.get("/api/items?limit=2&offset=10")
        offset_only = api.get("/api/items?offset=3")

    assert [entry["name"] for entry in first.json()] == ["Item 4", "Item 3"]
    assert [entry["name"] for entry in second.json()] == ["Item 2", "Item 1"]
    assert [entry["name"] for entry in last.json()] == ["Item 0"]
    assert beyond.json() == []
    assert [entry["name"] for entry in offset_only.json()] == ["Item 1", "Item 0"]
    for response in (first, second, last, beyond, offset_only):
        assert response.status_code == 200
        assert response["X-Total-Count"] == "5"


def test_list_items_link_header_names_the_next_page_with_the_same_filters(alice):
    with time_machine.travel(NOW, tick=False) as traveller:
        api = api_for(alice)
        for n in range(5):
            create_item(api, name=f"Item {n}", status="Keep")
            traveller.shift(timedelta(seconds=1))
        create_item(api, name="Given", status="Give")

        first = api.get("/api/items?status=Keep&limit=2")
        pages = [first]
        while "Link" in pages[-1]:
            target, rel = pages[-1]["Link"].split("; ")
            assert rel == 'rel="next"'
            pages.append(api.get(target.strip("<>").removeprefix("http://testserver")))

    assert first["Link"] == '<http://testserver/api/items?status=Keep&limit=2&offset=2>; rel="next"'
    assert [[entry["name"] for entry in page.json()] for page in pages] == [
        ["Item 4", "Item 3"],
        ["Item 2", "Item 1"],
        ["Item 0"],
    ]
    assert {page["X-Total-Count"] for page in pages} == {"5"}


def test_list_items_default_page_is_100_items_and_the_last_page_needs_no_count(
    admin, admin_api, django_assert_num_queries
):
    make_items(admin, 101)

    default = admin_api.get("/api/items")
    with django_assert_num_queries(2):  # the user, the page (which holds the last item: no count)
        rest = admin_api.get("/api/items?offset=100")

    assert len(default.json()) == 100
    assert default["Link"].endswith('offset=100&limit=100>; rel="next"')
    assert rest.json()[0]["id"] not in {entry["id"] for entry in default.json()}
    assert len(rest.json()) == 1 and "Link" not in rest
    assert default["X-Total-Count"] == rest["X-Total-Count"] == "101"


def test_list_items_total_header_counts_the_filtered_items(alice_api):
    for n in range(3):
        create_item(alice_api, name=f"Kept {n}", status="Keep")
    create_item(alice_api, name="Given", status="Give")

    response = alice_api.get("/api/items?status=Keep&limit=1")

    assert len(response.json()) == 1
    assert response["X-Total-Count"] == "3"


@pytest.mark.parametrize(
    "query",
    [
        "limit=501",
        "limit=0",
        "limit=-1",
        "offset=-1",
        "limit=abc",
        "status=keep",
        "status=Kept",
        "item_type=Car",
        "item_type=technology",
    ],
)
def test_list_items_rejects_bad_query_parameters_with_400(alice_api, query):
    response = alice_api.get(f"/api/items?{query}")

    assert_validation_error(response)


def test_list_items_accepts_limit_100(alice_api):
    create_item(alice_api)

    response = alice_api.get("/api/items?limit=100")

    assert response.status_code == 200
    assert len(response.json()) == 1


# --- GET / PUT / DELETE /api/items/{id} -------------------------------------------------------------
def test_get_item_returns_the_same_json_as_create(alice):
    with time_machine.travel(NOW, tick=False):
        api = api_for(alice)
        created = create_item(api)
        response = api.get(f"/api/items/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


def test_put_item_changes_only_the_fields_sent(alice):
    with time_machine.travel(NOW, tick=False):
        api = api_for(alice)
        created = create_item(api)
        response = api.put(
            f"/api/items/{created['id']}",
            {"name": "Updated Name", "status": "Donate", "ownership_duration_goal_months": 36},
        )

    assert response.status_code == 200, response.content
    assert response.json() == {
        **created,
        "name": "Updated Name",
        "status": "Donate",
        "ownership_duration_goal_months": 36,
        "ownership_duration_goal_progress": 0.64,
    }
    stored = OwnedItem.objects.get(pk=created["id"])
    assert (stored.name, stored.status, stored.ownership_duration_goal_months) == ("Updated Name", "Donate", 36)
    assert stored.picture_url == "🧶"
    assert stored.item_type == "Clothing_Accessories"
    assert stored.item_received_date == datetime(2023, 1, 15, 10, 30, tzinfo=UTC)
    assert stored.last_used == datetime(2024, 12, 1, 8, 0, tzinfo=UTC)


def test_put_item_with_dates_recomputes_the_durations(alice):
    with time_machine.travel(NOW, tick=False):
        api = api_for(alice)
        created = create_item(api)
        response = api.put(
            f"/api/items/{created['id']}",
            {"item_received_date": "2014-12-20T12:00:00Z", "last_used": "2024-12-20T12:00:00Z"},
        )

    body = response.json()
    assert response.status_code == 200, response.content
    assert body["item_received_date"] == "2014-12-20T12:00:00Z"
    assert body["ownership_duration"] == {"years": 10, "months": 0, "days": 0, "description": "10y 0m"}
    assert body["last_used_duration"] == {"years": 0, "months": 0, "days": 0, "description": "0y 0m"}
    assert [badge["achieved"] for badge in body["keep_badge_progress"]] == [True, True, True]
    assert body["name"] == "Wool Sweater"


def test_put_item_with_an_empty_body_changes_nothing(alice_api):
    created = create_item(alice_api)

    response = alice_api.put(f"/api/items/{created['id']}", {})

    assert response.status_code == 200
    assert response.json()["name"] == "Wool Sweater"
    assert OwnedItem.objects.get().name == "Wool Sweater"


def test_delete_item_returns_204_with_no_body_and_the_item_is_gone(alice_api):
    created = create_item(alice_api)

    response = alice_api.delete(f"/api/items/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert not OwnedItem.objects.exists()
    assert alice_api.get(f"/api/items/{created['id']}").status_code == 404
    assert alice_api.delete(f"/api/items/{created['id']}").status_code == 404


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_unknown_item_id_is_404_with_a_detail(alice_api, method):
    create_item(alice_api)
    path = f"/api/items/{uuid.uuid4()}"

    response = alice_api.put(path, {"name": "x"}) if method == "put" else getattr(alice_api, method)(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Item not found"}
    assert OwnedItem.objects.get().name == "Wool Sweater"


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_non_uuid_item_id_is_400_naming_the_id(alice_api, method):
    path = "/api/items/not-a-uuid"

    response = alice_api.put(path, {"name": "x"}) if method == "put" else getattr(alice_api, method)(path)

    assert_validation_error(response)
    assert response.json()["detail"].startswith("item_id: Input should be a valid UUID")
    assert response.json()["errors"][0]["loc"] == ["path", "item_id"]


# --- Validation: 400, never 500, nothing written --------------------------------------------------
@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param({"name": "   "}, id="blank-name"),
        pytest.param({"name": "x" * 256}, id="name-256-chars"),
        pytest.param({"picture_url": ""}, id="empty-picture"),
        pytest.param({"picture_url": "x" * 256}, id="picture-256-chars"),
        pytest.param({"picture_url": "javascript:alert(1)"}, id="javascript-url"),
        pytest.param({"picture_url": "JavaScript:alert(1)"}, id="javascript-url-mixed-case"),
        pytest.param({"picture_url": "  javascript:alert(1)"}, id="javascript-url-leading-space"),
        pytest.param({"picture_url": "data:text/html,x"}, id="data-url"),
        pytest.param({"picture_url": "java\tscript:alert(1)"}, id="javascript-url-with-tab"),
        pytest.param({"picture_url": "vbscript:msgbox(1)"}, id="vbscript-url"),
        pytest.param({"picture_url": "https:example.com"}, id="https-without-host"),
        pytest.param({"ownership_duration_goal_months": 0}, id="goal-0"),
        pytest.param({"ownership_duration_goal_months": 1201}, id="goal-1201"),
        pytest.param({"ownership_duration_goal_months": -5}, id="goal-negative"),
        pytest.param({"ownership_duration_goal_months": "twelve"}, id="goal-not-a-number"),
        pytest.param({"ownership_duration_goal_months": 1.5}, id="goal-fraction"),
        pytest.param({"status": "keep"}, id="status-wrong-case"),
        pytest.param({"status": "Lost"}, id="status-unknown"),
        pytest.param({"item_type": "Car"}, id="item-type-unknown"),
        pytest.param({"item_type": "technology"}, id="item-type-wrong-case"),
        pytest.param({"name": 123}, id="name-number"),
        pytest.param({"name": None}, id="name-null"),
        pytest.param({"name": ["Sweater"]}, id="name-list"),
        pytest.param({"item_received_date": "yesterday"}, id="date-not-a-date"),
        pytest.param({"item_received_date": None}, id="date-null"),
        pytest.param({"item_received_date": "2024-12-23T12:00:00Z"}, id="received-3-days-ahead"),
        pytest.param({"last_used": "2024-12-23T12:00:00Z"}, id="last-used-3-days-ahead"),
        pytest.param({"item_received_date": "2024-12-21T12:00:01Z"}, id="received-just-over-24h-ahead"),
    ],
)
def test_create_item_with_invalid_field_is_400_and_writes_nothing(alice, changes):
    with time_machine.travel(NOW, tick=False):
        response = api_for(alice).post("/api/items", item_payload(**changes))

    assert_validation_error(response)
    assert not OwnedItem.objects.exists()


@pytest.mark.parametrize("field", sorted(set(ITEM_PAYLOAD) - {"status", "ownership_duration_goal_months"}))
def test_create_item_without_a_required_field_is_400_naming_it(alice_api, field):
    payload = item_payload()
    del payload[field]

    response = alice_api.post("/api/items", payload)

    assert_validation_error(response)
    assert [entry["loc"][-1] for entry in response.json()["errors"]] == [field]
    assert response.json()["detail"] == f"{field}: Field required"
    assert not OwnedItem.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        pytest.param('{"name": ', id="truncated-json"),
        pytest.param("not json", id="not-json"),
        pytest.param("[]", id="json-array"),
        pytest.param("null", id="json-null"),
        pytest.param('"Sweater"', id="json-string"),
        pytest.param("{}", id="empty-object"),
        pytest.param("", id="empty-body"),
    ],
)
def test_create_item_with_a_malformed_body_is_400_and_writes_nothing(alice_api, body):
    response = alice_api.post("/api/items", body)

    assert response.status_code == 400, response.content
    assert "detail" in response.json()
    assert not OwnedItem.objects.exists()


@pytest.mark.parametrize(
    "picture_url", ["🧶", "https://example.com/a.png", "http://example.com/a.png", "HTTPS://EXAMPLE.COM/A.PNG", "Red"]
)
def test_create_item_accepts_emoji_text_and_http_urls_as_picture(alice_api, picture_url):
    assert create_item(alice_api, picture_url=picture_url)["picture_url"] == picture_url
    assert OwnedItem.objects.get().picture_url == picture_url


def test_create_item_accepts_boundary_lengths_and_goals(alice_api):
    create_item(alice_api, name="x" * 255, picture_url="y" * 255, ownership_duration_goal_months=1)
    create_item(alice_api, name="x", ownership_duration_goal_months=1200)

    assert sorted(OwnedItem.objects.values_list("ownership_duration_goal_months", flat=True)) == [1, 1200]


def test_create_item_accepts_a_date_up_to_24_hours_ahead(alice):
    with time_machine.travel(NOW, tick=False):
        body = create_item(api_for(alice), item_received_date="2024-12-21T12:00:00Z", last_used="2024-12-21T11:00:00Z")

    assert body["item_received_date"] == "2024-12-21T12:00:00Z"
    assert body["ownership_duration"] == {"years": 0, "months": 0, "days": 0, "description": "0y 0m"}


def test_create_item_takes_a_naive_datetime_as_utc(alice_api):
    body = create_item(alice_api, item_received_date="2024-01-01T00:00:00", last_used="2024-06-01T12:30:00")

    assert body["item_received_date"] == "2024-01-01T00:00:00Z"
    assert body["last_used"] == "2024-06-01T12:30:00Z"
    stored = OwnedItem.objects.get()
    assert stored.item_received_date == datetime(2024, 1, 1, tzinfo=UTC)
    assert alice_api.get(f"/api/items/{body['id']}").json()["item_received_date"] == "2024-01-01T00:00:00Z"


def test_create_item_stores_an_offset_datetime_as_the_same_instant(alice_api):
    body = create_item(alice_api, item_received_date="2024-01-01T02:00:00+02:00")

    assert OwnedItem.objects.get().item_received_date == datetime(2024, 1, 1, tzinfo=UTC)
    assert alice_api.get(f"/api/items/{body['id']}").json()["item_received_date"] == "2024-01-01T00:00:00Z"


def test_create_response_is_the_same_json_as_a_later_get_for_an_offset_datetime(alice):
    with time_machine.travel(NOW, tick=False):
        api = api_for(alice)
        body = create_item(api, item_received_date="2024-01-01T02:00:00+02:00", last_used="2024-06-01T08:00:00-05:00")
        fetched = api.get(f"/api/items/{body['id']}").json()

    assert fetched["item_received_date"] == "2024-01-01T00:00:00Z"
    assert fetched["last_used"] == "2024-06-01T13:00:00Z"
    assert body == fetched


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"name": "a\x00b"}, id="nul-in-name"),
        pytest.param({"item_received_date": "0001-01-01T00:00:00+14:00"}, id="received-before-year-1-in-utc"),
        pytest.param({"last_used": "0001-01-01T05:00:00+06:00"}, id="last-used-before-year-1-in-utc"),
    ],
)
def test_unstorable_values_are_400_on_create_and_update_and_leave_the_items_readable(alice_api, changes):
    created = create_item(alice_api)

    created_response = alice_api.post("/api/items", item_payload(**changes))
    updated_response = alice_api.put(f"/api/items/{created['id']}", changes)

    assert_validation_error(created_response)
    assert_validation_error(updated_response)
    assert OwnedItem.objects.count() == 1
    assert alice_api.get(f"/api/items/{created['id']}").json() == created
    listed = alice_api.get("/api/items")
    assert listed.status_code == 200
    assert listed.json() == [created]


@pytest.mark.parametrize("query", ["q=%00", "q=a%00b"])
def test_list_items_with_a_nul_in_q_is_not_a_server_error(alice_api, query):
    create_item(alice_api)

    response = alice_api.get(f"/api/items?{query}")

    assert response.status_code in {200, 400}, response.content


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"ownership_duration_goal_months": 0}, id="goal-0"),
        pytest.param({"ownership_duration_goal_months": 1201}, id="goal-1201"),
        pytest.param({"name": ""}, id="empty-name"),
        pytest.param({"name": "   "}, id="blank-name"),
        pytest.param({"picture_url": "javascript:alert(1)"}, id="javascript-url"),
        pytest.param({"status": "keep"}, id="status-wrong-case"),
        pytest.param({"item_type": "Car"}, id="item-type-unknown"),
        pytest.param({"last_used": "2024-12-23T12:00:00Z"}, id="last-used-3-days-ahead"),
    ],
)
def test_update_item_with_invalid_field_is_400_and_leaves_the_item_unchanged(alice, changes):
    with time_machine.travel(NOW, tick=False):
        api = api_for(alice)
        created = create_item(api)
        response = api.put(f"/api/items/{created['id']}", changes)
        after = api.get(f"/api/items/{created['id']}").json()

    assert_validation_error(response)
    assert after == created


@pytest.mark.parametrize("field", list(ITEM_PAYLOAD))
def test_update_item_with_null_for_a_field_is_400_and_leaves_the_item_unchanged(alice_api, field):
    created = create_item(alice_api)

    response = alice_api.put(f"/api/items/{created['id']}", {field: None})

    assert response.status_code == 400, response.content
    assert alice_api.get(f"/api/items/{created['id']}").json() == created


def test_update_item_with_malformed_json_is_400_and_leaves_the_item_unchanged(alice_api):
    created = create_item(alice_api)

    response = alice_api.put(f"/api/items/{created['id']}", '{"name": ')

    assert response.status_code == 400
    assert OwnedItem.objects.get().name == "Wool Sweater"


# --- GET /api/items/stats -------------------------------------------------------------------------
def test_stats_of_a_user_without_items(alice_api):
    response = alice_api.get("/api/items/stats")

    assert response.status_code == 200
    assert response.json() == {"current_count": 0, "max_items": 10, "remaining_slots": 10, "can_add_items": True}


def test_stats_count_the_callers_items_only(alice_api, bob_api):
    for _ in range(3):
        create_item(alice_api)
    create_item(bob_api)

    response = alice_api.get("/api/items/stats")

    assert response.json() == {"current_count": 3, "max_items": 10, "remaining_slots": 7, "can_add_items": True}


def test_stats_at_the_limit_say_no_more_items_can_be_added(alice_api):
    for n in range(10):
        create_item(alice_api, status=ItemStatus.values[n % 3])

    response = alice_api.get("/api/items/stats")

    assert response.json() == {"current_count": 10, "max_items": 10, "remaining_slots": 0, "can_add_items": False}


def test_stats_of_an_admin_always_show_999_remaining_slots(admin_api):
    assert admin_api.get("/api/items/stats").json() == {
        "current_count": 0,
        "max_items": 10,
        "remaining_slots": 999,
        "can_add_items": True,
    }
    for _ in range(11):
        create_item(admin_api)

    assert admin_api.get("/api/items/stats").json() == {
        "current_count": 11,
        "max_items": 10,
        "remaining_slots": 999,
        "can_add_items": True,
    }


@override_settings(MAX_ITEMS_PER_USER=3)
def test_stats_follow_the_max_items_setting(alice_api):
    create_item(alice_api)

    assert alice_api.get("/api/items/stats").json() == {
        "current_count": 1,
        "max_items": 3,
        "remaining_slots": 2,
        "can_add_items": True,
    }


# --- The item limit -------------------------------------------------------------------------------
def test_the_eleventh_item_is_refused_with_the_exact_message_and_not_written(alice, alice_api):
    for n in range(10):
        create_item(alice_api, name=f"Item {n}")

    response = alice_api.post("/api/items", item_payload(name="Item 11"))

    assert response.status_code == 400
    assert response.json() == {"detail": LIMIT_MESSAGE}
    assert OwnedItem.objects.filter(user=alice).count() == 10
    assert not OwnedItem.objects.filter(name="Item 11").exists()


def test_given_and_donated_items_count_toward_the_limit(alice, alice_api):
    for n in range(10):
        create_item(alice_api, status=["Give", "Donate"][n % 2])

    response = alice_api.post("/api/items", item_payload(status="Donate"))

    assert response.status_code == 400
    assert response.json() == {"detail": LIMIT_MESSAGE}
    assert OwnedItem.objects.filter(user=alice).count() == 10


def test_the_limit_is_per_user(alice_api, bob, bob_api):
    for _ in range(10):
        create_item(alice_api)

    create_item(bob_api)

    assert OwnedItem.objects.filter(user=bob).count() == 1


def test_deleting_an_item_frees_a_slot(alice, alice_api):
    ids = [create_item(alice_api)["id"] for _ in range(10)]
    assert alice_api.post("/api/items", ITEM_PAYLOAD).status_code == 400

    assert alice_api.delete(f"/api/items/{ids[0]}").status_code == 204

    create_item(alice_api)
    assert OwnedItem.objects.filter(user=alice).count() == 10


def test_an_admin_can_add_an_eleventh_and_twelfth_item(admin, admin_api):
    for _ in range(10):
        create_item(admin_api)

    assert admin_api.post("/api/items", item_payload(name="Eleventh")).status_code == 201
    assert admin_api.post("/api/items", item_payload(name="Twelfth")).status_code == 201
    assert OwnedItem.objects.filter(user=admin).count() == 12


@override_settings(MAX_ITEMS_PER_USER=3)
def test_the_limit_follows_the_max_items_setting(alice, alice_api):
    for _ in range(3):
        create_item(alice_api)

    response = alice_api.post("/api/items", ITEM_PAYLOAD)

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot add 1 item(s). You have 3/3 items. Only 0 slot(s) remaining."}
    assert OwnedItem.objects.filter(user=alice).count() == 3


# --- Object-level authorization -------------------------------------------------------------------
def test_another_users_item_is_404_on_get_put_and_delete_and_stays_unchanged(alice_api, bob_api):
    created = create_item(alice_api)
    path = f"/api/items/{created['id']}"
    before = OwnedItem.objects.values().get(pk=created["id"])

    responses = [
        bob_api.get(path),
        bob_api.put(path, {"name": "Stolen", "status": "Donate"}),
        bob_api.delete(path),
    ]

    for response in responses:
        assert response.status_code == 404
        assert response.json() == {"detail": "Item not found"}
    assert OwnedItem.objects.values().get(pk=created["id"]) == before
    assert alice_api.get(path).json() == created


def test_another_users_item_is_404_just_like_an_unknown_id(alice_api, bob_api):
    path = f"/api/items/{create_item(alice_api)['id']}"
    unknown = f"/api/items/{uuid.uuid4()}"

    for method in ("get", "delete"):
        other, missing = getattr(bob_api, method)(path), getattr(bob_api, method)(unknown)
        assert (other.status_code, other.json()) == (missing.status_code, missing.json())


def test_list_items_shows_only_the_callers_items(alice_api, bob_api):
    alice_item = create_item(alice_api, name="Alice's")
    bob_item = create_item(bob_api, name="Bob's")

    bob_list = bob_api.get("/api/items")
    alice_list = alice_api.get("/api/items")

    assert [entry["id"] for entry in bob_list.json()] == [bob_item["id"]]
    assert bob_list["X-Total-Count"] == "1"
    assert [entry["id"] for entry in alice_list.json()] == [alice_item["id"]]
    assert bob_api.get("/api/items?q=Alice").json() == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/items"),
        ("post", "/api/items"),
        ("get", "/api/items/stats"),
        ("get", "/api/items/{id}"),
        ("put", "/api/items/{id}"),
        ("delete", "/api/items/{id}"),
        ("get", "/api/dev/auth/items"),
    ],
)
def test_every_items_endpoint_requires_authentication(alice_api, anon_api, method, path):
    created = create_item(alice_api)
    path = path.format(id=created["id"])
    data = {"name": "Anonymous"} if method == "put" else ITEM_PAYLOAD if method == "post" else None

    response = anon_api.request(method, path, data)
    bad_token = ApiClient("not-a-token").request(method, path, data)

    for answer in (response, bad_token):
        assert answer.status_code == 401
        assert answer["WWW-Authenticate"] == "Bearer"
        assert "detail" in answer.json()
    assert OwnedItem.objects.count() == 1
    assert OwnedItem.objects.get().name == "Wool Sweater"


# --- GET /api/dev/auth/items ----------------------------------------------------------------------
def test_dev_items_lists_the_callers_items_only(alice_api, bob_api):
    kept = create_item(alice_api, name="Kept", status="Keep")
    given = create_item(alice_api, name="Given", status="Give")
    create_item(bob_api, name="Bob's", status="Keep")

    response = alice_api.get("/api/dev/auth/items")

    assert response.status_code == 200
    assert sorted(entry["id"] for entry in response.json()) == sorted([kept["id"], given["id"]])


def test_dev_items_filters_by_status_and_item_type(alice_api, bob_api):
    create_item(alice_api, name="Kept", status="Keep", item_type="Technology")
    create_item(alice_api, name="Given", status="Give", item_type="Technology")
    create_item(alice_api, name="Given shirt", status="Give", item_type="Clothing_Accessories")
    create_item(bob_api, name="Bob's", status="Give", item_type="Technology")

    by_status = alice_api.get("/api/dev/auth/items?status=Give")
    by_both = alice_api.get("/api/dev/auth/items?status=Give&item_type=Technology")

    assert sorted(entry["name"] for entry in by_status.json()) == ["Given", "Given shirt"]
    assert [entry["name"] for entry in by_both.json()] == ["Given"]
    assert_validation_error(alice_api.get("/api/dev/auth/items?status=give"))


# --- Keep badges and goal progress ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("months", "progress"),
    [
        (0, (0.0, 0.0, 0.0)),
        (11, (0.92, 0.18, 0.09)),
        (12, (1.0, 0.2, 0.1)),
        (59, (1.0, 0.98, 0.49)),
        (60, (1.0, 1.0, 0.5)),
        (119, (1.0, 1.0, 0.99)),
        (120, (1.0, 1.0, 1.0)),
        (200, (1.0, 1.0, 1.0)),
    ],
)
def test_keep_badges_for_an_item_owned_exactly_n_months(alice, months, progress):
    received = NOW - relativedelta(months=months)
    with time_machine.travel(NOW, tick=False):
        body = create_item(
            api_for(alice),
            item_type="Furniture_Appliances",
            item_received_date=received.isoformat(),
            ownership_duration_goal_months=100,
        )

    assert body["ownership_duration"] == {
        "years": months // 12,
        "months": months % 12,
        "days": 0,
        "description": f"{months // 12}y {months % 12}m",
    }
    assert body["keep_badge_progress"] == keep_badges("Furniture", progress, months)
    assert body["ownership_duration_goal_progress"] == round(min(months / 100, 1.0), 2)


def test_one_second_short_of_a_year_is_11_months_and_no_bronze_badge(alice):
    received = NOW - relativedelta(years=1) + timedelta(seconds=1)
    with time_machine.travel(NOW, tick=False):
        body = create_item(api_for(alice), item_received_date=received.isoformat())

    assert body["ownership_duration"] == {"years": 0, "months": 11, "days": 29, "description": "0y 11m"}
    assert body["keep_badge_progress"][0]["progress"] == 0.92
    assert body["keep_badge_progress"][0]["achieved"] is False


def test_badges_are_recomputed_as_time_passes(alice):
    received = NOW - relativedelta(months=11)
    with time_machine.travel(NOW, tick=False):
        created = create_item(api_for(alice), item_received_date=received.isoformat())
    with time_machine.travel(NOW + relativedelta(months=1), tick=False):
        later = api_for(alice).get(f"/api/items/{created['id']}").json()

    assert created["keep_badge_progress"][0]["achieved"] is False
    assert later["keep_badge_progress"][0]["achieved"] is True
    assert later["ownership_duration"]["description"] == "1y 0m"


@pytest.mark.parametrize("item_type", ItemType.values)
def test_keep_badge_names_use_the_short_label_of_each_item_type(alice, item_type):
    with time_machine.travel(NOW, tick=False):
        body = create_item(api_for(alice), item_type=item_type)

    label = BADGE_LABELS[item_type]
    assert [badge["name"] for badge in body["keep_badge_progress"]] == [
        f"Bronze {label} Keeper",
        f"Silver {label} Keeper",
        f"Gold {label} Keeper",
    ]


@pytest.mark.parametrize(
    ("months", "goal", "expected"),
    [
        (0, 1, 0.0),
        (1, 1200, 0.0),
        (5, 7, 0.71),
        (2, 3, 0.67),
        (23, 24, 0.96),
        (24, 24, 1.0),
        (30, 24, 1.0),
        (1199, 1200, 1.0),
        (600, 1200, 0.5),
    ],
)
def test_goal_progress_is_months_over_goal_capped_at_1_and_rounded(alice, months, goal, expected):
    received = NOW - relativedelta(months=months)
    with time_machine.travel(NOW, tick=False):
        body = create_item(api_for(alice), item_received_date=received.isoformat(), ownership_duration_goal_months=goal)

    assert body["ownership_duration_goal_progress"] == expected


def test_a_start_after_now_gives_a_zero_duration(alice):
    with time_machine.travel(NOW, tick=False):
        body = create_item(api_for(alice), item_received_date="2024-12-21T06:00:00Z", last_used="2024-12-21T06:00:00Z")

    zero = {"years": 0, "months": 0, "days": 0, "description": "0y 0m"}
    assert body["ownership_duration"] == zero
    assert body["last_used_duration"] == zero
    assert body["ownership_duration_goal_progress"] == 0.0
