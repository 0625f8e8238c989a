"""Scores an item parser against the hand-written prompts in agent/eval/prompts.jsonl."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from agent.dates import day_first_for
from agent.parsing import ParsedItem

PROMPTS_PATH = Path(__file__).resolve().parent / "eval" / "prompts.jsonl"
FIELDS = ("name", "item_type", "status", "item_received_date", "ownership_duration_goal_months")

Parser = Callable[..., ParsedItem]  # (prompt, today, *, day_first) -> ParsedItem


@dataclass(frozen=True)
class EvalCase:
    """One prompt, the date it is read on, and what a careful human would extract from it. `group` marks a kind
    of prompt scored on its own as well (`quick_add`: the web app's fixed-shape prompts; `quick_add_locale`: the
    same written by browsers in many locales); `locale` is the writer's browser language, when it matters."""

    prompt: str
    today: date
    expected: dict[str, Any]
    group: str = ""
    locale: str = ""


def load_cases(path: Path = PROMPTS_PATH) -> list[EvalCase]:
    """Read the JSON-lines file of prompts; blank lines are allowed."""
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        cases.append(
            EvalCase(
                prompt=row["prompt"],
                today=date.fromisoformat(row["today"]),
                expected=row["expected"],
                group=row.get("group", ""),
                locale=row.get("locale", ""),
            )
        )
    return cases


def _comparable(field: str, value: Any, *, exact_names: bool = False) -> Any:
    """Names compare case-insensitively after trimming (exactly with `exact_names`); dates as ISO strings;
    everything else as is."""
    if value is None:
        return None
    if field == "name":
        return str(value) if exact_names else " ".join(str(value).split()).casefold()
    if field == "item_received_date":
        return value.isoformat() if isinstance(value, date) else str(value)
    return value


def evaluate(parse: Parser, cases: Iterable[EvalCase], *, exact_names: bool = False) -> dict[str, Any]:
    """Run `parse` over every case: per-field correct/total/accuracy and a list of every field it got wrong."""
    correct = dict.fromkeys(FIELDS, 0)
    misses: list[dict[str, Any]] = []
    total = 0
    for case in cases:
        total += 1
        parsed = parse(case.prompt, case.today, day_first=day_first_for(case.locale)).model_dump()
        for field in FIELDS:
            expected = _comparable(field, case.expected.get(field), exact_names=exact_names)
            actual = _comparable(field, parsed.get(field), exact_names=exact_names)
            if expected == actual:
                correct[field] += 1
            else:
                misses.append({"prompt": case.prompt, "field": field, "expected": expected, "actual": actual})
    fields = {
        field: {"correct": correct[field], "total": total, "accuracy": correct[field] / total if total else 0.0}
        for field in FIELDS
    }
    return {"total": total, "fields": fields, "misses": misses}


def markdown_table(report: dict[str, Any]) -> str:
    """The per-field scores as a markdown table."""
    lines = ["| field | correct | total | accuracy |", "|---|---|---|---|"]
    for field, score in report["fields"].items():
        lines.append(f"| {field} | {score['correct']} | {score['total']} | {score['accuracy']:.1%} |")
    return "\n".join(lines)
