"""Adding items from sentences: the rules around a run of the item agent."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from agent.graph import Failure, run_agent
from items.selectors import item_json
from items.services import refuse_over_item_limit
from minNow.errors import BadRequest, UpstreamError
from users.models import User


def add_item(user: User, prompt: str) -> dict[str, Any]:
    """The JSON of the item described by `prompt`. A model that fails or cannot be reached is a 502, a sentence that
    names no item (or an item the rules refuse) a 400."""
    result = run_agent(user, {"prompt": prompt})["prompt"]
    if isinstance(result, Failure):
        raise UpstreamError(result.detail) if result.status == 502 else BadRequest(result.detail)
    return item_json(result)


def add_items(user: User, prompts: dict[str, str]) -> dict[str, Any]:
    """One result per key: the created item or why not. The overall status is "success" or "error" when
    every prompt ended the same way, "partial" otherwise.

    A batch that cannot fit under the item limit is refused whole before any model call is spent on it;
    each creation checks the limit again under the user lock, so a concurrent request cannot overfill."""
    if not 1 <= len(prompts) <= settings.AGENT_MAX_BATCH:
        raise BadRequest(f"prompts must hold between 1 and {settings.AGENT_MAX_BATCH} prompts")
    refuse_over_item_limit(user, adding=len(prompts))
    results = {
        key: {"status": "error", "detail": result.detail}
        if isinstance(result, Failure)
        else {"status": "success", "item": item_json(result)}
        for key, result in run_agent(user, prompts).items()
    }
    statuses = {result["status"] for result in results.values()}
    return {"status": statuses.pop() if len(statuses) == 1 else "partial", "results": results}
