"""Quick Add prompts as browsers in many locales compose them, for the evaluation set.

The web app writes the person's today with `new Date().toLocaleDateString()`, so the date's shape depends on the
browser's locale. The dates here are formatted by a real `Intl.DateTimeFormat` (Node's), never typed by hand:
`python -m agent.eval.locale_prompts` rewrites the `quick_add_locale` group of prompts.jsonl from them, and a
test checks that the group is what Node formats today.

Each locale gets the cases a person there can produce: "start tracking today" with the browser's date equal to,
one day ahead of and one day behind the server's (UTC) date, and received dates written as numbers in the
locale's own order, one of them with a day that could be a month.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from agent.evaluation import PROMPTS_PATH

GROUP = "quick_add_locale"
LOCALES = (
    "en-US", "en-GB", "en-AU", "en-CA", "en-IN", "de", "fr", "es", "nl", "sv", "pt-BR", "ja", "zh", "ko", "ru",
    "cs", "it", "pl",
)  # fmt: skip
TODAY = date(2026, 12, 3)
# (name as typed, its item type)
NAMES = [
    ("Bread Knife", "Miscellaneous"),
    ("Tea Kettle", "Furniture_Appliances"),
    ("Yoga Mat", "Fitness_Equipment"),
    ("Wool Scarf", "Clothing_Accessories"),
    ("grandma's quilt", "Decor_Art"),
    ("Sony WH-1000XM4", "Technology"),
    ("Lego Millennium Falcon", "Toys_Games"),
    ("Cordless Drill", "Tools_Equipment"),
    ("Camping Tent", "Outdoor_Gear"),
    ("Dog Bed", "Pet_Supplies"),
    ("Road Bike", "Vehicles"),
    ("Kindle Paperwhite", "Technology"),
    ("Rock 'n' Roll Vinyl", "Books_Media"),
    ("Ceramic Vase", "Decor_Art"),
    ("Electric Toothbrush", "Personal_Care_Items"),
    ("Board Game: Catan", "Toys_Games"),
    ("Mop & Bucket", "Cleaning_Supplies"),
    ("Netflix Subscription", "Subscriptions_Licenses"),
]
# (what the browser's date is, relative to the server's today, or a received date; the goal; expected received)
CASES: list[tuple[str, date, int | None, date]] = [
    ("today", TODAY, None, TODAY),
    ("today", TODAY + timedelta(days=1), 24, TODAY),  # Tokyo after midnight: UTC is still on the day before
    ("today", TODAY - timedelta(days=1), None, TODAY),  # Los Angeles in the evening: UTC is already tomorrow
    ("received", date(2025, 3, 7), None, date(2025, 3, 7)),  # the 7th of March, or the 3rd of July?
    ("received", date(2024, 11, 23), 36, date(2024, 11, 23)),
]

_FORMAT = """
const spec = JSON.parse(require("fs").readFileSync(0, "utf8"));
const out = spec.locales.map((locale) =>
  spec.days.map(([y, m, d]) => new Date(y, m - 1, d).toLocaleDateString(locale)));
process.stdout.write(JSON.stringify(out));
"""


def browser_dates(locales: tuple[str, ...], days: list[date]) -> dict[tuple[str, date], str]:
    """Each day as `toLocaleDateString()` writes it in each locale, formatted by Node's Intl."""
    spec = {"locales": list(locales), "days": [[day.year, day.month, day.day] for day in days]}
    command = ["node", "-e", _FORMAT]
    result = subprocess.run(  # noqa: S603 (a fixed script)
        command, input=json.dumps(spec), capture_output=True, text=True, check=True, timeout=60
    )
    formatted = json.loads(result.stdout)
    return {(locale, day): formatted[i][j] for i, locale in enumerate(locales) for j, day in enumerate(days)}


def locale_cases() -> list[dict[str, Any]]:
    """The evaluation rows: every case in every locale, the names taken in turn."""
    written = browser_dates(LOCALES, sorted({day for _mode, day, _goal, _expected in CASES}))
    rows = []
    for index, (locale, (mode, day, goal, received)) in enumerate(
        (locale, case) for locale in LOCALES for case in CASES
    ):
        name, item_type = NAMES[index % len(NAMES)]
        when = "start tracking today" if mode == "today" else "received"
        prompt = f"Add a new item to keep: name '{name}', {when}{':' if mode == 'today' else ''} {written[locale, day]}"
        if goal is not None:
            prompt += f", ownership goal: {goal} months"
        expected = {
            "name": name,
            "item_type": item_type,
            "status": "Keep",
            "item_received_date": received.isoformat(),
            "ownership_duration_goal_months": goal,
        }
        rows.append(
            {"prompt": prompt, "today": TODAY.isoformat(), "locale": locale, "expected": expected, "group": GROUP}
        )
    return rows


def write(path: Path = PROMPTS_PATH) -> None:
    """Replace the group's rows in the prompts file with freshly formatted ones."""
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if f'"group": "{GROUP}"' not in line]
    fresh = [json.dumps(row, ensure_ascii=False) for row in locale_cases()]
    path.write_text("\n".join(kept + fresh) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
