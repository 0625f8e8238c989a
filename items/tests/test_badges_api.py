"""GET /api/badges/donated: giver badges per item type, counted from the caller's Give and
Donate items only, keys in item-type declaration order, three tiers with exact names and progress."""

from __future__ import annotations

import pytest

from config.testing import BADGE_LABELS, make_items
from items.models import ItemStatus, ItemType

pytestmark = pytest.mark.django_db


def giver_badges(label: str, given: int) -> list[dict]:
    """The three giver badges for `given` items, computed independently of the application."""
    tiers = [("bronze", 1, "Gave 1 item"), ("silver", 5, "Gave 5 items"), ("gold", 10, "Gave 10 items")]
    return [
        {
            "tier": tier,
            "name": f"{tier.title()} {label} Giver",
            "description": description,
            "min": minimum,
            "unit": "items",
            "progress": round(min(given / minimum, 1.0), 2),
            "achieved": given >= minimum,
        }
        for tier, minimum, description in tiers
    ]


def test_declared_item_types_match_design_labels():
    assert set(ItemType.values) == set(BADGE_LABELS)
    assert len(ItemType.values) == 16


def test_no_given_items_gives_empty_object(alice, alice_api):
    response = alice_api.get("/api/badges/donated")

    assert response.status_code == 200
    assert response.json() == {}


def test_keep_items_do_not_count_towards_giver_badges(alice, alice_api):
    make_items(alice, 3, item_type="Technology", status=ItemStatus.KEEP)
    make_items(alice, 1, item_type="Clothing_Accessories", status=ItemStatus.KEEP)

    response = alice_api.get("/api/badges/donated")

    assert response.status_code == 200
    assert response.json() == {}


def test_one_given_item_earns_bronze_with_exact_badges(alice, alice_api):
    make_items(alice, 1, item_type="Clothing_Accessories", status=ItemStatus.GIVE)

    response = alice_api.get("/api/badges/donated")

    assert response.status_code == 200
    assert response.json() == {
        "Clothing_Accessories": [
            {
                "tier": "bronze",
                "name": "Bronze Clothing Giver",
                "description": "Gave 1 item",
                "min": 1,
                "unit": "items",
                "progress": 1.0,
                "achieved": True,
            },
            {
                "tier": "silver",
                "name": "Silver Clothing Giver",
                "description": "Gave 5 items",
                "min": 5,
                "unit": "items",
                "progress": 0.2,
                "achieved": False,
            },
            {
                "tier": "gold",
                "name": "Gold Clothing Giver",
                "description": "Gave 10 items",
                "min": 10,
                "unit": "items",
                "progress": 0.1,
                "achieved": False,
            },
        ]
    }


def test_counts_of_0_1_5_10_across_types_mixing_give_and_donate(alice, alice_api):
    # Technology: 5 (3 Give + 2 Donate) plus Keep items that must be ignored.
    make_items(alice, 3, item_type="Technology", status=ItemStatus.GIVE)
    make_items(alice, 2, item_type="Technology", status=ItemStatus.DONATE)
    make_items(alice, 4, item_type="Technology", status=ItemStatus.KEEP)
    # Other: 10 (4 Give + 6 Donate).
    make_items(alice, 4, item_type="Other", status=ItemStatus.GIVE)
    make_items(alice, 6, item_type="Other", status=ItemStatus.DONATE)
    # Cleaning_Supplies: 1 Donate.
    make_items(alice, 1, item_type="Cleaning_Supplies", status=ItemStatus.DONATE)
    # Personal_Care_Items: 0 given, only kept.
    make_items(alice, 2, item_type="Personal_Care_Items", status=ItemStatus.KEEP)

    response = alice_api.get("/api/badges/donated")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["Cleaning_Supplies", "Technology", "Other"]
    assert body["Cleaning_Supplies"] == giver_badges("Cleaning", 1)
    assert body["Technology"] == giver_badges("Technology", 5)
    assert body["Other"] == giver_badges("Other", 10)
    assert [badge["progress"] for badge in body["Technology"]] == [1.0, 1.0, 0.5]
    assert [badge["achieved"] for badge in body["Technology"]] == [True, True, False]
    assert [badge["progress"] for badge in body["Other"]] == [1.0, 1.0, 1.0]
    assert [badge["achieved"] for badge in body["Other"]] == [True, True, True]


def test_progress_is_capped_at_1_beyond_gold(admin, admin_api):
    make_items(admin, 12, item_type="Books_Media", status=ItemStatus.DONATE)

    response = admin_api.get("/api/badges/donated")

    assert response.status_code == 200
    assert response.json() == {"Books_Media": giver_badges("Books", 12)}
    assert [badge["progress"] for badge in response.json()["Books_Media"]] == [1.0, 1.0, 1.0]


def test_keys_follow_item_type_declaration_order_not_insertion_order(alice, alice_api):
    for item_type in reversed(ItemType.values):
        make_items(alice, 1, item_type=item_type, status=ItemStatus.GIVE)

    response = alice_api.get("/api/badges/donated")

    assert response.status_code == 200
    assert list(response.json()) == list(ItemType.values)


def test_bobs_given_items_never_appear_in_alices_badges(alice, bob, alice_api, bob_api):
    make_items(bob, 3, item_type="Vehicles", status=ItemStatus.GIVE)
    make_items(bob, 2, item_type="Technology", status=ItemStatus.DONATE)
    make_items(alice, 1, item_type="Technology", status=ItemStatus.GIVE)

    alices = alice_api.get("/api/badges/donated")
    bobs = bob_api.get("/api/badges/donated")

    assert alices.json() == {"Technology": giver_badges("Technology", 1)}
    assert bobs.json() == {"Technology": giver_badges("Technology", 2), "Vehicles": giver_badges("Vehicles", 3)}


@pytest.mark.parametrize("item_type", list(BADGE_LABELS))
def test_each_item_type_uses_its_design_label_in_badge_names(alice, alice_api, item_type):
    make_items(alice, 2, item_type=item_type, status=ItemStatus.DONATE)

    response = alice_api.get("/api/badges/donated")

    assert response.status_code == 200
    badges = response.json()[item_type]
    label = BADGE_LABELS[item_type]
    assert [badge["name"] for badge in badges] == [
        f"Bronze {label} Giver",
        f"Silver {label} Giver",
        f"Gold {label} Giver",
    ]
    assert badges == giver_badges(label, 2)


def test_donated_badges_require_authentication(anon_api):
    response = anon_api.get("/api/badges/donated")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
