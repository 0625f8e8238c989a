"""The fixed-shape prompts the web frontend's Quick Add composes, read exactly rather than guessed.

The app writes `Add a new item to keep: name '<name>', received <Month> <YYYY>` or `..., start tracking
today: <M/D/YYYY>`, optionally followed by `, ownership goal: <N> months`. The quoted name is what the
person typed, so it is taken as is (any case, apostrophes, digits, colons, accents); both parsers use
these fields and only classify the type and pick an emoji themselves.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")  # fmt: skip
MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTHS, start=1)} | {
    name[:3]: number for number, name in enumerate(_MONTHS, start=1)
}
_MONTH_NAMES = "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True))
_QUICK_ADD = re.compile(
    r"^add\s+a\s+new\s+item\s+to\s+(?P<status>keep|give|donate)\s*:\s*name\s+'(?P<name>.*)'\s*,\s*"
    r"(?:start\s+tracking\s+today\s*:\s*(?P<us_month>\d{1,2})/(?P<us_day>\d{1,2})/(?P<us_year>\d{4})"
    rf"|received\s+(?P<month>{_MONTH_NAMES})\.?\s+(?P<year>\d{{4}}))"
    r"(?:\s*,\s*ownership\s+goal\s*:\s*(?P<goal>\d{1,4})\s+months?)?\s*\.?$",
    re.IGNORECASE | re.DOTALL,
)


def _day(year: str, month: int, day: int) -> date | None:
    try:
        return date(int(year), month, day)
    except ValueError:
        return None


def quick_add_fields(prompt: str, today: date) -> dict[str, Any] | None:
    """The name, status, received date and goal a Quick Add prompt states (as ParsedItem fields), or None when
    the prompt has another shape. A date that does not exist (2/30/2026) or lies after today is left out."""
    match = _QUICK_ADD.match(prompt.strip())
    if match is None:
        return None
    if match["us_year"]:
        received = _day(match["us_year"], int(match["us_month"]), int(match["us_day"]))
    else:
        received = _day(match["year"], MONTH_NUMBERS[match["month"].lower()], 1)
    return {
        "name": match["name"].strip() or None,
        "status": match["status"].title(),
        "item_received_date": received if received and received <= today else None,
        "ownership_duration_goal_months": int(match["goal"]) if match["goal"] else None,
    }
