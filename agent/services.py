"""Adding items from sentences: the rules around a run of the item agent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext

from agent.graph import Failure, run_agent
from items.selectors import item_json
from items.services import refuse_over_item_limit
from minNow.errors import BadRequest, UpstreamError
from users.models import User


def add_item(user: User, prompt: str, *, day_first: bool | None = None) -> dict[str, Any]:
    """The JSON of the item described by `prompt`. A model that fails or cannot be reached is a 502, a sentence that
    names no item (or an item the rules refuse) a 400. `day_first`: how the person writes numeric dates, if known."""
    result = run_agent(user, {"prompt": prompt}, day_first=day_first)["prompt"]
    if isinstance(result, Failure):
        raise UpstreamError(result.detail) if result.status == 502 else BadRequest(result.detail)
    return item_json(result)


def add_items(user: User, prompts: dict[str, str], *, day_first: bool | None = None) -> dict[str, Any]:
    """One result per key: the created item or why not. The overall status is "success" when every prompt
    added an item and "partial" when some did. A batch that added nothing is a 400 whose `detail` names each
    key and why, with the same `status` ("error") and `results` beside it (a 502 when every prompt failed because
    the language model did): a client that reads only the status code must not take it for a success.

    A batch that cannot fit under the item limit is refused whole before any model call is spent on it;
    each creation checks the limit again under the user lock, so a concurrent request cannot overfill."""
    if not 1 <= len(prompts) <= settings.AGENT_MAX_BATCH:
        raise BadRequest(
            gettext("prompts must hold between 1 and %(most)d prompts") % {"most": settings.AGENT_MAX_BATCH}
        )
    refuse_over_item_limit(user, adding=len(prompts))
    outcomes = run_agent(user, prompts, day_first=day_first)
    results: dict[str, dict[str, Any]] = {
        key: {"status": "error", "item": None, "detail": result.detail}
        if isinstance(result, Failure)
        else {"status": "success", "item": item_json(result)}
        for key, result in outcomes.items()
    }
    failures = [result for result in outcomes.values() if isinstance(result, Failure)]
    if len(failures) < len(outcomes):
        return {"status": "partial" if failures else "success", "results": results}
    reasons = "; ".join(f"{key}: {result['detail']}" for key, result in results.items())
    error = UpstreamError if all(failure.status == 502 for failure in failures) else BadRequest
    raise error(
        gettext("No item was added. %(reasons)s") % {"reasons": reasons}, extra={"status": "error", "results": results}
    )
