"""The fixed-shape prompts the web frontend's Quick Add composes, read exactly rather than guessed.

The app writes `Add a new item to keep: name '<name>', received <Month> <YYYY>` or `..., start tracking
today: <date>` (the date as the browser's locale writes it), optionally followed by `, ownership goal: <N>
months`. The quoted name is what the person typed, so it is taken as is (any case, apostrophes, digits, colons,
accents), whatever follows it; both parsers use these fields and only classify the type and pick an emoji
themselves. "Start tracking today" means today, whatever date follows it: the browser's date is only ever
the person's today, written in one of many local formats, so nothing is read from it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from agent.dates import BIDI_MARKS, find_dates

_START = re.compile(r"^add\s+a\s+new\s+item\s+to\s+(?P<status>keep|give|donate)\s*:\s*name\s+'", re.IGNORECASE)
# The closing quote of the name: the one before a clause the app writes, else the last one.
_CLAUSES = r"(?:start\s+tracking\s+today|received|ownership\s+goal)\b"
_NAME_END = re.compile(rf"'\s*,\s*(?={_CLAUSES})", re.IGNORECASE)
_TODAY = re.compile(r"\bstart\s+tracking\s+today\b", re.IGNORECASE)
_RECEIVED = re.compile(r"\breceived\s+(?P<when>.*?)\s*(?:,\s*ownership\s+goal\b|\.?\s*$)", re.IGNORECASE | re.DOTALL)
_GOAL = re.compile(r"\bownership\s+goal\s*:?\s*(?P<goal>\d{1,4})\s+months?\b", re.IGNORECASE)


def quick_add_fields(prompt: str, today: date, *, day_first: bool | None = None) -> dict[str, Any] | None:
    """The name, status, received date and goal a Quick Add prompt states (as ParsedItem fields), or None when
    the prompt has another shape. A received date that does not exist (2/30/2026) or lies after today is left
    out; `day_first` says how the writer's locale orders a numeric date (agent.dates.numeric_date)."""
    prompt = prompt.strip()
    start = _START.match(prompt)
    if start is None:
        return None
    rest = prompt[start.end() :]
    end = _NAME_END.search(rest)
    close = end.start() if end else rest.rfind("'")
    if close < 0:
        return None
    name, tail = rest[:close].strip(), rest[close + 1 :]
    for mark in BIDI_MARKS:
        tail = tail.replace(mark, "")
    received = None
    if _TODAY.search(tail):
        received = today
    elif received_clause := _RECEIVED.search(tail):
        when = received_clause["when"]
        dates = [found.value for found in find_dates(when, today, day_first=day_first)]
        received = next((value for value in dates if isinstance(value, date)), None)
    goal = _GOAL.search(tail)
    return {
        "name": name or None,
        "status": start["status"].title(),
        "item_received_date": received,
        "ownership_duration_goal_months": int(goal["goal"]) if goal else None,
    }
