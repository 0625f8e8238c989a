"""Dates in prompts read on the person's calendar (docs/design.md "Time zones"): Quick Add's "today", relative dates
("yesterday") and date-only values near local midnight in several zones, the "not after tomorrow" check, and the
time zone and local date the language model is told (through the loopback OpenAI stand-in)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings

from agent.tests.llm import LLM_ITEM, answer, openai_server
from config.testing import ApiClient, api_for, make_user, moment
from config.tests.servers import Recorded
from users.models import User

pytestmark = pytest.mark.django_db

ZONES = ["Asia/Tokyo", "Europe/Berlin", "America/Los_Angeles", "UTC"]
LOCAL_DAY = date(2026, 12, 3)
NEAR_MIDNIGHT = [time(23, 30), time(0, 30)]  # late on LOCAL_DAY, and early on it
BATCH = "/api/agent-add-item-batch"


@pytest.fixture(autouse=True)
def no_llm_by_default():
    with override_settings(OPENAI_API_KEY=""):
        yield


def person(zone: str) -> User:
    return make_user("kim", time_zone=zone)


def local(zone: str, clock: time, day: date = LOCAL_DAY) -> datetime:
    return datetime.combine(day, clock, tzinfo=ZoneInfo(zone))


def local_noon(zone: str, day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def quick_add(name: str, when: str) -> str:
    return f"Add a new item to keep: name '{name}', {when}"


def received(api: ApiClient, prompt: str, **headers: str) -> datetime:
    """Add one item through the app's batch route and return its stored received moment."""
    response = api.post(BATCH, {"prompts": {"0": prompt}}, **headers)
    assert response.status_code == 200, response.content
    return moment(response.json()["results"]["0"]["item"]["item_received_date"])


# --- Quick Add and the rule parser -----------------------------------------------------------------
@pytest.mark.parametrize("clock", NEAR_MIDNIGHT, ids=["23:30", "00:30"])
@pytest.mark.parametrize("zone", ZONES)
def test_quick_add_today_is_the_persons_date_near_midnight(zone, clock):
    kim = person(zone)
    now = local(zone, clock)
    with time_machine.travel(now, tick=False):
        stored = received(api_for(kim), quick_add("Yoga Mat", "start tracking today: 12/3/2026"))

    assert stored == now  # today means now
    assert stored.astimezone(ZoneInfo(zone)).date() == LOCAL_DAY


@pytest.mark.parametrize("clock", NEAR_MIDNIGHT, ids=["23:30", "00:30"])
@pytest.mark.parametrize("zone", ZONES)
def test_yesterday_near_midnight_is_the_day_before_the_persons_today(zone, clock):
    kim = person(zone)
    with time_machine.travel(local(zone, clock), tick=False):
        stored = received(api_for(kim), "I bought a desk lamp yesterday")

    assert stored == local_noon(zone, LOCAL_DAY - timedelta(days=1))
    assert stored.astimezone(ZoneInfo(zone)).date() == date(2026, 12, 2)


@pytest.mark.parametrize("zone", ZONES)
def test_relative_dates_count_from_the_persons_today(zone):
    """00:30 on Dec 3 locally: "3 weeks ago" and "last month" count from Dec 3, wherever UTC is."""
    kim = person(zone)
    with time_machine.travel(local(zone, time(0, 30)), tick=False):
        weeks = received(api_for(kim), "I bought a desk lamp 3 weeks ago")
        month = received(api_for(kim), "I got a blue umbrella last month")

    assert weeks == local_noon(zone, date(2026, 11, 12))
    assert month == local_noon(zone, date(2026, 11, 3))


@pytest.mark.parametrize("clock", NEAR_MIDNIGHT, ids=["23:30", "00:30"])
@pytest.mark.parametrize("zone", ZONES)
def test_a_date_only_value_is_that_day_on_the_persons_calendar(zone, clock):
    kim = person(zone)
    now = local(zone, clock)
    with time_machine.travel(now, tick=False):
        yesterday = received(api_for(kim), quick_add("Kettle", "received 2.12.2026"))
        today = received(api_for(kim), quick_add("Teapot", "received 3.12.2026"))

    assert yesterday == local_noon(zone, date(2026, 12, 2))
    assert today == now  # the person's today: now, never a moment in their future


@pytest.mark.parametrize(
    ("zone", "now", "expected"),
    [
        # 00:30 on Jan 1 in Tokyo is still Dec 31 in UTC: January is this (new) year's, its first day being today.
        ("Asia/Tokyo", datetime(2027, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Tokyo")), date(2027, 1, 1)),
        # 23:30 on Dec 31 in Los Angeles is already Jan 1 in UTC: January is the one that ended eleven months ago.
        (
            "America/Los_Angeles",
            datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")),
            date(2026, 1, 1),
        ),
    ],
    ids=["Asia/Tokyo", "America/Los_Angeles"],
)
def test_a_month_without_a_year_is_the_latest_one_on_the_persons_calendar(zone, now, expected):
    kim = person(zone)
    with time_machine.travel(now, tick=False):
        stored = received(api_for(kim), "I got a wool scarf in January")

    assert stored.astimezone(ZoneInfo(zone)).date() == expected


def test_a_date_on_the_persons_today_is_read_when_utc_is_still_on_the_day_before():
    """00:30 on Dec 3 in Tokyo is Dec 2 in UTC: "3.12.2026" is the person's today, not a future date."""
    kim = person("Asia/Tokyo")
    with time_machine.travel(local("Asia/Tokyo", time(0, 30)), tick=False):
        stored = received(api_for(kim), "I got a rice cooker on 3.12.2026, keep it 5 years")

    assert stored.astimezone(ZoneInfo("Asia/Tokyo")).date() == LOCAL_DAY


def test_after_tomorrow_is_judged_on_the_persons_calendar():
    """23:30 on Dec 3 in Los Angeles is Dec 4 in UTC. A British browser's 05/12/2026 read day first is Dec 5, after
    the person's tomorrow, so the other reading (May 12) is taken."""
    kim = person("America/Los_Angeles")
    with time_machine.travel(local("America/Los_Angeles", time(23, 30)), tick=False):
        stored = received(
            api_for(kim), quick_add("Kettle", "received 05/12/2026"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8"
        )

    assert stored == local_noon("America/Los_Angeles", date(2026, 5, 12))


# --- The language model is told the person's zone and date ------------------------------------------
def system_prompt(requests: list[Recorded], zone: str) -> str:
    """The system prompt of the one model call made: it names the person's zone and local date."""
    [request] = requests
    system = request.json()["messages"][0]
    assert system["role"] == "system"
    assert f"Today's date is {LOCAL_DAY.isoformat()}" in system["content"]
    assert zone in system["content"]
    return str(system["content"])


@pytest.mark.parametrize("clock", NEAR_MIDNIGHT, ids=["23:30", "00:30"])
@pytest.mark.parametrize("zone", ZONES)
def test_the_item_agents_prompt_carries_the_zone_and_the_local_date(zone, clock):
    kim = person(zone)
    now = local(zone, clock)
    with time_machine.travel(now, tick=False), openai_server(answer(LLM_ITEM)) as server:
        response = api_for(kim).post("/api/agent/add-item", {"prompt": "I got a black leather jacket in March"})

    assert response.status_code == 200, response.content
    prompt = system_prompt(server.requests, zone)
    utc_day = now.astimezone(UTC).date()
    if utc_day != LOCAL_DAY:
        assert utc_day.isoformat() not in prompt
    # The model's date-only answer is that day on the person's calendar.
    assert moment(response.json()["item"]["item_received_date"]) == local_noon(zone, date(2025, 3, 10))


def test_the_models_yesterday_near_midnight_is_kept_as_the_persons_yesterday():
    """At 00:30 in Tokyo (15:30 UTC the day before), the model answers the person's yesterday, which is UTC's today:
    it is a past day for the person, stored at their noon, not taken for today."""
    kim = person("Asia/Tokyo")
    item = {**LLM_ITEM, "item_received_date": "2026-12-02"}
    with time_machine.travel(local("Asia/Tokyo", time(0, 30)), tick=False), openai_server(answer(item)):
        response = api_for(kim).post("/api/agent/add-item", {"prompt": "I got a black leather jacket yesterday"})

    assert response.status_code == 200, response.content
    assert moment(response.json()["item"]["item_received_date"]) == local_noon("Asia/Tokyo", date(2026, 12, 2))


@pytest.mark.parametrize("zone", ZONES)
def test_min_searchs_prompt_carries_the_zone_and_the_local_date(zone):
    kim = person(zone)
    now = local(zone, time(0, 30))
    with time_machine.travel(now, tick=False), openai_server(answer("You have nothing from last month.")) as server:
        response = api_for(kim).post("/api/query-agent", {"query": "What did I get last month?"})

    assert response.status_code == 200, response.content
    system_prompt(server.requests, zone)
