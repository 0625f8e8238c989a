"""docs/openapi.json is the schema the code serves (`make openapi` rewrites it), with readable operation ids."""

from __future__ import annotations

import json
import re

from config.openapi import DOCUMENT, published_schema, render


def test_the_committed_document_is_the_served_schema():
    committed = DOCUMENT.read_text(encoding="utf-8")
    served = published_schema()
    assert json.loads(committed) == served, "docs/openapi.json is out of date: run `make openapi` and commit it"
    assert committed == render(served), "docs/openapi.json is not in `make openapi`'s format: run it"


def test_operation_ids_are_unique_camel_case_names():
    ids = [operation["operationId"] for ops in published_schema()["paths"].values() for operation in ops.values()]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)*", operation_id) for operation_id in ids), ids
    assert {"listItems", "createItem", "moveLocation", "searchItems"} <= set(ids)


def test_only_referenced_component_schemas_are_kept():
    schema = published_schema()
    text = json.dumps(schema["paths"]) + json.dumps(schema["components"]["schemas"])
    for name in schema["components"]["schemas"]:
        assert f'"#/components/schemas/{name}"' in text, name
    assert "DevLoginOut" not in schema["components"]["schemas"]
