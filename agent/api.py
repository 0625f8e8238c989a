"""Add items by describing them in a sentence (one prompt, or a batch keyed by the caller)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from agent import min_search, services
from agent.dates import day_first_for
from agent.schemas import (
    AgentBatchErrorOut,
    AgentBatchIn,
    AgentBatchOut,
    AgentItemOut,
    AgentPromptIn,
    QueryIn,
    QueryOut,
)
from minNow.errors import responses
from users.auth import AuthenticatedRequest

router = Router(tags=["Agent"])


@router.post(
    "/agent/add-item", response=responses({200: AgentItemOut}, 400, 502), summary="Add an item from a sentence"
)
def add_item(request: AuthenticatedRequest, payload: AgentPromptIn):
    item = services.add_item(request.auth, payload.prompt, day_first=_day_first(request))
    return {"status": "success", "item": item}


BATCH_RESPONSES = responses({200: AgentBatchOut, 400: AgentBatchErrorOut, 502: AgentBatchErrorOut})


@router.post(
    "/agent/add-item-batch",
    response=BATCH_RESPONSES,
    summary="Add several items from sentences",
    description="200 when at least one prompt added an item (`status` success or partial); 400 when none did, "
    "with `detail` naming each key and why and the same `results` (502 when the language model failed on all); "
    "a batch over the item limit is refused whole (400, `detail` only).",
)
def add_item_batch(request: AuthenticatedRequest, payload: AgentBatchIn):
    return services.add_items(request.auth, payload.prompts, day_first=_day_first(request))


@router.post(
    "/query-agent",
    response=responses({200: QueryOut}, 400, 502),
    summary="Ask Min Search about your things",
    description="At most `QUERY_AGENT_DAILY_LIMIT` questions per user per UTC day (admins are exempt); the count "
    "resets at 00:00 UTC, and the 429 after the cap carries `Retry-After`, the seconds until then.",
)
def query_agent(request: AuthenticatedRequest, payload: QueryIn):
    return min_search.ask(request.auth, payload.query)


# Paths used by earlier clients; kept working, left out of the documentation.
router.add_api_operation(
    "/agent-add-item", ["POST"], add_item, response=responses({200: AgentItemOut}, 400, 502), include_in_schema=False
)
router.add_api_operation(
    "/agent-add-item-batch",
    ["POST"],
    add_item_batch,
    response=BATCH_RESPONSES,
    include_in_schema=False,
)


def _day_first(request: HttpRequest) -> bool | None:
    """How the person's browser writes numeric dates, from its preferred language (the first of Accept-Language)."""
    return day_first_for(request.headers.get("Accept-Language"))
