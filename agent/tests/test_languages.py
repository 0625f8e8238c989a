"""Spanish and German item sentences and Min Search questions, and answers in the request's language."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from agent import languages
from agent.graph import system_prompt
from agent.questions import answer_question
from agent.rules import parse_prompt
from config.testing import make_item
from items.models import ItemStatus, ItemType
from locations.services import LocationService

TODAY = date(2026, 6, 15)


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        (
            "Compré una bici de montaña hace 3 semanas, quiero tenerla 5 años",
            ("Bici De Montaña", "Vehicles", "Keep", date(2026, 5, 25), 60),
        ),
        ("quiero donar mi sofá viejo", ("Sofá", "Furniture_Appliances", "Donate", None, None)),
        ("me regalaron un taladro el mes pasado", ("Taladro", "Tools_Equipment", "Keep", date(2026, 5, 15), None)),
        ("Gestern habe ich eine rote Regenjacke gekauft", ("Rote Regenjacke", "Clothing_Accessories", "Keep",
                                                          date(2026, 6, 14), None)),
        ("Die Kaffeemaschine will ich meiner Schwester schenken", ("Kaffeemaschine", "Furniture_Appliances", "Give",
                                                                   None, None)),
        ("Hanteln vor 3 Wochen gekauft, will sie 2 Jahre behalten", ("Hanteln", "Fitness_Equipment", "Keep",
                                                                     date(2026, 5, 25), 24)),
    ],
)  # fmt: skip
def test_spanish_and_german_item_sentences(prompt, expected):
    parsed = parse_prompt(prompt, TODAY)
    got = (
        parsed.name,
        parsed.item_type,
        parsed.status,
        parsed.item_received_date,
        parsed.ownership_duration_goal_months,
    )
    assert got == expected


@pytest.mark.parametrize(
    "text",
    ["Can you help me?", "Red running shoes I got for my marathon training", "Bought a Café Table in 2019"],
)
def test_english_stays_english(text):
    assert languages.detect(text) is None


def test_plain_keeps_length_and_drops_accents():
    assert languages.plain("¿Dónde está el Ñandú?") == "¿donde esta el nandu?"


def test_questions_read_through_their_english():
    assert languages.question_in_english("¿cuántas cosas tengo en el garaje?", "es") == (
        "how many things do i have in the garage"
    )
    assert languages.question_in_english("Wo ist meine Bohrmaschine?", "de") == "where is my drill"


@pytest.fixture
def garage(alice):
    garage = LocationService.create(user=alice, display_name="Garage")
    make_item(alice, "Cordless Drill", item_type=ItemType.TOOLS_EQUIPMENT, current_location=garage)
    make_item(alice, "Snowboard", item_type=ItemType.OUTDOOR_GEAR, status=ItemStatus.GIVE, current_location=garage)
    return garage


@pytest.mark.django_db
def test_min_search_answers_in_the_active_language(alice, garage):
    with translation.override("es"):
        answer = answer_question(alice, "¿cuántas cosas tengo en el garaje?")
    assert answer.message.startswith("Tienes 2 cosas en garage (y los lugares que contiene)")
    with translation.override("de"):
        answer = answer_question(alice, "Was will ich verschenken?")
    assert "Snowboard (markiert als Verschenken): in garage" in answer.message
    with translation.override("en"):
        assert answer_question(alice, "Wo ist meine Bohrmaschine?").message == "Cordless Drill: in garage."


def test_the_model_is_told_the_persons_language():
    with translation.override("de"):
        assert "The person writes in German" in system_prompt(TODAY)
    with translation.override("en"):
        assert "The person writes in English" in system_prompt(TODAY)


@pytest.mark.parametrize(
    ("name", "item_type"), [("Taladro inalámbrico", "Tools_Equipment"), ("Bohrmaschine", "Tools_Equipment")]
)
def test_quick_add_names_typed_in_spanish_or_german_get_their_type(name, item_type):
    parsed = parse_prompt(f"Add a new item to keep: name '{name}', received March 2025", TODAY)
    assert (parsed.name, parsed.item_type) == (name, item_type)


def test_min_search_model_is_told_to_answer_in_the_persons_language():
    from agent.search_agent import system_prompt as search_prompt

    with translation.override("es"):
        assert "The person writes in Spanish; answer in it." in search_prompt(TODAY)
