"""Add items by describing them in a sentence (one prompt, or a batch keyed by the caller)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from agent import min_search, services
from agent.schemas import AgentBatchIn, AgentBatchOut, AgentItemOut, AgentPromptIn, QueryIn, QueryOut
from minNow.errors import responses

router = Router(tags=["Agent"])


@router.post(
    "/agent/add-item", response=responses({200: AgentItemOut}, 400, 502), summary="Add an item from a sentence"
)
def add_item(request: HttpRequest, payload: AgentPromptIn):
    return {"status": "success", "item": services.add_item(request.auth, payload.prompt)}


@router.post(
    "/agent/add-item-batch", response=responses({200: AgentBatchOut}, 400), summary="Add several items from sentences"
)
def add_item_batch(request: HttpRequest, payload: AgentBatchIn):
    return services.add_items(request.auth, payload.prompts)


@router.post("/query-agent", response=responses({200: QueryOut}, 400, 502), summary="Ask Min Search about your things")
def query_agent(request: HttpRequest, payload: QueryIn):
    return min_search.ask(request.auth, payload.query)


# Paths used by earlier clients; kept working, left out of the documentation.
router.add_api_operation(
    "/agent-add-item", ["POST"], add_item, response=responses({200: AgentItemOut}, 400, 502), include_in_schema=False
)
router.add_api_operation(
    "/agent-add-item-batch",
    ["POST"],
    add_item_batch,
    response=responses({200: AgentBatchOut}, 400),
    include_in_schema=False,
)
