"""The item agent: a LangGraph graph parse -> normalise -> create, compiled once per process.

One run handles one or several prompts (a batch is the same graph with more keys): parsing may run
concurrently (it is network-bound with an LLM), creation runs one prompt after another through
ItemService in the calling thread, so the item limit and the database transaction rules hold.
"""

from __future__ import annotations

import contextvars
import difflib
import functools
import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from time import monotonic
from typing import TYPE_CHECKING, Any, TypedDict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from pydantic import ValidationError

from agent import languages, rules
from agent.parsing import ParsedItem
from agent.quick_add import quick_add_fields
from items.models import ItemStatus, ItemType, OwnedItem
from items.schemas import ItemIn
from items.services import ItemService
from minNow.errors import DomainError

if TYPE_CHECKING:  # LangChain and LangGraph load on the first use of the graph or the model, not at start-up
    from langchain_core.runnables import Runnable, RunnableConfig

logger = logging.getLogger(__name__)

PARSE_CONCURRENCY = 4
NO_ITEM = "The prompt does not name an item"


@dataclass(frozen=True)
class Failure:
    status: int
    detail: str


class AgentState(TypedDict, total=False):
    prompts: dict[str, str]
    now: datetime
    time_zone: str  # the person's IANA name: `today` is `now` on their calendar
    today: date
    day_first: bool | None
    parsed: dict[str, ParsedItem | Failure]
    fields: dict[str, dict[str, Any] | Failure]
    results: dict[str, OwnedItem | Failure]


# --- Parsing: the LLM when configured, else rules ------------------------------------------------
def system_prompt(today: date, day_first: bool | None = None, time_zone: str = "UTC") -> str:
    types = ", ".join(ItemType.values)
    order = {
        True: "day/month/year",
        False: "month/day/year",
        None: "whichever of month/day/year or day/month/year gives a real date not after today (month first if both)",
    }
    return f"""You turn one sentence about a personal possession into a structured item.
Today's date is {today.isoformat()}: the person's own date in their time zone, {time_zone}. Read every date
on their calendar, in that time zone.
The person writes in {languages.active_language_name()}: keep the item's name in the words and language they used;
item_type and status are always one of the English values below.
Allowed item_type values: {types}. Use Other when nothing fits.
Allowed status values: Keep, Give, Donate. Gave, gifted or handed to someone -> Give; donated, charity,
Goodwill, thrift store -> Donate; otherwise Keep.
name: a short item name in Title Case with its meaningful adjectives (colour, material), without
articles, possessives or verbs ("a new white t-shirt" -> "White T-Shirt"). If the sentence names no
item, return name null.
item_received_date: when the user got the item, as YYYY-MM-DD, resolving relative phrases against
today's date ("yesterday", "3 months ago", "in March 2022", "for my birthday last year"). Never a date
after today; null when the sentence does not say. This person writes numeric dates as {order[day_first]}.
ownership_duration_goal_months: how long the user wants to keep the item, in months ("at least 2
years" -> 24); null when not said.
picture_url: one emoji that fits the item.
The MinNow app's Quick Add writes prompts of a fixed shape:
  Add a new item to keep: name '<name>', received <Month> <YYYY>
  Add a new item to keep: name '<name>', start tracking today: <today's date as the browser writes it>
optionally followed by ", ownership goal: <N> months". There the text between the quotes is the name exactly
as typed (keep its case, apostrophes, digits, colons and accents; do not title-case or shorten it), status is
Keep, "received <Month> <YYYY>" is the first day of that month, "start tracking today" is today's date, and the
goal is N months (null without the clause). Only item_type and picture_url are yours to choose for such a prompt."""


def default_chat_model() -> Any:
    """ChatOpenAI from settings, or None when no OPENAI_API_KEY is set. One client per configuration, reused
    by every request of the process (a changed setting, as in tests, gets its own)."""
    if not settings.OPENAI_API_KEY:
        return None
    return _chat_model(settings.OPENAI_MODEL, settings.OPENAI_API_KEY, settings.OPENAI_BASE_URL or None)


@functools.cache
def _chat_model(model: str, api_key: str, base_url: str | None) -> Any:
    from langchain_openai import ChatOpenAI
    from pydantic import SecretStr

    # The SDK's own retries are off: it would retry past the request's deadline (and after a 429 it waits as long
    # as the Retry-After header says, up to minutes). invoke_model retries within the deadline instead.
    return ChatOpenAI(
        model=model,
        api_key=SecretStr(api_key),
        base_url=base_url,
        timeout=settings.LLM_CALL_TIMEOUT_SECONDS,
        max_retries=0,
    )


# --- The time one request may spend on the model (docs/design.md, "Faults cost a bounded time") -------------
class LlmTimeSpent(Exception):
    """The request's time for the language model ran out before this call could start."""


class LlmDeadline:
    """The end of one request's language-model work, LLM_REQUEST_SECONDS after it starts: each call gets the time
    left (at most LLM_CALL_TIMEOUT_SECONDS), and none starts after it, so that a batch or a tool loop of several
    calls still answers its 502 before the worker's timeout. One deadline is shared by a batch's parsing threads."""

    def __init__(self) -> None:
        self.at = monotonic() + settings.LLM_REQUEST_SECONDS

    def call_timeout(self) -> float:
        remaining = self.at - monotonic()
        if remaining <= 0:
            raise LlmTimeSpent
        return min(settings.LLM_CALL_TIMEOUT_SECONDS, remaining)


def invoke_model(model: Runnable, messages: list[Any], deadline: LlmDeadline) -> Any:
    """`model.invoke(messages)` within `deadline`, retried LLM_RETRIES times after a failure worth retrying."""
    failures = 0
    while True:
        try:
            return model.invoke(messages, timeout=deadline.call_timeout())
        except Exception as exc:
            failures += 1
            if failures > settings.LLM_RETRIES or not _worth_retrying(exc):
                raise


def _worth_retrying(exc: Exception) -> bool:
    """What the OpenAI SDK itself retries: a timeout or lost connection, 408, 409, 429 and 5xx answers."""
    import openai

    if isinstance(exc, openai.APIConnectionError):  # APITimeoutError is one
        return True
    return isinstance(exc, openai.APIStatusError) and (exc.status_code in {408, 409, 429} or exc.status_code >= 500)


def llm_parse(
    prompt: str,
    today: date,
    chat_model: Any = None,
    *,
    day_first: bool | None = None,
    deadline: LlmDeadline | None = None,
    time_zone: str = "UTC",
) -> ParsedItem:
    """Ask the chat model for a ParsedItem (structured output) before `deadline` (a fresh one when not given); any
    failure raises."""
    from langchain_core.messages import HumanMessage, SystemMessage

    model = chat_model or default_chat_model()
    if model is None:
        raise RuntimeError("LLM parser needs OPENAI_API_KEY")
    structured = model.with_structured_output(ParsedItem)
    messages = [SystemMessage(system_prompt(today, day_first, time_zone)), HumanMessage(prompt)]
    result = invoke_model(structured, messages, deadline or LlmDeadline())
    if not isinstance(result, ParsedItem):
        raise ValueError("The language model returned no item")
    return result


def _parse_one(
    prompt: str, today: date, chat_model: Any, day_first: bool | None, deadline: LlmDeadline, time_zone: str
) -> ParsedItem | Failure:
    if chat_model is None:
        try:
            return rules.parse_prompt(prompt, today, day_first=day_first)
        except Exception:  # a parser bug on one prompt must not fail the others of a batch
            logger.exception("Rule-based parser failed on a prompt")
            return Failure(400, NO_ITEM)
    try:
        parsed = llm_parse(prompt, today, chat_model, day_first=day_first, deadline=deadline, time_zone=time_zone)
    except Exception as exc:  # timeouts, HTTP errors, malformed or invalid JSON, no time left: the provider failed
        logger.warning("Language model parse failed: %s", exc.__class__.__name__)
        return Failure(502, "The language model failed to answer; try again later")
    # What a Quick Add prompt states is read exactly; the model only chooses the type and the emoji there.
    stated = quick_add_fields(prompt, today, day_first=day_first)
    return parsed if stated is None else parsed.model_copy(update=stated)


def parse(state: AgentState, config: RunnableConfig) -> AgentState:
    deadline = LlmDeadline()  # building the client (a worker's first call) counts too
    chat_model = config.get("configurable", {}).get("chat_model") or default_chat_model()
    time_zone = state.get("time_zone", "UTC")
    prompts, context = state["prompts"], (state["today"], chat_model, state.get("day_first"), deadline, time_zone)
    if chat_model is None or len(prompts) == 1:
        parsed = {key: _parse_one(text, *context) for key, text in prompts.items()}
    else:
        with ThreadPoolExecutor(max_workers=min(PARSE_CONCURRENCY, len(prompts))) as pool:
            # Each worker runs in a copy of this context, so it sees the request's language (system_prompt).
            futures = {
                key: pool.submit(contextvars.copy_context().run, functools.partial(_parse_one, text, *context))
                for key, text in prompts.items()
            }
            parsed = {key: future.result() for key, future in futures.items()}
    return {"parsed": parsed}


# --- Normalising: valid enums, dates, defaults, emoji --------------------------------------------
STATUS_WORDS = {
    **dict.fromkeys(("give", "gave", "given", "gift", "gifted"), ItemStatus.GIVE),
    **dict.fromkeys(("donate", "donated", "donation", "charity"), ItemStatus.DONATE),
    **dict.fromkeys(("keep", "kept", "own"), ItemStatus.KEEP),
}


def _squash(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def coerce_item_type(value: str | None) -> str:
    """The allowed type nearest to `value` ("technology", "Clothing", "books", "clothes") or Other.

    A type name or part of one first, then the rule parser's keywords, then a close spelling.
    """
    wanted = _squash(value or "")
    if not wanted:
        return ItemType.OTHER
    names: dict[str, str] = {}  # a whole type name or one of its parts -> the type
    for choice in ItemType.values:
        names[_squash(choice)] = choice
        for part in choice.split("_"):
            names.setdefault(_squash(part), choice)
    if wanted in names:
        return names[wanted]
    for name, choice in names.items():
        if len(wanted) >= 4 and (name.startswith(wanted) or wanted.startswith(name)):
            return choice
    by_keywords = rules.classify_item_type(value, value or "")  # "clothes", "electronics", "sofa"
    if by_keywords != ItemType.OTHER:
        return by_keywords
    close = difflib.get_close_matches(wanted, list(names), n=1, cutoff=0.7)
    return names[close[0]] if close else ItemType.OTHER


def coerce_status(value: str | None) -> str:
    """Keep, Give or Donate, from the value or a synonym; Keep when unclear."""
    if not value:
        return ItemStatus.KEEP
    return STATUS_WORDS.get(_squash(value), ItemStatus.KEEP)


def _received_at(day: date | None, now: datetime, zone: tzinfo) -> datetime:
    """The moment stored for a received day: now for today (or no day, or a later one: never in the future), else
    noon of that day on the person's clock (`zone`), in UTC."""
    if day is None or day >= now.astimezone(zone).date():
        return now
    return datetime.combine(day, time(12, 0), tzinfo=zone).astimezone(UTC)


def _picture(parsed: ParsedItem, item_type: str, name: str) -> str:
    emoji = (parsed.picture_url or "").strip()
    if emoji and len(emoji) <= 8 and ":" not in emoji and not any(char.isalnum() for char in emoji):
        return emoji
    return rules.choose_emoji(name, item_type)


def _item_fields(parsed: ParsedItem, now: datetime, zone: tzinfo) -> dict[str, Any] | Failure:
    name = (parsed.name or "").strip()
    if not name:
        return Failure(400, NO_ITEM)
    item_type = coerce_item_type(parsed.item_type)
    received = _received_at(parsed.item_received_date, now, zone)
    goal = parsed.ownership_duration_goal_months or 12
    fields = {
        "name": name[:255],
        "picture_url": _picture(parsed, item_type, name),
        "item_type": item_type,
        "status": coerce_status(parsed.status),
        "item_received_date": received,
        "last_used": received,
        "ownership_duration_goal_months": min(max(goal, 1), 1200),
    }
    try:
        return ItemIn.model_validate(fields).model_dump()
    except ValidationError as exc:
        return Failure(400, "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))


def normalise(state: AgentState) -> AgentState:
    now, zone = state.get("now") or timezone.now(), ZoneInfo(state.get("time_zone", "UTC"))
    return {
        "fields": {
            key: parsed if isinstance(parsed, Failure) else _item_fields(parsed, now, zone)
            for key, parsed in state["parsed"].items()
        }
    }


# --- Creating: through ItemService, one after another -------------------------------------------
def create(state: AgentState, config: RunnableConfig) -> AgentState:
    user = config["configurable"]["user"]
    results: dict[str, OwnedItem | Failure] = {}
    for key, fields in state["fields"].items():
        if isinstance(fields, Failure):
            results[key] = fields
            continue
        try:
            results[key] = ItemService.create_item(user=user, **fields)
        except DomainError as exc:
            results[key] = Failure(exc.status_code, str(exc.detail))
    return {"results": results}


@functools.cache
def item_agent() -> Any:
    """The compiled graph, built on first use and reused by every request of the process."""
    from langgraph.graph import END, START, StateGraph

    graph = StateGraph(AgentState)
    graph.add_node("parse", parse)
    graph.add_node("normalise", normalise)
    graph.add_node("create", create)
    graph.add_edge(START, "parse")
    graph.add_edge("parse", "normalise")
    graph.add_edge("normalise", "create")
    graph.add_edge("create", END)
    return graph.compile()


def run_agent(
    user: Any, prompts: dict[str, str], *, chat_model: Any = None, day_first: bool | None = None
) -> dict[str, OwnedItem | Failure]:
    """Parse, normalise and create one item per prompt; a result per key, in the prompts' order. `day_first`:
    how the person's locale orders a numeric date, when known. Dates are read on the person's calendar (their
    `time_zone`): "today", "yesterday" and "3.12.2026" are their days, not UTC's."""
    now = timezone.now()
    time_zone = str(user.zone)
    state = item_agent().invoke(
        {"prompts": prompts, "now": now, "time_zone": time_zone, "today": user.today(now), "day_first": day_first},
        config={"configurable": {"user": user, "chat_model": chat_model}},
    )
    return state["results"]
