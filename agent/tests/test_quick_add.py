"""The web frontend's Quick Add: the fixed-shape prompts it composes, read exactly by the rule-based parser and
by the LLM path, through the batch route the app calls (`/api/agent-add-item-batch`)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from agent.eval import locale_prompts
from agent.evaluation import evaluate, load_cases
from agent.rules import parse_prompt
from agent.tests.llm import LLM_ITEM, completion, openai_server
from config.testing import api_for, moment
from config.tests.servers import Recorded, Reply
from items.models import OwnedItem

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
NAMES = [
    "Blue Umbrella",
    "grandma's quilt",
    "Sony WH-1000XM4",
    "Star Wars: A New Hope",
    "Café Crème Mugs",
    "Rock 'n' Roll Vinyl",
    "2019 Honda Civic",
    "iPhone 13 Pro",
    "Dr. Martens 1460",
    "Gift for Mom",  # "gift" must not turn a kept item into a Give
    "Donation Box",
    "Christmas 2020 Sweater",  # a date inside the name is not the received date
    "12 Month Planner",  # a duration inside the name is not the goal
    "Grandma\u2019s Quilt",  # a typographic apostrophe stays as typed
]


def quick_add(name: str, when: str, goal: int | None = None) -> str:
    prompt = f"Add a new item to keep: name '{name}', {when}"
    return prompt if goal is None else f"{prompt}, ownership goal: {goal} months"


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("when", "received"),
    [
        ("received March 2022", date(2022, 3, 1)),
        ("received January 2019", date(2019, 1, 1)),
        ("received June 2021", date(2021, 6, 1)),
        ("start tracking today: 12/2/2026", TODAY),
        ("start tracking today: 12/1/2026", TODAY),  # the person's clock is behind UTC: still their today, now
        ("start tracking today: 12/3/2026", TODAY),  # ahead of UTC (Tokyo after midnight): the same
        ("start tracking today: 2.12.2026", TODAY),  # German
        ("start tracking today: 2026/12/2", TODAY),  # Japanese, Chinese
    ],
)
@pytest.mark.parametrize("goal", [None, 1, 24, 1200])
def test_rules_read_every_field_of_a_quick_add_prompt(name, when, received, goal):
    parsed = parse_prompt(quick_add(name, when, goal), TODAY)

    assert parsed.name == name
    assert parsed.status == "Keep"
    assert parsed.item_received_date == received
    assert parsed.ownership_duration_goal_months == goal


@pytest.mark.parametrize(
    ("name", "item_type"),
    [("Blue Umbrella", "Miscellaneous"), ("Yoga Mat", "Fitness_Equipment"), ("Pokémon Cards", "Toys_Games")],
)
def test_the_type_comes_from_the_quoted_name(name, item_type):
    assert parse_prompt(quick_add(name, "received March 2022"), TODAY).item_type == item_type


@pytest.mark.parametrize(
    "when",
    [
        "received 2/30/2026",  # no such day
        "received 30.2.2026",
        "received March 2030",
        "received 2027-01-05",
    ],
)
def test_a_future_or_impossible_date_is_left_to_default_to_now(when):
    parsed = parse_prompt(quick_add("Lamp", when), TODAY)

    assert parsed.name == "Lamp"
    assert parsed.item_received_date is None


def test_an_empty_quoted_name_names_no_item():
    assert parse_prompt(quick_add("", "received March 2022"), TODAY).name is None


def test_a_similar_sentence_of_another_shape_is_parsed_as_prose():
    parsed = parse_prompt("Add a new item to keep: my blue umbrella, I got it in March 2022", TODAY)

    assert parsed.name == "Blue Umbrella"
    assert parsed.item_received_date == date(2022, 3, 1)


def test_the_apps_batch_creates_each_item_exactly_as_typed(alice):
    prompts = {
        "0": quick_add("Blue Umbrella", "received March 2022", 24),
        "1": quick_add("Yoga Mat", "start tracking today: 12/2/2026"),
        "2": quick_add("grandma's quilt", "received January 2019"),
        "3": quick_add("Star Wars: A New Hope", "received June 2021", 36),
    }
    with time_machine.travel(NOW, tick=False):
        response = api_for(alice).post("/api/agent-add-item-batch", {"prompts": prompts})

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "success"
    items = {key: result["item"] for key, result in body["results"].items()}
    assert [items[key]["name"] for key in "0123"] == [
        "Blue Umbrella",
        "Yoga Mat",
        "grandma's quilt",
        "Star Wars: A New Hope",
    ]
    assert [moment(items[key]["item_received_date"]) for key in "0123"] == [
        datetime(2022, 3, 1, 12, 0, tzinfo=UTC),
        NOW,  # today means now
        datetime(2019, 1, 1, 12, 0, tzinfo=UTC),
        datetime(2021, 6, 1, 12, 0, tzinfo=UTC),
    ]
    assert [items[key]["ownership_duration_goal_months"] for key in "0123"] == [24, 12, 12, 36]
    assert {item["status"] for item in items.values()} == {"Keep"}
    stored = dict(OwnedItem.objects.filter(user=alice).values_list("name", "ownership_duration_goal_months"))
    assert stored == {"Blue Umbrella": 24, "Yoga Mat": 12, "grandma's quilt": 12, "Star Wars: A New Hope": 36}


def test_the_llm_is_told_the_shape_and_its_answer_cannot_change_the_stated_fields(alice):
    """A model that title-cases the name, guesses another date, drops the goal or says Give is overruled on
    those fields; its type and emoji are kept."""
    wrong = {**LLM_ITEM, "name": "Grandma's Quilt", "item_received_date": "2019-01-15", "status": "Give"}
    wrong |= {"ownership_duration_goal_months": None, "item_type": "Decor_Art", "picture_url": "🛏️"}
    prompt = quick_add("grandma's quilt", "received January 2019", 48)

    def handler(request: Recorded) -> Reply:
        return Reply(200, completion(json.dumps(wrong)))

    with time_machine.travel(NOW, tick=False), openai_server(handler) as server:
        response = api_for(alice).post("/api/agent-add-item-batch", {"prompts": {"0": prompt}})

    assert response.status_code == 200, response.content
    item = response.json()["results"]["0"]["item"]
    assert item["name"] == "grandma's quilt"
    assert item["status"] == "Keep"
    assert moment(item["item_received_date"]) == datetime(2019, 1, 1, 12, 0, tzinfo=UTC)
    assert item["ownership_duration_goal_months"] == 48
    assert (item["item_type"], item["picture_url"]) == ("Decor_Art", "🛏️")

    system = server.requests[0].json()["messages"][0]["content"]
    assert "Add a new item to keep: name '<name>', received <Month> <YYYY>" in system
    assert "start tracking today: <today's date as the browser writes it>" in system
    assert "ownership goal: <N> months" in system


# --- Browser locales ------------------------------------------------------------------------------
def test_the_locale_eval_prompts_are_what_a_real_intl_formats():
    """The evaluation's locale dates come from Node's Intl.DateTimeFormat, not from our hand."""
    committed = [case for case in load_cases() if case.group == locale_prompts.GROUP]

    assert [(case.prompt, case.locale, case.expected) for case in committed] == [
        (row["prompt"], row["locale"], row["expected"]) for row in locale_prompts.locale_cases()
    ]
    assert {case.locale for case in committed} >= {"en-US", "en-GB", "en-CA", "de", "fr", "es", "nl", "sv", "pt-BR"}
    assert {case.locale for case in committed} >= {"ja", "zh", "en-IN"}


def test_every_locale_eval_prompt_is_read_exactly():
    cases = [case for case in load_cases() if case.group == locale_prompts.GROUP]

    report = evaluate(parse_prompt, cases, exact_names=True)

    assert report["misses"] == []
    assert report["total"] == len(locale_prompts.LOCALES) * len(locale_prompts.CASES)


@pytest.mark.parametrize(
    ("when", "accept_language", "received"),
    [
        ("received 07/03/2025", "en-GB,en;q=0.9", date(2025, 3, 7)),  # day first in Britain
        ("received 07/03/2025", "fr-FR,fr;q=0.9,en;q=0.8", date(2025, 3, 7)),
        ("received 07/03/2025", "en-US,en;q=0.9", date(2025, 7, 3)),  # month first in the US
        ("received 07/03/2025", None, date(2025, 7, 3)),  # unknown locale: the app's US default
        ("received 7.3.2025", None, date(2025, 3, 7)),  # dots are day first everywhere
        ("received 7-3-2025", "nl-NL", date(2025, 3, 7)),
        ("received 2025-03-07", "en-US", date(2025, 3, 7)),  # year first is year, month, day everywhere
        ("received 2025. 3. 7.", "ko-KR", date(2025, 3, 7)),
        ("received 7. 3. 2025", "cs-CZ", date(2025, 3, 7)),
        ("received 7\u200f/3\u200f/2025", "ar-EG", date(2025, 3, 7)),  # Arabic's direction marks
        # One reading would be in the future: the other one is meant, whatever the locale says.
        ("received 11/12/2026", "en-US", date(2026, 11, 12)),
        ("received 25/11/2026", "en-US", date(2026, 11, 25)),  # and one that is no date at all
    ],
)
def test_numeric_received_dates_follow_the_browsers_locale(alice, when, accept_language, received):
    headers = {"Accept-Language": accept_language} if accept_language else {}
    with time_machine.travel(NOW, tick=False):
        response = api_for(alice).post(
            "/api/agent-add-item-batch", {"prompts": {"0": quick_add("Tea Kettle", when)}}, headers=headers
        )

    assert response.status_code == 200, response.content
    item = response.json()["results"]["0"]["item"]
    assert item["name"] == "Tea Kettle"
    assert moment(item["item_received_date"]) == datetime.combine(received, time(12, 0), tzinfo=UTC)


@pytest.mark.parametrize(
    "today_written",
    ["3.12.2026", "03/12/2026", "2026/12/3", "2026-12-03", "3-12-2026", "2026. 12. 3.", "garbage", ""],
)
def test_start_tracking_today_keeps_the_name_and_means_now_in_any_locale(alice, today_written):
    """The issue's German browser: the name was lost and the item called "Item"."""
    prompt = quick_add("Bread Knife", f"start tracking today: {today_written}", 6)
    with time_machine.travel(NOW, tick=False):
        response = api_for(alice).post("/api/agent-add-item-batch", {"prompts": {"0": prompt}})

    assert response.status_code == 200, response.content
    item = response.json()["results"]["0"]["item"]
    assert (item["name"], moment(item["item_received_date"])) == ("Bread Knife", NOW)
    assert item["ownership_duration_goal_months"] == 6


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("Add a new item to keep: name 'Bread Knife', start tracking today: 3.12.2026", "Bread Knife"),
        ("Add a new item to keep: name 'Bread Knife', bought at the market", "Bread Knife"),
        ("Add a new item to keep: name 'Bread Knife'", "Bread Knife"),
        ("Add a new item to keep: name 'Rock 'n' Roll', received June 2021", "Rock 'n' Roll"),
        ("Add a new item to keep: name 'it's: a 'test'', received June 2021", "it's: a 'test'"),
    ],
)
def test_the_quoted_name_is_kept_whatever_follows_it(prompt, name):
    assert parse_prompt(prompt, TODAY).name == name
