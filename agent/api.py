"""Add items by describing them in a sentence (one prompt, or a batch keyed by the caller)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from ninja import Router

from agent.graph import Failure, run_agent
from agent.schemas import AgentBatchIn, AgentBatchOut, AgentItemOut, AgentPromptIn
from items.services import ensure_item_capacity
from minNow.errors import BadRequest, UpstreamError, responses

router = Router(tags=["Agent"])


@router.post(
    "/agent/add-item", response=responses({200: AgentItemOut}, 400, 502), summary="Add an item from a sentence"
)
def add_item(request: HttpRequest, payload: AgentPromptIn):
    result = run_agent(request.auth, {"prompt": payload.prompt})["prompt"]
    if isinstance(result, Failure):
        raise UpstreamError(result.detail) if result.status == 502 else BadRequest(result.detail)
    return {"status": "success", "item": result}


@router.post(
    "/agent/add-item-batch", response=responses({200: AgentBatchOut}, 400), summary="Add several items from sentences"
)
def add_item_batch(request: HttpRequest, payload: AgentBatchIn):
    prompts = payload.prompts
    if not 1 <= len(prompts) <= settings.AGENT_MAX_BATCH:
        raise BadRequest(f"prompts must hold between 1 and {settings.AGENT_MAX_BATCH} prompts")
    with transaction.atomic():
        ensure_item_capacity(request.auth, adding=len(prompts))
    results = {
        key: {"status": "error", "detail": result.detail}
        if isinstance(result, Failure)
        else {"status": "success", "item": result}
        for key, result in run_agent(request.auth, prompts).items()
    }
    statuses = {result["status"] for result in results.values()}
    overall = statuses.pop() if len(statuses) == 1 else "partial"
    return {"status": overall, "results": results}


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
