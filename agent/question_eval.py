"""Scores Min Search against agent/eval/questions.jsonl, over the fixed households in agent/eval/.

Each question names its household (`"household": "household2.json"`; household.json when it does not) and
its set ("seen", "unseen", "unseen2-batch1", ...); each set is reported on its own. An answer is right
when it names every expected item and no other item of its household, outside the question's own words
quoted back (and, for a count, states the number). Each household is created for its own throwaway user
inside a transaction that is rolled back, so scoring leaves the database as it was.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from agent.questions import Answer
from items.services import ItemService
from locations.services import LocationService
from users.models import User

EVAL_DIR = Path(__file__).resolve().parent / "eval"
DEFAULT_HOUSEHOLD = "household.json"
Answerer = Callable[[User, str], Answer]


def load_questions(path: Path = EVAL_DIR / "questions.jsonl") -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def create_household(user: User, path: Path = EVAL_DIR / "household.json") -> list[str]:
    """The household's places and items for `user`; returns the item names."""
    household = json.loads(path.read_text(encoding="utf-8"))
    places: dict[str, Any] = {}
    for full_path in household["locations"]:
        parent, _, name = full_path.rpartition("/")
        location = LocationService.create(
            user=user, display_name=name.replace("-", " ").title(), parent_id=places[parent].pk if parent else None
        )
        places[full_path] = location
    now = timezone.now()
    for item in household["items"]:
        ItemService.create_item(
            user=user,
            name=item["name"],
            picture_url="📦",
            item_type=item["item_type"],
            status=item["status"],
            item_received_date=now,
            last_used=now,
            current_location_id=places[item["location"]].pk if item["location"] else None,
        )
    return [item["name"] for item in household["items"]]


ECHOED = re.compile(r"“[^”]*”")  # the question's own words, quoted back: "nothing matching “yoga mat”"


def is_right(case: dict[str, Any], message: str, names: list[str]) -> bool:
    said = ECHOED.sub("", message).casefold()
    named = {name for name in names if name.casefold() in said}
    if named != set(case["expect"]):
        return False
    return "expect_count" not in case or re.search(rf"\b{case['expect_count']}\b", message) is not None


def evaluate(answer: Answerer, cases: list[dict[str, Any]]) -> dict[str, Any]:
    """Per set and intent: how many answers were right; and the wrong ones. `sets` lists the set names in
    the order the cases first name them."""
    right: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    misses = []
    households: dict[str, tuple[User, list[str]]] = {}
    with transaction.atomic():
        for case in cases:
            household = case.get("household", DEFAULT_HOUSEHOLD)
            if household not in households:
                clerk_id = f"eval_{uuid.uuid4().hex[:12]}"
                user = User.objects.create(username=clerk_id, clerk_id=clerk_id, is_admin=True)
                households[household] = (user, create_household(user, EVAL_DIR / household))
            user, names = households[household]
            key = (case["set"], case["intent"])
            total[key] += 1
            message = answer(user, case["question"]).message
            if is_right(case, message, names):
                right[key] += 1
            else:
                misses.append(
                    {"set": case["set"], "question": case["question"], "expect": case["expect"], "answer": message}
                )
        transaction.set_rollback(True)
    sets = list(dict.fromkeys(case["set"] for case in cases))
    return {"right": right, "total": total, "misses": misses, "sets": sets}


def markdown_table(report: dict[str, Any]) -> str:
    lines = ["| set | intent | right | total | accuracy |", "|---|---|---|---|---|"]
    for set_name in report["sets"]:
        keys = sorted(key for key in report["total"] if key[0] == set_name)
        for key in keys:
            right, total = report["right"][key], report["total"][key]
            lines.append(f"| {set_name} | {key[1]} | {right} | {total} | {right / total:.0%} |")
        right = sum(report["right"][key] for key in keys)
        total = sum(report["total"][key] for key in keys)
        if total:
            lines.append(f"| **{set_name}** | all | {right} | {total} | {right / total:.1%} |")
    return "\n".join(lines) + "\n"


def accuracy(report: dict[str, Any], set_name: str) -> float:
    total = sum(count for key, count in report["total"].items() if key[0] == set_name)
    right = sum(count for key, count in report["right"].items() if key[0] == set_name)
    return right / total if total else 1.0
