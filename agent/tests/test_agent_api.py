"""The item agent end to end (docs/design.md: "Errors", "Per-user limits and the user lock", "Quick Add and
the item agent"): the rule-based parser through HTTP, the graph with a fake chat model, the real ChatOpenAI
client against a loopback OpenAI-compatible server (request shape, 502 on provider failures, coercion of
invalid enums), batches, the item limit, the undocumented legacy aliases, object-level authorization, and
the graph being built once per process."""

from __future__ import annotations

import json
import threading
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.test import override_settings
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage

import agent.graph
from agent.graph import Failure, run_agent
from agent.tests.llm import LLM_ITEM, answer, completion, openai_server
from config.testing import api_for, assert_validation_error, make_items, moment
from config.tests.servers import Recorded, Reply
from items.models import ItemStatus, ItemType, OwnedItem

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
YESTERDAY_NOON = datetime(2026, 6, 14, 12, 0, tzinfo=UTC)
SPEC_PROMPT = "I bought a new white t-shirt yesterday that I plan to keep for at least 2 years"
SPEC_BATCH = {
    "shoes": "Red running shoes I got for my marathon training",
    "chair": "Donate my old desk chair to the office",
    "switch": "Gave my Nintendo Switch to my brother",
}
NO_ITEM = "The prompt does not name an item"
LLM_FAILED = "The language model failed to answer; try again later"
LIMIT_MESSAGE = "Cannot add 1 item(s). You have 10/10 items. Only 0 slot(s) remaining."
ENDPOINTS = ["/api/agent/add-item", "/api/agent-add-item"]
BATCH_ENDPOINTS = ["/api/agent/add-item-batch", "/api/agent-add-item-batch"]


# --- Rule-based parser (no OPENAI_API_KEY) -------------------------------------------------------
@pytest.fixture(autouse=True)
def no_llm_by_default():
    """Every test starts without an LLM key unless it configures one itself."""
    with override_settings(OPENAI_API_KEY=""):
        yield


@pytest.mark.parametrize("path", ENDPOINTS)
def test_spec_prompt_creates_the_item_for_the_caller(alice, bob, path):
    with time_machine.travel(NOW, tick=False):
        response = api_for(alice).post(path, {"prompt": SPEC_PROMPT})

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {"status", "item"}
    assert body["status"] == "success"
    item = body["item"]
    assert item["name"] == "White T-Shirt"
    assert item["item_type"] == "Clothing_Accessories"
    assert item["status"] == "Keep"
    assert item["ownership_duration_goal_months"] == 24
    assert item["picture_url"] == "👕"
    assert moment(item["item_received_date"]) == YESTERDAY_NOON
    assert moment(item["last_used"]) == YESTERDAY_NOON
    assert item["current_location_id"] is None

    stored = OwnedItem.objects.get()
    assert str(stored.pk) == item["id"]
    assert stored.user == alice
    assert stored.name == "White T-Shirt"
    assert stored.item_received_date == YESTERDAY_NOON
    assert stored.ownership_duration_goal_months == 24


@pytest.mark.parametrize("path", ENDPOINTS)
def test_prompt_naming_no_item_is_400_and_writes_nothing(alice_api, path):
    response = alice_api.post(path, {"prompt": "hello"})

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": NO_ITEM}
    assert OwnedItem.objects.count() == 0


@pytest.mark.parametrize("path", ENDPOINTS)
@pytest.mark.parametrize("payload", [{"prompt": ""}, {"prompt": "   "}, {"prompt": "x" * 1001}, {}, {"prompt": 5}])
def test_invalid_prompt_payload_is_400(alice_api, path, payload):
    assert_validation_error(alice_api.post(path, payload))
    assert OwnedItem.objects.count() == 0


def test_prompt_of_1000_chars_is_accepted(alice_api):
    prompt = "I bought a blue wool sweater last week" + " " * 961 + "."
    assert len(prompt) == 1000

    response = alice_api.post("/api/agent/add-item", {"prompt": prompt})

    assert response.status_code == 200, response.content
    assert response.json()["item"]["name"] == "Blue Wool Sweater"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_malformed_json_is_400(alice_api, path):
    response = alice_api.post(path, '{"prompt": "a red bike"')

    assert response.status_code == 400, response.content
    assert "detail" in response.json()
    assert OwnedItem.objects.count() == 0


@pytest.mark.parametrize("path", ENDPOINTS)
def test_without_token_is_401(anon_api, path):
    response = anon_api.post(path, {"prompt": SPEC_PROMPT})

    assert response.status_code == 401
    assert OwnedItem.objects.count() == 0


@pytest.mark.parametrize("path", ENDPOINTS)
def test_item_limit_reached_is_400_and_writes_nothing(alice, alice_api, path):
    make_items(alice, 10)

    response = alice_api.post(path, {"prompt": SPEC_PROMPT})

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": LIMIT_MESSAGE}
    assert OwnedItem.objects.filter(user=alice).count() == 10
    assert not OwnedItem.objects.filter(name="White T-Shirt").exists()


def test_admin_is_not_held_to_the_item_limit(admin, admin_api):
    make_items(admin, 10)

    response = admin_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT})

    assert response.status_code == 200, response.content
    assert OwnedItem.objects.filter(user=admin).count() == 11


def test_legacy_aliases_are_not_documented(client):
    paths = client.get("/api/openapi.json").json()["paths"]

    assert "/api/v1/agent/add-item" in paths
    assert "/api/v1/agent/add-item-batch" in paths
    assert "/api/v1/agent-add-item" not in paths
    assert "/api/v1/agent-add-item-batch" not in paths


# --- The graph with a fake chat model ------------------------------------------------------------
class FakeChat(GenericFakeChatModel):
    """A fake chat model usable with with_structured_output (tool-calling flavour)."""

    def bind_tools(self, tools: Any, **kwargs: Any) -> FakeChat:
        return self


def fake_chat(args: dict[str, Any]) -> FakeChat:
    message = AIMessage(content="", tool_calls=[{"name": "ParsedItem", "args": args, "id": "1"}])
    return FakeChat(messages=iter([message]))


def test_fake_chat_model_fields_become_the_item(alice):
    args = {
        "name": "Walnut Bookshelf",
        "item_type": "Furniture_Appliances",
        "status": "Donate",
        "item_received_date": "2024-05-04",
        "ownership_duration_goal_months": 60,
        "picture_url": "📚",
    }
    with time_machine.travel(NOW, tick=False):
        results = run_agent(alice, {"p": "I want to donate my walnut bookshelf"}, chat_model=fake_chat(args))

    item = results["p"]
    assert isinstance(item, OwnedItem)
    stored = OwnedItem.objects.get()
    assert stored.pk == item.pk
    assert stored.user == alice
    assert stored.name == "Walnut Bookshelf"
    assert stored.item_type == ItemType.FURNITURE_APPLIANCES
    assert stored.status == ItemStatus.DONATE
    assert stored.item_received_date == datetime(2024, 5, 4, 12, 0, tzinfo=UTC)
    assert stored.last_used == datetime(2024, 5, 4, 12, 0, tzinfo=UTC)
    assert stored.ownership_duration_goal_months == 60
    assert stored.picture_url == "📚"


@pytest.mark.parametrize(
    ("item_type", "status", "expected_type", "expected_status"),
    [
        ("gadgets", "sold", ItemType.TECHNOLOGY, ItemStatus.KEEP),
        ("xyzzy", "sold", ItemType.OTHER, ItemStatus.KEEP),
        ("technology", "donated", ItemType.TECHNOLOGY, ItemStatus.DONATE),
        ("Clothing", "gifted", ItemType.CLOTHING_ACCESSORIES, ItemStatus.GIVE),
        ("books", "KEEP", ItemType.BOOKS_MEDIA, ItemStatus.KEEP),
        ("Furnture_Appliances", "charity", ItemType.FURNITURE_APPLIANCES, ItemStatus.DONATE),
        (None, None, ItemType.OTHER, ItemStatus.KEEP),
    ],
)
def test_invalid_type_and_status_are_coerced(alice, item_type, status, expected_type, expected_status):
    args = {"name": "Mystery Box", "item_type": item_type, "status": status}

    results = run_agent(alice, {"p": "a mystery box"}, chat_model=fake_chat(args))

    assert isinstance(results["p"], OwnedItem)
    stored = OwnedItem.objects.get(user=alice)
    assert stored.item_type == expected_type
    assert stored.status == expected_status


def test_clothes_is_coerced_to_clothing_accessories(alice):
    """coerce_item_type's docstring names "clothes" among the values it maps to the nearest type."""
    assert agent.graph.coerce_item_type("clothes") == ItemType.CLOTHING_ACCESSORIES

    run_agent(alice, {"p": "my clothes"}, chat_model=fake_chat({"name": "Winter Clothes", "item_type": "clothes"}))

    assert OwnedItem.objects.get().item_type == ItemType.CLOTHING_ACCESSORIES


def test_missing_fields_get_defaults(alice):
    with time_machine.travel(NOW, tick=False):
        run_agent(alice, {"p": "a lamp"}, chat_model=fake_chat({"name": "Desk Lamp"}))

    stored = OwnedItem.objects.get()
    assert stored.item_received_date == NOW
    assert stored.last_used == NOW
    assert stored.ownership_duration_goal_months == 12
    assert stored.status == ItemStatus.KEEP
    assert stored.picture_url  # an emoji chosen by type
    assert not any(char.isalnum() for char in stored.picture_url)


def test_future_date_and_unsafe_picture_are_normalised(alice):
    args = {"name": "Desk Lamp", "item_received_date": "2030-01-01", "picture_url": "javascript:alert(1)"}
    with time_machine.travel(NOW, tick=False):
        run_agent(alice, {"p": "a lamp"}, chat_model=fake_chat(args))

    stored = OwnedItem.objects.get()
    assert stored.item_received_date == NOW
    assert "javascript" not in stored.picture_url
    assert not any(char.isalnum() for char in stored.picture_url)


@pytest.mark.parametrize("args", [{"item_type": "Technology", "status": "Keep"}, {"name": None}, {"name": "   "}])
def test_missing_name_is_a_400_failure_and_writes_nothing(alice, args):
    results = run_agent(alice, {"p": "something"}, chat_model=fake_chat(args))

    assert results == {"p": Failure(400, NO_ITEM)}
    assert OwnedItem.objects.count() == 0


def test_fake_chat_model_failure_is_a_502_failure(alice):
    class BrokenChat(FakeChat):
        def _generate(self, *args: Any, **kwargs: Any):
            raise ConnectionError("provider down")

    results = run_agent(alice, {"p": "a red bike"}, chat_model=BrokenChat(messages=iter([])))

    assert results == {"p": Failure(502, LLM_FAILED)}
    assert OwnedItem.objects.count() == 0


# --- The real ChatOpenAI against a loopback OpenAI-compatible server ------------------------------
def header(request: Recorded, name: str) -> str | None:
    return next((value for key, value in request.headers.items() if key.lower() == name.lower()), None)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_llm_parses_the_prompt(alice, path):
    prompt = "I got a black leather jacket in March last year and want to keep it 3 years"
    with time_machine.travel(NOW, tick=False), openai_server(answer(LLM_ITEM)) as server:
        response = api_for(alice).post(path, {"prompt": prompt})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "success"
    item = body["item"]
    assert item["name"] == "Black Leather Jacket"
    assert item["item_type"] == "Clothing_Accessories"
    assert item["status"] == "Keep"
    assert item["ownership_duration_goal_months"] == 36
    assert item["picture_url"] == "🧥"
    assert moment(item["item_received_date"]) == datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
    assert OwnedItem.objects.get().user == alice

    assert len(server.requests) == 1
    request = server.requests[0]
    assert request.method == "POST"
    assert request.path == "/v1/chat/completions"
    assert header(request, "Authorization") == "Bearer sk-test"
    sent = request.json()
    assert sent["model"] == "gpt-4.1-mini"
    system, user = sent["messages"]
    assert system["role"] == "system"
    assert "2026-06-15" in system["content"]
    assert all(choice in system["content"] for choice in ItemType.values)
    assert user == {"role": "user", "content": prompt}
    assert sent["response_format"]["type"] == "json_schema"
    assert set(sent["response_format"]["json_schema"]["schema"]["properties"]) == set(LLM_ITEM)


def test_llm_invalid_type_and_status_are_coerced(alice, alice_api):
    content = {**LLM_ITEM, "item_type": "tech", "status": "Sold"}
    with openai_server(answer(content)):
        response = alice_api.post("/api/agent/add-item", {"prompt": "my black leather jacket"})

    assert response.status_code == 200, response.content
    assert response.json()["item"]["item_type"] == "Technology"
    assert response.json()["item"]["status"] == "Keep"
    stored = OwnedItem.objects.get(user=alice)
    assert (stored.item_type, stored.status) == (ItemType.TECHNOLOGY, ItemStatus.KEEP)


def test_llm_missing_name_is_400(alice_api):
    with openai_server(answer({**LLM_ITEM, "name": None})):
        response = alice_api.post("/api/agent/add-item", {"prompt": "hello there"})

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": NO_ITEM}
    assert OwnedItem.objects.count() == 0


def assert_upstream_failure(response) -> None:
    assert response.status_code == 502, response.content
    assert response.json() == {"detail": LLM_FAILED}
    assert OwnedItem.objects.count() == 0


def test_llm_server_error_is_502(alice_api):
    with openai_server(lambda request: Reply(500, {"error": {"message": "boom", "type": "server_error"}})) as server:
        response = alice_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT})

    assert_upstream_failure(response)
    assert 1 <= len(server.requests) <= 2  # max_retries=1


def test_llm_unauthorized_is_502(alice_api):
    with openai_server(lambda request: Reply(401, {"error": {"message": "bad key", "type": "invalid_request"}})):
        response = alice_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT})

    assert_upstream_failure(response)


@pytest.mark.parametrize("content", ["{not json", "", "[]", '{"name": 5, "ownership_duration_goal_months": "long"}'])
def test_llm_malformed_content_is_502(alice_api, content):
    with openai_server(answer(content)):
        response = alice_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT})

    assert_upstream_failure(response)


@pytest.mark.slow  # waits out the LLM timeout
def test_llm_timeout_is_502_and_bounded(alice_api, settings):
    settings.LLM_CALL_TIMEOUT_SECONDS = 1
    release = threading.Event()

    def slow(request: Recorded) -> Reply:
        release.wait(3)
        return Reply(200, completion(json.dumps(LLM_ITEM)))

    try:
        with openai_server(slow) as server:
            started = time.monotonic()
            response = alice_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT})
            elapsed = time.monotonic() - started
    finally:
        release.set()

    assert_upstream_failure(response)
    assert elapsed < 10
    assert 1 <= len(server.requests) <= 2


def test_llm_chat_model_is_rebuilt_when_settings_change(alice_api):
    with openai_server(answer(LLM_ITEM)) as first:
        assert alice_api.post("/api/agent/add-item", {"prompt": "a jacket"}).status_code == 200
    with openai_server(answer({**LLM_ITEM, "name": "Green Scarf"})) as second:
        response = alice_api.post("/api/agent/add-item", {"prompt": "a scarf"})

    assert response.status_code == 200, response.content
    assert response.json()["item"]["name"] == "Green Scarf"
    assert len(first.requests) == 1
    assert len(second.requests) == 1


def test_llm_batch_parses_each_prompt(alice_api):
    names = {SPEC_BATCH["shoes"]: "Red Running Shoes", SPEC_BATCH["chair"]: "Desk Chair", "hello": None}

    def handler(request: Recorded) -> Reply:
        prompt = request.json()["messages"][1]["content"]
        return Reply(200, completion(json.dumps({**LLM_ITEM, "name": names[prompt]})))

    prompts = {"shoes": SPEC_BATCH["shoes"], "chair": SPEC_BATCH["chair"], "bad": "hello"}
    with openai_server(handler) as server:
        response = alice_api.post("/api/agent/add-item-batch", {"prompts": prompts})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "partial"
    assert body["results"]["shoes"]["item"]["name"] == "Red Running Shoes"
    assert body["results"]["chair"]["item"]["name"] == "Desk Chair"
    assert body["results"]["bad"] == {"status": "error", "item": None, "detail": NO_ITEM}
    assert len(server.requests) == 3
    assert sorted(OwnedItem.objects.values_list("name", flat=True)) == ["Desk Chair", "Red Running Shoes"]


# --- Batches (rule-based) ------------------------------------------------------------------------
def error_result(result: dict[str, Any]) -> tuple[str, str]:
    assert set(result) == {"status", "item", "detail"}
    assert result["item"] is None
    return result["status"], result["detail"]


@pytest.mark.parametrize("path", BATCH_ENDPOINTS)
def test_batch_with_one_bad_prompt_is_partial(alice, alice_api, path):
    response = alice_api.post(path, {"prompts": {**SPEC_BATCH, "bad": "hello"}})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "partial"
    results = body["results"]
    assert list(results) == ["shoes", "chair", "switch", "bad"]
    expected = {
        "shoes": ("Red Running Shoes", "Clothing_Accessories", "Keep"),
        "chair": ("Desk Chair", "Furniture_Appliances", "Donate"),
        "switch": ("Nintendo Switch", "Toys_Games", "Give"),
    }
    for key, (name, item_type, status) in expected.items():
        assert results[key]["status"] == "success"
        item = results[key]["item"]
        assert (item["name"], item["item_type"], item["status"]) == (name, item_type, status)
    assert error_result(results["bad"]) == ("error", NO_ITEM)
    assert OwnedItem.objects.filter(user=alice).count() == 3


def test_batch_all_success(alice, alice_api):
    response = alice_api.post("/api/agent/add-item-batch", {"prompts": SPEC_BATCH})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "success"
    assert {result["status"] for result in body["results"].values()} == {"success"}
    ids = {result["item"]["id"] for result in body["results"].values()}
    assert ids == {str(pk) for pk in OwnedItem.objects.filter(user=alice).values_list("pk", flat=True)}
    assert len(ids) == 3


@pytest.mark.parametrize("path", BATCH_ENDPOINTS)
def test_batch_that_added_nothing_is_400_naming_each_key(alice_api, path):
    """The web app treats any 2xx as "All items added successfully!", so a batch with no item must not be one."""
    response = alice_api.post(path, {"prompts": {"a": "hello", "b": "good morning"}})

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"] == f"No item was added. a: {NO_ITEM}; b: {NO_ITEM}"
    assert body["status"] == "error"
    assert {key: error_result(result) for key, result in body["results"].items()} == {
        "a": ("error", NO_ITEM),
        "b": ("error", NO_ITEM),
    }
    assert OwnedItem.objects.count() == 0


def test_batch_whose_every_prompt_the_llm_failed_is_502(alice_api):
    with openai_server(lambda request: Reply(500, {"error": {"message": "boom", "type": "server_error"}})):
        response = alice_api.post("/api/agent-add-item-batch", {"prompts": {"0": SPEC_PROMPT, "1": "a red kettle"}})

    assert response.status_code == 502, response.content
    body = response.json()
    assert body["detail"] == f"No item was added. 0: {LLM_FAILED}; 1: {LLM_FAILED}"
    assert {key: error_result(result) for key, result in body["results"].items()} == {
        "0": ("error", LLM_FAILED),
        "1": ("error", LLM_FAILED),
    }
    assert OwnedItem.objects.count() == 0


@pytest.mark.parametrize("path", BATCH_ENDPOINTS)
def test_batch_over_remaining_slots_is_400_and_writes_nothing(alice, alice_api, path):
    make_items(alice, 8)

    response = alice_api.post(path, {"prompts": SPEC_BATCH})

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": "Cannot add 3 item(s). You have 8/10 items. Only 2 slot(s) remaining."}
    assert OwnedItem.objects.filter(user=alice).count() == 8


def test_batch_exactly_filling_remaining_slots_is_accepted(alice, alice_api):
    make_items(alice, 7)

    response = alice_api.post("/api/agent/add-item-batch", {"prompts": SPEC_BATCH})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "success"
    assert OwnedItem.objects.filter(user=alice).count() == 10


def test_empty_batch_is_400(alice_api):
    response = alice_api.post("/api/agent/add-item-batch", {"prompts": {}})

    assert response.status_code == 400, response.content
    assert "detail" in response.json()
    assert OwnedItem.objects.count() == 0


@override_settings(AGENT_MAX_BATCH=3)
def test_batch_over_max_batch_is_400(alice_api):
    response = alice_api.post("/api/agent/add-item-batch", {"prompts": {**SPEC_BATCH, "more": SPEC_PROMPT}})

    assert response.status_code == 400, response.content
    assert response.json() == {"detail": "prompts must hold between 1 and 3 prompts"}
    assert OwnedItem.objects.count() == 0


@override_settings(AGENT_MAX_BATCH=3)
def test_batch_of_max_batch_is_accepted(alice_api):
    response = alice_api.post("/api/agent/add-item-batch", {"prompts": SPEC_BATCH})

    assert response.status_code == 200, response.content
    assert OwnedItem.objects.count() == 3


@pytest.mark.parametrize(
    "payload",
    [
        {"prompts": {**SPEC_BATCH, "long": "x" * 1001}},
        {"prompts": {"a": ""}},
        {"prompts": {"a": 5}},
        {"prompts": ["a red bike"]},
        {"prompts": {"k" * 101: "a red bike"}},
        {},
    ],
)
def test_invalid_batch_payload_is_400_and_writes_nothing(alice_api, payload):
    assert_validation_error(alice_api.post("/api/agent/add-item-batch", payload))
    assert OwnedItem.objects.count() == 0


def test_batch_malformed_json_is_400(alice_api):
    response = alice_api.post("/api/agent/add-item-batch", '{"prompts": {')

    assert response.status_code == 400, response.content
    assert OwnedItem.objects.count() == 0


# --- Object-level authorization ------------------------------------------------------------------
def test_agent_items_belong_to_the_caller_only(alice, bob, alice_api, bob_api):
    created = alice_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT}).json()["item"]
    batch = alice_api.post("/api/agent/add-item-batch", {"prompts": SPEC_BATCH}).json()
    alice_ids = {created["id"], *(result["item"]["id"] for result in batch["results"].values())}

    assert {item["id"] for item in alice_api.get("/api/items").json()} == alice_ids
    assert bob_api.get("/api/items").json() == []
    assert bob_api.get(f"/api/items/{created['id']}").status_code == 404

    before = list(OwnedItem.objects.filter(user=alice).order_by("pk").values())
    bob_item = bob_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT})
    bob_batch = bob_api.post("/api/agent/add-item-batch", {"prompts": SPEC_BATCH})

    assert bob_item.status_code == 200 and bob_batch.status_code == 200
    assert list(OwnedItem.objects.filter(user=alice).order_by("pk").values()) == before
    bob_ids = {bob_item.json()["item"]["id"], *(r["item"]["id"] for r in bob_batch.json()["results"].values())}
    assert {item["id"] for item in bob_api.get("/api/items").json()} == bob_ids
    assert not bob_ids & alice_ids
    assert {item["id"] for item in alice_api.get("/api/items").json()} == alice_ids


def test_limit_counts_the_callers_items_only(alice, bob, bob_api):
    make_items(alice, 10)

    response = bob_api.post("/api/agent/add-item", {"prompt": SPEC_PROMPT})

    assert response.status_code == 200, response.content
    assert OwnedItem.objects.filter(user=bob).count() == 1
    assert OwnedItem.objects.filter(user=alice).count() == 10


# --- The graph is built once per process ---------------------------------------------------------
def test_graph_is_built_once(alice):
    graph = agent.graph.item_agent()
    builds = agent.graph.item_agent.cache_info().misses

    results = run_agent(alice, {"p": SPEC_PROMPT})

    assert isinstance(results["p"], OwnedItem)
    assert agent.graph.item_agent() is graph
    assert agent.graph.item_agent.cache_info().misses == builds


def test_one_chat_model_per_configuration():
    with override_settings(OPENAI_API_KEY="sk-one", OPENAI_BASE_URL="http://127.0.0.1:9/v1"):
        first = agent.graph.default_chat_model()
        assert agent.graph.default_chat_model() is first
    with override_settings(OPENAI_API_KEY="sk-two", OPENAI_BASE_URL="http://127.0.0.1:9/v1"):
        assert agent.graph.default_chat_model() is not first
    with override_settings(OPENAI_API_KEY=""):
        assert agent.graph.default_chat_model() is None


def test_received_date_follows_the_frozen_today(alice):
    with time_machine.travel(datetime(2024, 3, 1, 8, 0, tzinfo=UTC), tick=False):
        results = run_agent(alice, {"p": SPEC_PROMPT})

    assert results["p"].item_received_date.date() == date(2024, 2, 29)


@pytest.mark.parametrize(
    "prompt",
    [
        "I bought a bike 3000 years ago",
        "a bike 9999999 weeks ago",
        "I have had my old couch for 10000000 months",
        "I got a bike for christmas 0000",
    ],
)
def test_impossible_dates_in_a_prompt_fall_back_to_now(alice, prompt):
    with time_machine.travel(datetime(2026, 6, 15, 9, 0, tzinfo=UTC), tick=False):
        response = api_for(alice).post("/api/agent/add-item", {"prompt": prompt})

    assert response.status_code == 200, response.content
    assert response.json()["item"]["item_received_date"] == "2026-06-15T09:00:00Z"


HUGE = "9" * 309  # past the largest float: once an OverflowError and a 500 for the whole batch


@pytest.mark.parametrize(
    ("prompt", "goal"),
    [
        (f"I want to keep my lamp for {HUGE} years", 1200),
        (f"keep my lamp for {HUGE}.5 months", 1200),
        (f"bought a lamp {HUGE} years ago", 12),
        ("keep my lamp for " + "9" * 900 + " years", 1200),
    ],
)
def test_absurd_numbers_are_bounded_not_a_500(alice_api, prompt, goal):
    response = alice_api.post("/api/agent/add-item", {"prompt": prompt})

    assert response.status_code == 200, response.content
    item = response.json()["item"]
    assert item["name"] == "Lamp"
    assert item["ownership_duration_goal_months"] == goal


def test_one_absurd_prompt_does_not_sink_a_batch(alice, alice_api):
    prompts = {"huge": f"a lamp I will keep for {HUGE} years", **SPEC_BATCH}

    response = alice_api.post("/api/agent/add-item-batch", {"prompts": prompts})

    assert response.status_code == 200, response.content
    assert {result["status"] for result in response.json()["results"].values()} == {"success"}
    assert OwnedItem.objects.filter(user=alice).count() == 4
