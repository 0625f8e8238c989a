"""Every outside call is bounded, and the slowest request answers before gunicorn's worker timeout (docs/design.md,
"Faults cost a bounded time"): a language model or MailerSend that accepts the connection and never answers costs
its budget, then the JSON 502. The database's bounds are tested in test_faults.py."""

from __future__ import annotations

import runpy
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from django.test import override_settings

from agent.graph import default_chat_model
from agent.search_agent import LLM_FAILED
from agent.tests.llm import completion, hung_openai, openai_server
from config.testing import PROJECT_DIR, gunicorn_serving
from config.tests.servers import Recorded, Reply, black_hole
from items.models import OwnedItem
from minNow.auth import issue_dev_token

pytestmark = pytest.mark.django_db

WORKER_TIMEOUT = runpy.run_path(str(PROJECT_DIR / "gunicorn.conf.py"))["timeout"]
EMAIL_FAILED = "The email provider failed to send the reminder"
BATCH = {str(number): f"a red kettle number {number}" for number in range(6)}  # two rounds of PARSE_CONCURRENCY


def worst_request_seconds(settings: Any) -> float:
    """The longest any request can take when every outside call it makes hangs or answers at the last moment."""
    # The rate limiter twice (the request, then a per-person cap), Clerk's JWKS and a profile sync: each at most once.
    first = 2 * settings.RATE_LIMIT_TIMEOUT_SECONDS + 2 * settings.CLERK_TIMEOUT_SECONDS
    # Then what the request itself waits for; a database failure ends the request, so it comes last.
    answer = settings.DATABASE_ANSWER_TIMEOUT
    last = max(
        answer + settings.DATABASE_CONNECT_TIMEOUT,  # the kept connection is silent, and so is a new one
        settings.LLM_REQUEST_SECONDS + answer,  # the language model, then a silent statement
        2 * settings.MAILERSEND_TIMEOUT_SECONDS + answer,  # two emails, then a silent statement
    )
    return first + last


def timed(call: Callable[[], Any]) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_the_slowest_request_answers_before_the_worker_timeout(settings):
    assert worst_request_seconds(settings) == 27  # the sum docs/design.md gives
    assert worst_request_seconds(settings) <= WORKER_TIMEOUT - 3
    # The server cancels a slow statement (the connection stays usable) before the client gives the connection up.
    assert settings.DATABASE_STATEMENT_TIMEOUT < settings.DATABASE_ANSWER_TIMEOUT


# --- A hung language model, with short budgets ---------------------------------------------------------------
@pytest.fixture
def hung_llm(settings):
    """An OpenAI endpoint that never answers; a call may wait 1 s, a request's calls 2.5 s together."""
    settings.LLM_CALL_TIMEOUT_SECONDS = 1
    settings.LLM_REQUEST_SECONDS = 2.5
    with hung_openai():
        default_chat_model()  # built (and langchain_openai imported) before any test starts its clock
        yield


@pytest.mark.slow  # waits out the request budget
def test_a_hung_language_model_makes_add_item_a_502_within_the_request_budget(alice_api, hung_llm):
    response, elapsed = timed(lambda: alice_api.post("/api/agent/add-item", {"prompt": "a red kettle"}))

    assert response.status_code == 502
    assert response.json() == {"detail": LLM_FAILED}
    assert 2 <= elapsed < 3.5  # a call of 1 s and its retry of 1 s, never past the 2.5 s
    assert OwnedItem.objects.count() == 0


@pytest.mark.slow  # waits out the request budget
def test_a_hung_language_model_stops_a_batch_at_the_request_budget(alice_api, hung_llm):
    response, elapsed = timed(lambda: alice_api.post("/api/agent/add-item-batch", {"prompts": BATCH}))

    assert response.status_code == 502
    body = response.json()
    assert body["detail"] == "No item was added. " + "; ".join(f"{key}: {LLM_FAILED}" for key in BATCH)
    assert body["results"] == {key: {"status": "error", "item": None, "detail": LLM_FAILED} for key in BATCH}
    # Four prompts wait 1 s and 1 s again; the last two get what is left of the 2.5 s, then the batch ends.
    assert 2.4 <= elapsed < 3.5
    assert OwnedItem.objects.count() == 0


@pytest.mark.slow  # waits out the request budget
def test_a_hung_language_model_makes_min_search_a_502_within_the_request_budget(alice_api, hung_llm):
    response, elapsed = timed(lambda: alice_api.post("/api/query-agent", {"query": "Where is my passport?"}))

    assert response.status_code == 502
    assert response.json() == {"detail": LLM_FAILED}
    assert 2 <= elapsed < 3.5


@pytest.mark.slow  # waits out the request budget
def test_a_slow_language_model_cannot_stretch_the_tool_loop_past_the_request_budget(alice_api, settings):
    """Each call answers just inside its own timeout, but the loop of calls is cut at the request's budget."""
    settings.LLM_CALL_TIMEOUT_SECONDS = 1
    settings.LLM_REQUEST_SECONDS = 2.5
    tool_call = {
        "id": "call-1",
        "type": "function",
        "function": {"name": "find_items", "arguments": '{"words": "passport"}'},
    }

    def slowly_asking_for_tools(request: Recorded) -> Reply:
        time.sleep(0.8)
        answer = completion("")
        answer["choices"][0]["message"] |= {"content": None, "tool_calls": [tool_call]}
        answer["choices"][0]["finish_reason"] = "tool_calls"
        return Reply(200, answer)

    with openai_server(slowly_asking_for_tools) as server:
        response, elapsed = timed(lambda: alice_api.post("/api/query-agent", {"query": "Where is my passport?"}))

    assert response.status_code == 502
    assert response.json() == {"detail": LLM_FAILED}
    assert elapsed < 3.5
    assert len(server.requests) <= 4  # without the budget: five calls of 0.8 s (RECURSION_LIMIT)


# --- A hung MailerSend -----------------------------------------------------------------------------------------
@pytest.mark.slow  # waits out the provider timeout
def test_a_hung_mailersend_makes_send_test_email_a_502_within_its_timeout(alice_api, settings):
    settings.MAILERSEND_TIMEOUT_SECONDS = 1
    with (
        black_hole() as port,
        override_settings(
            MAILERSEND_API_KEY="mlsn.test",
            MAILERSEND_API_URL=f"http://127.0.0.1:{port}/v1",
            EMAIL_BACKEND="minNow.email.MailerSendBackend",
        ),
    ):
        response, elapsed = timed(lambda: alice_api.post("/api/send-test-email", {"checkup_type": "keep"}))

    assert response.status_code == 502
    assert response.json() == {"detail": EMAIL_FAILED}
    assert 1 <= elapsed < 2


# --- The production numbers, through gunicorn ------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)  # gunicorn's workers read and write the test database
@pytest.mark.slow  # gunicorn, production timeouts
def test_through_gunicorn_hung_providers_answer_their_502_before_the_worker_timeout(alice, settings):
    """The attack that found the problem: each request used to end in gunicorn's HTML 500 or a dropped connection
    after about 30 s. Four workers take the four requests at once, so the test lasts one LLM budget."""
    headers = {"Authorization": f"Bearer {issue_dev_token(alice)}"}
    with black_hole() as llm_port, black_hole() as mail_port:
        providers = {
            "OPENAI_API_KEY": "sk-test",
            "OPENAI_BASE_URL": f"http://127.0.0.1:{llm_port}/v1",
            "MAILERSEND_API_KEY": "mlsn.test",
            "MAILERSEND_API_URL": f"http://127.0.0.1:{mail_port}/v1",
        }
        with gunicorn_serving(workers=4, **providers) as base, httpx.Client(timeout=WORKER_TIMEOUT + 10) as client:
            calls = {
                "add-item": ("/api/agent/add-item", {"prompt": "a red kettle"}),
                "batch": ("/api/agent/add-item-batch", {"prompts": BATCH}),
                "min-search": ("/api/query-agent", {"query": "Where is my passport?"}),
                "email": ("/api/send-test-email", {"checkup_type": "keep"}),
            }

            def post(name: str) -> tuple[httpx.Response, float]:
                path, body = calls[name]
                return timed(lambda: client.post(base + path, json=body, headers=headers))

            with ThreadPoolExecutor(len(calls)) as pool:
                answers = dict(zip(calls, pool.map(post, calls), strict=True))

    for name, (response, elapsed) in answers.items():
        assert response.status_code == 502, (name, response.text)
        assert response.headers["Content-Type"].startswith("application/json"), name
        assert response.json()["detail"].endswith(EMAIL_FAILED if name == "email" else LLM_FAILED), name
        assert elapsed < WORKER_TIMEOUT - 3, name
    # The model's budget was spent (a call of 10 s, its retry in the 5 s left), and MailerSend's timeout (15 s
    # before). A worker's first request costs a second or two more (measured with three workers of four cold on two
    # busy cores): the margin below the worker timeout is there for that.
    for name in ("add-item", "batch", "min-search"):
        assert answers[name][1] > settings.LLM_REQUEST_SECONDS - 0.5, name
    assert settings.MAILERSEND_TIMEOUT_SECONDS <= answers["email"][1] < settings.MAILERSEND_TIMEOUT_SECONDS + 5
