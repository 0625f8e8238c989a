"""Request and response schemas of the item agent."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from items.schemas import ItemOut, ItemSearchOut
from minNow.errors import ErrorOut
from minNow.schemas import Text

Prompt = Annotated[str, Text(max_length=1000)]


class AgentPromptIn(Schema):
    prompt: Prompt


class AgentBatchIn(Schema):
    prompts: dict[Annotated[str, Text(max_length=100)], Prompt] = Field(
        ..., description="Prompts by a key of your choice; at most AGENT_MAX_BATCH and your remaining slots"
    )


class QueryIn(Schema):
    query: Annotated[str, Text(max_length=500)] = Field(
        ..., description="A question about your things, e.g. “where is my passport?”"
    )


class QueryAnswerOut(Schema):
    message: str


class QueryOut(Schema):
    success: bool
    response: QueryAnswerOut
    results: list[ItemSearchOut] = Field(description="The item search results the answer was built from")
    conversation_id: str
    elapsed_time_ms: int


class AgentItemOut(Schema):
    status: Literal["success"]
    item: ItemOut


class AgentBatchResult(Schema):
    status: Literal["success", "error"]
    item: ItemOut | None = None
    detail: str | None = None


class AgentBatchOut(Schema):
    status: Literal["success", "partial"] = Field(
        description="success: every prompt added an item; partial: some did (a 200 either way, so a client that "
        "reads only the status code cannot tell them apart: check `status` or each result)"
    )
    results: dict[str, AgentBatchResult]


class AgentBatchErrorOut(ErrorOut):
    """A refused batch: `detail` (and `errors` for a malformed request) as every error; a batch whose prompts all
    failed also carries `status` "error" and the per-key `results`, its `detail` naming each key and why."""

    status: Literal["error"] | None = None
    results: dict[str, AgentBatchResult] | None = None
