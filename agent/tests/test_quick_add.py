"""The web frontend's Quick Add: the fixed-shape prompts it composes, read exactly by the rule-based parser and
by the LLM path, through the batch route the app calls (`/api/agent-add-item-batch`)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
import time_machine

from agent.rules import parse_prompt
from agent.tests.llm import LLM_ITEM, completion, openai_server
from items.models import OwnedItem
from minNow.testing import api_for, moment
from minNow.tests.servers import Recorded, Reply

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
        ("start tracking today: 12/2/2026", date(2026, 12, 2)),
        ("start tracking today: 11/30/2026", date(2026, 11, 30)),  # the person's clock is behind UTC
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
        "start tracking today: 12/3/2026",  # the person's clock is ahead of UTC: never a future date
        "start tracking today: 2/30/2026",  # no such day
        "received March 2030",
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
    assert "start tracking today: <M/D/YYYY>" in system
    assert "ownership goal: <N> months" in system
