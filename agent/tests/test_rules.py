"""The rule-based item parser: names, types, statuses, dates, goals and emojis, and its score on the eval prompts."""

from __future__ import annotations

import sys
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from agent.evaluation import EvalCase, evaluate, load_cases
from agent.parsing import ParsedItem
from agent.rules import parse_prompt
from items.models import ItemStatus, ItemType

TODAY = date(2026, 6, 15)


def parse(prompt: str, today: date = TODAY) -> ParsedItem:
    return parse_prompt(prompt, today)


# --- The spec's examples -------------------------------------------------------------------------------------------
def test_spec_single_prompt():
    parsed = parse("I bought a new white t-shirt yesterday that I plan to keep for at least 2 years")
    assert parsed.name == "White T-Shirt"
    assert parsed.item_type == "Clothing_Accessories"
    assert parsed.status == "Keep"
    assert parsed.item_received_date == date(2026, 6, 14)
    assert parsed.ownership_duration_goal_months == 24
    assert parsed.picture_url == "👕"


@pytest.mark.parametrize(
    ("prompt", "name", "item_type", "status"),
    [
        ("Red running shoes I got for my marathon training", "Red Running Shoes", "Clothing_Accessories", "Keep"),
        ("Donate my old desk chair to the office", "Desk Chair", "Furniture_Appliances", "Donate"),
        ("Gave my Nintendo Switch to my brother", "Nintendo Switch", "Toys_Games", "Give"),
    ],
)
def test_spec_batch_prompts(prompt, name, item_type, status):
    parsed = parse(prompt)
    assert (parsed.name, parsed.item_type, parsed.status) == (name, item_type, status)
    assert parsed.item_received_date is None
    assert parsed.ownership_duration_goal_months is None


# --- Names ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        ("Just picked up a used road bike from a neighbour last week", "Road Bike"),
        ("Dropped off three bags of kids' clothes at Goodwill", "Kids' Clothes"),
        ("Got an iPhone 15 six months ago", "iPhone 15"),
        ("Bought a carry-on suitcase", "Carry-On Suitcase"),
        ("Picked up a pair of adjustable dumbbells", "Adjustable Dumbbells"),
        ("My grandfather's acoustic guitar, which I received in 1998", "Acoustic Guitar"),
        ("Adopted a kitten from the shelter and bought her a litter box yesterday", "Litter Box"),
        ("My wife gave me a cast iron skillet last Christmas", "Cast Iron Skillet"),
        ("Got a set of pots and pans for my new apartment", "Pots and Pans"),
        ("Bought a Samsung TV for the bedroom", "Samsung TV"),
        ("Gifting my sister a Dyson Airwrap for her wedding", "Dyson Airwrap"),
        ("We finally replaced our ancient washing machine with an LG front loader", "LG Front Loader"),
        ("BOUGHT A NEW DESK LAMP", "Desk Lamp"),
    ],
)
def test_names_drop_articles_fillers_and_verbs(prompt, name):
    assert parse(prompt).name == name


@pytest.mark.parametrize(
    ("prompt", "name"),
    [
        # A noun phrase followed by a clause about it.
        ("a jar of buttons I've been collecting", "Buttons"),
        ("hiking backpack that survived three trips to the Alps", "Hiking Backpack"),
        ("sewing machine which belonged to my mother", "Sewing Machine"),
        ("streaming subscription that renews every month", "Streaming Subscription"),
        ("the couch, which is blue", "Couch"),
        ("a vintage typewriter, clacks beautifully", "Vintage Typewriter"),
        # Containers name what they hold.
        ("a box of old photos from my parents", "Photos"),
        ("a roll of bubble wrap left over from moving", "Bubble Wrap"),
        ("a bucket of sidewalk chalk the kids outgrew", "Sidewalk Chalk"),
        ("a drawer full of phone chargers I never use", "Phone Chargers"),
        ("a shelf of board games we play on weekends", "Board Games"),
        ("a bucket of cleaning rags under the sink", "Cleaning Rags"),
        ("an e-reader full of books", "E-Reader"),
        # "Christmas" in front of a noun is a kind of thing, not a date.
        ("a bin of Christmas decorations in the attic", "Christmas Decorations"),
    ],
)
def test_a_prompt_with_content_words_always_gets_a_name(prompt, name):
    parsed = parse(prompt)
    assert parsed.name == name
    assert parsed.item_received_date is None


@pytest.mark.parametrize("prompt", ["donate to charity", "gave it to my sister", "sold at the market"])
def test_destinations_and_people_are_not_items(prompt):
    assert parse(prompt).name is None


def test_us_numeric_dates_are_month_first():
    assert parse("bought a blender on 3/4/2024").item_received_date == date(2024, 3, 4)
    assert parse("bought a blender on 2/30/2024").item_received_date is None


@pytest.mark.parametrize(
    "prompt",
    [
        "hello",
        "",
        "   ",
        "what's the weather",
        "How are you?",
        "thanks!",
        "Can you help me?",
        "I bought something",
        "Moving to a new city next month",
        "taking the kids to the park",
    ],
)
def test_prompts_that_name_no_item(prompt):
    parsed = parse(prompt)
    assert parsed.name is None
    assert parsed.item_type == "Other"
    assert parsed.status == "Keep"
    assert parsed.item_received_date is None
    assert parsed.ownership_duration_goal_months is None


# --- Types ---------------------------------------------------------------------------------------------------------
TYPE_EXAMPLES = {
    "Clothing_Accessories": "Bought a grey wool sweater",
    "Personal_Care_Items": "Got an electric toothbrush",
    "Cleaning_Supplies": "Bought a spin mop",
    "Furniture_Appliances": "Got a new air fryer",
    "Decor_Art": "Bought a ceramic vase for the hallway",
    "Subscriptions_Licenses": "Signed up for a Netflix subscription",
    "Technology": "Bought a mechanical keyboard",
    "Vehicles": "Bought a Honda Civic",
    "Tools_Equipment": "Got a cordless drill",
    "Outdoor_Gear": "Bought a camping tent",
    "Fitness_Equipment": "Got a yoga mat",
    "Toys_Games": "Bought a jigsaw puzzle",
    "Pet_Supplies": "Bought a dog bed",
    "Books_Media": "Bought a cookbook",
    "Miscellaneous": "Bought a blue umbrella",
    "Other": "Found a lucky rock on the beach",
}


def test_type_examples_cover_every_item_type():
    assert set(TYPE_EXAMPLES) == set(ItemType.values)


@pytest.mark.parametrize(("item_type", "prompt"), TYPE_EXAMPLES.items())
def test_every_item_type_is_reachable(item_type, prompt):
    assert parse(prompt).item_type == item_type


@pytest.mark.parametrize(
    ("prompt", "item_type"),
    [
        ("Bought a jigsaw", "Tools_Equipment"),  # the phrase "jigsaw puzzle" makes a toy; "jigsaw" alone is a saw
        ("Got a cat tree for the kittens", "Pet_Supplies"),  # the pet in front decides, not "tree"
        ("Bought two pairs of merino wool socks", "Clothing_Accessories"),  # plurals match
        ("Bought an exercise bike", "Fitness_Equipment"),  # the longer phrase beats "bike"
        ("Bought a mystery box", "Other"),
    ],
)
def test_type_keywords_prefer_longer_phrases_and_head_nouns(prompt, item_type):
    assert parse(prompt).item_type == item_type


# --- Status --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "status"),
    [
        ("Gave my old laptop to my niece", "Give"),
        ("Gifted my PlayStation 4 to my nephew", "Give"),
        ("Handed down my winter coat to my cousin", "Give"),
        ("Passed on my old iPad to my mom", "Give"),
        ("Donated my treadmill", "Donate"),
        ("Dropped off my board games at the Salvation Army", "Donate"),
        ("Took the old mattress to a thrift store", "Donate"),
        ("Bags of clothes for Goodwill", "Donate"),
        ("Bought a toaster", "Keep"),
        ("My wife gave me a cast iron skillet", "Keep"),  # received, not given
        ("A set of scented candles my friend gifted me", "Keep"),
        ("Received a grooming kit as a Father's Day gift", "Keep"),
        ("A friend passed along her sewing machine to me", "Keep"),
        ("Adopted a kitten from the shelter and bought a litter box", "Keep"),  # a shelter as the source
    ],
)
def test_status(prompt, status):
    assert parse(prompt).status == status
    assert status in ItemStatus.values


# --- Received dates ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("yesterday", date(2026, 6, 14)),
        ("today", date(2026, 6, 15)),
        ("this morning", date(2026, 6, 15)),
        ("the day before yesterday", date(2026, 6, 13)),
        ("last week", date(2026, 6, 8)),
        ("last month", date(2026, 5, 15)),
        ("last year", date(2025, 6, 15)),
        ("3 days ago", date(2026, 6, 12)),
        ("twelve days ago", date(2026, 6, 3)),
        ("two weeks ago", date(2026, 6, 1)),
        ("a week ago", date(2026, 6, 8)),
        ("3 months ago", date(2026, 3, 15)),
        ("six months ago", date(2025, 12, 15)),
        ("an year ago", date(2025, 6, 15)),
        ("a year ago", date(2025, 6, 15)),
        ("10 years ago", date(2016, 6, 15)),
        ("a year and a half ago", date(2024, 12, 15)),
        ("in March 2022", date(2022, 3, 1)),
        ("in 2019", date(2019, 1, 1)),
        ("back in January", date(2026, 1, 1)),
        ("in September", date(2025, 9, 1)),  # the most recent September that has begun
        ("on 2023-05-04", date(2023, 5, 4)),
        ("on May 4, 2023", date(2023, 5, 4)),
        ("on March 3rd, 2024", date(2024, 3, 3)),
        ("on 3 March 2024", date(2024, 3, 3)),
        ("for my birthday last year", date(2025, 6, 15)),
        ("last Christmas", date(2025, 12, 25)),
        ("for Christmas 2023", date(2023, 12, 25)),
        ("last Friday", date(2026, 6, 12)),
    ],
)
def test_received_date_forms(phrase, expected):
    assert parse(f"Bought a toaster {phrase}").item_received_date == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 6, 15), date(2025, 12, 25)),
        (date(2026, 12, 24), date(2025, 12, 25)),
        (date(2026, 12, 25), date(2026, 12, 25)),
        (date(2026, 12, 31), date(2026, 12, 25)),
    ],
)
def test_last_christmas_is_the_latest_one_not_after_today(today, expected):
    assert parse("Got a scarf last Christmas", today).item_received_date == expected


def test_ownership_so_far_gives_the_received_date():
    assert parse("I've had my couch for 3 years").item_received_date == date(2023, 6, 15)
    assert parse("I've been using the same Fitbit for four years").item_received_date == date(2022, 6, 15)


@pytest.mark.parametrize(
    "prompt",
    [
        "Bought a bike in 2027",
        "Bought a bike on 2026-06-16",
        "Ordered a standing desk, it arrives on July 4, 2026",
        "Pre-ordered an e-bike that arrives in September 2026",
        "Getting a tent tomorrow",
        "Buying a kayak next week",
    ],
)
def test_future_dates_are_dropped(prompt):
    assert parse(prompt).item_received_date is None


@pytest.mark.parametrize("today", [date(2000, 1, 1), date(2019, 1, 1), date(2023, 5, 3), date(2026, 6, 15)])
def test_no_eval_prompt_ever_gets_a_future_date(today):
    for case in load_cases():
        received = parse(case.prompt, today).item_received_date
        assert received is None or received <= today, case.prompt


def test_no_date_phrase_means_no_date():
    assert parse("Bought a ceramic vase").item_received_date is None
    assert parse("Bought a mop on February 30, 2024").item_received_date is None  # not a real day


def test_a_date_of_giving_away_is_not_a_received_date():
    assert parse("Gifted my old PlayStation 4 to my nephew last week").item_received_date is None
    assert parse("Giving the crib I bought in 2019 to my sister").item_received_date == date(2019, 1, 1)


# --- Goals ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "months"),
    [
        ("Bought a shirt that I plan to keep for at least 2 years", 24),
        ("Bought an electric toothbrush, goal of 18 months", 18),
        ("Bought resistance bands, planning to use them for 6 months", 6),
        ("Joined a gym and I'm committing to it for a year", 12),
        ("Bought a car and plan to drive it for a decade", 120),
        ("An oil painting I'll keep forever", 1200),
        ("A Persian rug I want to keep for life", 1200),
        ("A suitcase, hoping it lasts a decade", 120),
        ("Want my RAV4 to last at least 6 more years", 72),
        ("A stand mixer I want to keep for at least two decades", 240),
        ("Keep my sofa for 200 years", 1200),  # clamped
        ("Keep the rug for 2 weeks", 1),  # clamped
    ],
)
def test_goals(prompt, months):
    assert parse(prompt).ownership_duration_goal_months == months


@pytest.mark.parametrize(
    "prompt",
    [
        "Bought a phone 3 months ago",  # a received date, not a goal
        "I've had my couch for 3 years",
        "Bought a drill for 40 dollars",
        "Paid for a lifetime Plex Pass",
        "Got a tent",
    ],
)
def test_no_goal(prompt):
    assert parse(prompt).ownership_duration_goal_months is None


# --- Emojis --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prompt", "emoji"),
    [
        ("Bought a t-shirt", "👕"),
        ("Bought running shoes", "👟"),
        ("Bought a laptop", "💻"),
        ("Bought a phone", "📱"),
        ("Bought a bike", "🚲"),
        ("Bought a car", "🚗"),
        ("Bought a book", "📚"),
        ("Bought a guitar", "🎸"),
        ("Bought a chair", "🪑"),
        ("Bought a lamp", "💡"),
        ("Bought a dog bed", "🐶"),
        ("Bought a cat tree", "🐱"),
        ("Found a thingamajig", "📦"),
        ("Bought a Plex Pass", "🧾"),  # no finer emoji: the type's default
    ],
)
def test_emojis(prompt, emoji):
    assert parse(prompt).picture_url == emoji


# --- The evaluation ------------------------------------------------------------------------------------------------
def test_eval_prompts_are_varied_enough():
    cases = load_cases()
    assert len(cases) >= 70
    assert {case.expected["item_type"] for case in cases} == set(ItemType.values)
    assert {case.expected["status"] for case in cases} == set(ItemStatus.values)
    assert any(case.expected["item_received_date"] is None for case in cases)
    assert any(case.expected["ownership_duration_goal_months"] is not None for case in cases)


def test_rules_parser_meets_the_eval_targets():
    report = evaluate(parse_prompt, load_cases())
    assert report["fields"]["item_type"]["accuracy"] >= 0.9
    assert report["fields"]["status"]["accuracy"] >= 0.9
    assert report["fields"]["item_received_date"]["accuracy"] >= 0.8


def test_evaluate_compares_names_loosely_and_lists_misses():
    cases = [
        EvalCase(
            prompt="anything",
            today=TODAY,
            expected={
                "name": "White T-Shirt",
                "item_type": "Clothing_Accessories",
                "status": "Keep",
                "item_received_date": "2026-06-14",
                "ownership_duration_goal_months": 24,
            },
        )
    ]

    def fixed_parser(prompt: str, today: date, **context: Any) -> ParsedItem:
        return ParsedItem(
            name="  white t-shirt ",
            item_type="Clothing_Accessories",
            status="Give",
            item_received_date=date(2026, 6, 14),
            ownership_duration_goal_months=None,
        )

    report = evaluate(fixed_parser, cases)
    assert report["total"] == 1
    assert report["fields"]["name"]["correct"] == 1
    assert report["fields"]["item_received_date"]["correct"] == 1
    assert {miss["field"] for miss in report["misses"]} == {"status", "ownership_duration_goal_months"}


def test_agent_eval_command_prints_the_table():
    out = StringIO()
    call_command("agent_eval", "--verbose", stdout=out)
    output = out.getvalue()
    assert "| field | correct | total | accuracy |" in output
    for field in ("name", "item_type", "status", "item_received_date", "ownership_duration_goal_months"):
        assert f"| {field} |" in output


def test_agent_eval_llm_needs_a_key(settings):
    settings.OPENAI_API_KEY = ""
    with pytest.raises(CommandError, match="OPENAI_API_KEY"):
        call_command("agent_eval", "--parser", "llm", stdout=StringIO())


def test_agent_eval_llm_without_the_graph_module(monkeypatch):
    monkeypatch.setitem(sys.modules, "agent.graph", None)  # importing it now raises ImportError
    with pytest.raises(CommandError, match="OPENAI_API_KEY"):
        call_command("agent_eval", "--parser", "llm", stdout=StringIO())


def test_agent_eval_fails_when_the_rules_parser_falls_below_target(monkeypatch):
    monkeypatch.setattr("agent.rules.parse_prompt", lambda prompt, today, **context: ParsedItem())
    with pytest.raises(CommandError, match="below target"):
        call_command("agent_eval", stdout=StringIO())


def test_agent_eval_fails_when_a_quick_add_name_is_not_exact(monkeypatch):
    """Names compare loosely in the main table, but a Quick Add name must come out exactly as typed."""

    def shouting_parser(prompt: str, today: date, **context: Any) -> ParsedItem:
        parsed = parse_prompt(prompt, today, **context)
        return parsed.model_copy(update={"name": parsed.name.upper() if parsed.name else None})

    monkeypatch.setattr("agent.rules.parse_prompt", shouting_parser)
    with pytest.raises(CommandError, match="Quick Add prompts name"):
        call_command("agent_eval", stdout=StringIO())


def test_agent_eval_reports_the_quick_add_prompts_on_their_own():
    out = StringIO()
    call_command("agent_eval", stdout=out)
    quick_add, locales = out.getvalue().split("Quick Add prompts (names exact): ")[1].split("Quick Add prompts from")
    assert int(quick_add.split()[0]) >= 40
    assert quick_add.count("| 100.0% |") == 5
    assert locales.startswith(" 18 browser locales (names exact): 90\n")
    assert locales.count("| 100.0% |") == 5
