"""Every route answers under /api/v1/ (the versioned contract) exactly as under /api/ (the web app's paths), and a
retiring operation says so in its headers (docs/api-versions.md)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.test import Client
from django.urls import path
from ninja import NinjaAPI

from config.openapi import published_schema
from config.testing import ApiClient, create_item, create_location, item_payload, make_items
from minNow.deprecation import deprecated

NOW = datetime(2026, 6, 15, 10, 30, tzinfo=UTC)
COMPARED_HEADERS = ("Content-Type", "Content-Language", "X-Total-Count")
FRESH_EACH_TIME = {"csrf_token"}  # a new masked CSRF token per answer


def unversioned(versioned_path: str) -> str:
    return versioned_path.replace("/api/v1/", "/api/", 1)


@pytest.fixture
def filled(alice, alice_api: ApiClient) -> dict[str, str]:
    """Path parameters that name alice's own rows: an item in a place, and a checkup."""
    shelf = create_location(alice_api, "Shelf")
    item = create_item(alice_api, name="Room lamp", current_location_id=shelf["id"])
    make_items(alice, 3)
    [checkup, *_] = alice_api.get("/api/checkups").json()
    return {"item_id": item["id"], "location_id": shelf["id"], "checkup_id": str(checkup["id"])}


def reads(filled: dict[str, str]) -> list[str]:
    """Every GET of the published document, its path parameters filled, with a query the searches need."""
    paths = [p for p, operations in published_schema()["paths"].items() if "get" in operations]
    return [re.sub(r"\{(\w+)\}", lambda m: filled[m.group(1)], p) + "?q=room" for p in paths]


def body(response: HttpResponseBase) -> bytes:
    if isinstance(response, StreamingHttpResponse):  # the export
        return b"".join(response.streaming_content)  # type: ignore[arg-type]
    return response.content  # type: ignore[attr-defined]


def comparable(content: bytes) -> object:
    body = json.loads(content)
    return {k: v for k, v in body.items() if k not in FRESH_EACH_TIME} if isinstance(body, dict) else body


@time_machine.travel(NOW, tick=False)
def test_every_read_answers_the_same_under_both_prefixes(alice_api, filled):
    compared = reads(filled)
    assert len(compared) >= 18
    for versioned in compared:
        old, new = alice_api.get(unversioned(versioned)), alice_api.get(versioned)
        assert (new.status_code, versioned) == (old.status_code, versioned)
        assert new.status_code == 200, (versioned, new.content)
        assert comparable(body(new)) == comparable(body(old)), versioned
        for header in COMPARED_HEADERS:
            assert new.get(header) == old.get(header), (versioned, header)


def test_writes_through_either_prefix_reach_the_same_data(alice_api):
    created = alice_api.post("/api/v1/items", item_payload(name="Kettle"))
    assert created.status_code == 201
    item = created.json()
    assert alice_api.get(f"/api/items/{item['id']}").json() == item
    renamed = alice_api.put(f"/api/items/{item['id']}", {"name": "Teapot"})
    assert renamed.status_code == 200
    assert alice_api.get(f"/api/v1/items/{item['id']}").json()["name"] == "Teapot"
    assert alice_api.delete(f"/api/v1/items/{item['id']}").status_code == 204
    assert alice_api.get(f"/api/items/{item['id']}").status_code == 404


def test_errors_are_the_same_json_under_both_prefixes(alice_api, anon_api):
    assert anon_api.get("/api/v1/items").status_code == 401
    assert anon_api.get("/api/v1/items").json() == anon_api.get("/api/items").json()
    bad = alice_api.post("/api/v1/items", {"name": ""})
    assert bad.status_code == 400
    assert bad.json() == alice_api.post("/api/items", {"name": ""}).json()


def test_the_next_page_link_keeps_the_prefix_the_client_used(alice, alice_api):
    make_items(alice, 3)
    response = alice_api.get("/api/v1/items?limit=2")
    assert response["Link"] == '<http://testserver/api/v1/items?limit=2&offset=2>; rel="next"'
    assert alice_api.get("/api/items?limit=2")["Link"].startswith("<http://testserver/api/items?")


@pytest.mark.parametrize("path", ["/api/v2/items", "/api/v1/v1/items", "/api/v1items"])
def test_other_versions_are_json_404s(alice_api, path):
    response = alice_api.get(path)
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_document_describes_the_versioned_paths_only():
    paths = published_schema()["paths"]
    assert paths and all(p.startswith("/api/v1/") for p in paths)
    assert not any(p.startswith("/api/v1/dev/") for p in paths)


# --- Retiring an operation: a throwaway API with one deprecated route ---------------------------------------
SINCE = datetime(2027, 1, 1, tzinfo=UTC)
SUNSET = datetime(2027, 7, 1, tzinfo=UTC)
retiring = NinjaAPI(urls_namespace="retiring-test")


@retiring.get("/old-things")
@deprecated(since=SINCE, sunset=SUNSET, successor="/api/v2/things")
def old_things(request: HttpRequest, fail: bool = False) -> dict[str, str]:
    if fail:
        raise ValueError("boom")
    return {"status": "still here"}


@retiring.get("/things")
def things(request: HttpRequest) -> dict[str, str]:
    return {"status": "current"}


urlpatterns = [path("retiring/", retiring.urls)]


@pytest.mark.urls(__name__)
def test_a_deprecated_operation_announces_its_sunset_on_every_answer():
    client = Client(raise_request_exception=False)
    answer = client.get("/retiring/old-things")
    assert answer.json() == {"status": "still here"}
    assert answer["Deprecation"] == f"@{int(SINCE.timestamp())}" == "@1798761600"
    assert answer["Sunset"] == "Thu, 01 Jul 2027 00:00:00 GMT"
    assert answer["Link"] == '</api/v2/things>; rel="successor-version"'
    invalid = client.get("/retiring/old-things?fail=maybe")
    assert invalid.status_code == 422
    assert invalid["Sunset"] == answer["Sunset"]
    current = client.get("/retiring/things")
    assert not current.has_header("Deprecation") and not current.has_header("Sunset")
    operations = retiring.get_openapi_schema()["paths"]
    assert operations["/retiring/old-things"]["get"]["deprecated"] is True
    assert "deprecated" not in operations["/retiring/things"]["get"]


def test_a_sunset_must_follow_the_deprecation():
    with pytest.raises(ValueError):
        deprecated(since=SUNSET, sunset=SINCE)
    with pytest.raises(ValueError):
        deprecated(since=datetime(2027, 1, 1), sunset=SUNSET)
