"""The published OpenAPI document, docs/openapi.json: the versioned API as production serves it, without the
development routes. `make openapi` rewrites it; config/tests/test_openapi_document.py fails when it differs from
the schema the code serves, so a change to the API shows up in review as a change to this file."""

from __future__ import annotations

import json
import re
from typing import Any

from django.conf import settings
from ninja.responses import NinjaJSONEncoder

from config.api import VERSIONED_PREFIX, api

DOCUMENT = settings.BASE_DIR / "docs" / "openapi.json"
DEVELOPMENT_PATHS = f"{VERSIONED_PREFIX}dev/"
REFERENCE = re.compile(r'"#/components/schemas/([^"]+)"')


def published_schema() -> dict[str, Any]:
    """The served schema without the development routes and the component schemas only they used."""
    schema = json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
    schema["paths"] = {path: ops for path, ops in schema["paths"].items() if not path.startswith(DEVELOPMENT_PATHS)}
    components = schema["components"]["schemas"]
    used: set[str] = set()
    pending = set(REFERENCE.findall(json.dumps(schema["paths"])))
    while pending:  # components refer to other components
        name = pending.pop()
        used.add(name)
        pending |= set(REFERENCE.findall(json.dumps(components[name]))) - used
    schema["components"]["schemas"] = {name: body for name, body in components.items() if name in used}
    return schema


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    DOCUMENT.write_text(render(published_schema()), encoding="utf-8")
    print(f"Wrote {DOCUMENT.relative_to(settings.BASE_DIR)}")
