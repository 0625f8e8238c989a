"""Loopback stand-ins for an OpenAI-compatible chat API (one that answers, one that never does), and the item it
answers by default."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.test import override_settings

from config.tests.servers import LoopbackServer, Recorded, Reply, black_hole

# The fields the model is asked for, as a well-behaved model answers them.
LLM_ITEM: dict[str, Any] = {
    "name": "Black Leather Jacket",
    "item_type": "Clothing_Accessories",
    "status": "Keep",
    "item_received_date": "2025-03-10",
    "ownership_duration_goal_months": 36,
    "picture_url": "🧥",
}


def completion(content: str) -> dict[str, Any]:
    """A chat completion whose one choice says `content`."""
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": "gpt-4.1-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }


def answer(item: dict[str, Any] | str) -> Callable[[Recorded], Reply]:
    """A handler answering every request with `item` (JSON-encoded unless already a string)."""
    content = item if isinstance(item, str) else json.dumps(item)
    return lambda request: Reply(200, completion(content))


@contextmanager
def openai_server(handler: Callable[[Recorded], Reply]) -> Iterator[LoopbackServer]:
    """A loopback server answering with `handler`, configured as the agent's LLM for the block."""
    with (
        LoopbackServer(handler) as server,
        override_settings(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=server.url + "/v1", OPENAI_MODEL="gpt-4.1-mini"),
    ):
        yield server


@contextmanager
def hung_openai() -> Iterator[str]:
    """An OpenAI endpoint that accepts connections and never answers, configured as the agent's LLM for the block;
    yields its base URL."""
    with black_hole() as port:
        url = f"http://127.0.0.1:{port}/v1"
        with override_settings(OPENAI_API_KEY="sk-test", OPENAI_BASE_URL=url, OPENAI_MODEL="gpt-4.1-mini"):
            yield url
