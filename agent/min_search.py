"""Min Search: answering a question about the caller's own things.

With OPENAI_API_KEY a LangGraph agent answers, calling tools over the search selectors
(agent/search_agent.py); without it the question parser does (agent/questions.py). Either way only
the caller's data is read: every tool and selector is given the user, never told it by the question.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings

from agent.graph import default_chat_model
from agent.questions import answer_question
from agent.search_agent import llm_answer
from minNow import ratelimit
from users.models import User, is_user_admin

DAILY_WINDOW_SECONDS = 24 * 3600  # one fixed window: a UTC calendar day


def ask(user: User, query: str, *, chat_model: Any = None) -> dict[str, Any]:
    """The answer to `query` as POST /api/query-agent returns it. Counts against the caller's daily cap
    (QUERY_AGENT_DAILY_LIMIT questions per UTC day through the shared limiter, whose fixed windows are aligned
    to the epoch, so the count starts again at 00:00 UTC; admins are exempt). A language model that fails is an
    UpstreamError (502)."""
    _count_question(user)
    started = time.monotonic()
    model = chat_model or default_chat_model()
    answer = answer_question(user, query) if model is None else llm_answer(user, query, model)
    return {
        "success": True,
        "response": {"message": answer.message},
        "results": answer.results,
        "conversation_id": str(uuid.uuid4()),
        "elapsed_time_ms": round((time.monotonic() - started) * 1000),
    }


def _count_question(user: User) -> None:
    if is_user_admin(user):
        return
    key = f"query-agent:{ratelimit.person_key(user)}"
    ratelimit.enforce(key, limit=settings.QUERY_AGENT_DAILY_LIMIT, window=DAILY_WINDOW_SECONDS)
