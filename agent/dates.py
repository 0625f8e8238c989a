"""Received dates and ownership goals: the number, duration and date phrases of a prompt, resolved against today."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from agent.vocabulary import MONTH_NUMBERS, NUMBER_WORDS, WEEKDAYS

MAX_GOAL_MONTHS = 1200

# ---------------------------------------------------------------------------------------------------------------------
# Numbers and durations shared by dates and goals
# ---------------------------------------------------------------------------------------------------------------------
_NUMBER = (
    r"(?P<number>\d+(?:\.\d+)?|"
    + "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in sorted(NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
_UNIT = r"(?P<unit>day|week|fortnight|month|year|decade)s?"
_HALF = r"(?P<half>\s+and\s+a\s+half)?"


MAX_NUMBER = 1_000_000  # "for 10^309 years" is read as this many (a goal caps at 1200 months, a date fails)


def _number_value(text: str) -> float:
    text = re.sub(r"\s+", " ", text.lower())
    if not text[0].isdigit():
        return float(NUMBER_WORDS[text])
    whole = text.split(".")[0]
    return float(MAX_NUMBER) if len(whole) > len(str(MAX_NUMBER)) else min(float(text), MAX_NUMBER)


def _months_in(number: float, unit: str) -> float:
    days = {"day": 1, "week": 7, "fortnight": 14}
    per_unit = (
        days[unit.lower()] / 30.4 if unit.lower() in days else {"month": 1, "year": 12, "decade": 120}[unit.lower()]
    )
    return number * per_unit


_MONTH = r"(?P<month>" + "|".join(sorted(MONTH_NUMBERS, key=len, reverse=True)) + r")\.?"
_PAST_PREPOSITION = r"(?:(?:back\s+)?(?:in|since|during|from|around)\s+(?:the\s+year\s+)?)"
_SEASON_PART = r"(?:(?:early|late|mid)[\s-]+)?"


# ---------------------------------------------------------------------------------------------------------------------
# Received dates
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Found:
    """A phrase found in the prompt: where it is (to hide it from the name) and what it means (None: unusable)."""

    start: int
    end: int
    value: date | int | None


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _last_christmas(today: date) -> date:
    christmas = date(today.year, 12, 25)
    return christmas if christmas <= today else date(today.year - 1, 12, 25)


def _most_recent_month_start(month: int, today: date) -> date:
    return date(today.year if month <= today.month else today.year - 1, month, 1)


def _most_recent_weekday(weekday: str, today: date) -> date:
    days_back = (today.weekday() - WEEKDAYS.index(weekday.lower())) % 7 or 7
    return today - timedelta(days=days_back)


def _years_ago(match: re.Match[str], today: date) -> date:
    months = _months_in(_number_value(match["number"]) + (0.5 if match["half"] else 0), match["unit"])
    if match["unit"].lower() in ("day", "week", "fortnight"):
        return today - timedelta(days=round(months * 30.4))
    return today - relativedelta(months=round(months))


# Numeric dates as browsers write them (`Date.toLocaleDateString()`): year first with dashes, slashes or dots
# (2026-12-03 in Sweden and Canada, 2026/12/3 in Japan and China, "2026. 12. 3." in Korea); day first with dots or
# dashes (3.12.2026 in Germany, 3-12-2026 in the Netherlands, "3. 12. 2026" in Czechia); day and month in either
# order with slashes (12/3/2026 in the US, 03/12/2026 in Britain, France, Spain, Brazil and India).
NUMERIC_DATE = re.compile(
    r"\b(?:on\s+)?(?:(?P<year>\d{4})\s*(?P<year_sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=year_sep)\s*(?P<day>\d{1,2})"
    r"|(?P<first>\d{1,2})\s*(?P<sep>[-/.])\s*(?P<second>\d{1,2})\s*(?P=sep)\s*(?P<last_year>\d{4}))\b"
)
# Directional marks some locales put around a date's separators (Arabic browsers write 3\u200f/12\u200f/2026).
BIDI_MARKS = ("\u200e", "\u200f", "\u061c")
# Language tags whose browsers write a numeric date month first (12/3/2026); everyone else writes the day first.
_MONTH_FIRST_TAGS = {"en", "en-us", "en-ph", "en-as", "en-gu", "en-pr", "en-um", "en-vi", "en-mh", "en-mp"}
_MONTH_FIRST_LANGUAGES = {"fil", "ceb", "chr"}


def day_first_for(language_tag: str | None) -> bool | None:
    """Whether a browser with this language (the first tag of Accept-Language) writes numeric dates day
    first; None when no language is known."""
    tag = (language_tag or "").split(",")[0].split(";")[0].strip().lower().replace("_", "-")
    if not tag or tag == "*":
        return None
    return not (tag in _MONTH_FIRST_TAGS or tag.split("-")[0] in _MONTH_FIRST_LANGUAGES)


def numeric_date(match: re.Match[str], today: date, day_first: bool | None) -> date | None:
    """The date a NUMERIC_DATE match means. Year-first dates are year, month, day everywhere. Otherwise both
    readings are weighed: the order the writer's locale uses first (`day_first`; without one, day first for dots
    and dashes and month first for slashes, the web app's US default), then the other; the first that exists and
    is not after tomorrow (`today` is the person's date in their time zone; a day of slack for a browser whose clock
    or zone differs) wins."""
    if match["year"]:
        return _safe_date(int(match["year"]), int(match["month"]), int(match["day"]))
    year, first, second = int(match["last_year"]), int(match["first"]), int(match["second"])
    prefer_day_first = match["sep"] != "/" if day_first is None else day_first
    readings = [(second, first), (first, second)] if prefer_day_first else [(first, second), (second, first)]
    valid = [day for day in (_safe_date(year, month, day) for month, day in readings) if day is not None]
    return next((day for day in valid if day <= today + timedelta(days=1)), valid[0] if valid else None)


# Each pattern resolves to a date given today's date. Earlier patterns win where phrases overlap. Where a pattern has a
# group named "phrase", only that part is hidden from the item name ("had [my couch] for 3 years").
DateResolver = Callable[[re.Match[str], date], date | None]
_DATE_PATTERNS: list[tuple[re.Pattern[str], DateResolver]] = [
    (
        re.compile(
            rf"\b(?:on\s+)?{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE
        ),
        lambda m, today: _safe_date(int(m["year"]), MONTH_NUMBERS[m["month"].lower()], int(m["day"])),
    ),
    (
        re.compile(
            rf"\b(?:on\s+)?(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(?P<year>\d{{4}})\b",
            re.IGNORECASE,
        ),
        lambda m, today: _safe_date(int(m["year"]), MONTH_NUMBERS[m["month"].lower()], int(m["day"])),
    ),
    (
        re.compile(rf"\b{_PAST_PREPOSITION}?{_SEASON_PART}{_MONTH},?\s+(?:of\s+)?(?P<year>\d{{4}})\b", re.IGNORECASE),
        lambda m, today: _safe_date(int(m["year"]), MONTH_NUMBERS[m["month"].lower()], 1),
    ),
    (
        re.compile(r"\b(?:(?:for|on|at|over)\s+)?christmas(?:\s+day)?\s+(?:of\s+)?(?P<year>\d{4})\b", re.IGNORECASE),
        lambda m, today: _safe_date(int(m["year"]), 12, 25),
    ),
    (
        re.compile(r"\b(?:(?:for|on|at|over)\s+)?christmas(?:\s+day)?\s+last\s+year\b", re.IGNORECASE),
        lambda m, today: date(today.year - 1, 12, 25),
    ),
    (
        # A bare "Christmas" in front of a noun names a kind of thing ("Christmas decorations"), not a date.
        re.compile(
            r"\b(?:(?:(?:for|on|at|over)\s+)?last\s+|(?:for|on|at|over)\s+)(?:christmas|xmas)(?:\s+day)?\b"
            r"|\b(?:christmas|xmas)(?:\s+day)?\b(?!\s+(?!(?:and|from|as|when|this|last|present|gift)\b)[a-z])",
            re.IGNORECASE,
        ),
        lambda m, today: _last_christmas(today),
    ),
    (
        re.compile(r"\b(?:on\s+)?the\s+day\s+before\s+yesterday\b", re.IGNORECASE),
        lambda m, today: today - timedelta(days=2),
    ),
    (
        re.compile(r"\byesterday(?:\s+(?:morning|afternoon|evening|night))?\b", re.IGNORECASE),
        lambda m, today: today - timedelta(days=1),
    ),
    (re.compile(r"\blast\s+night\b", re.IGNORECASE), lambda m, today: today - timedelta(days=1)),
    # Future phrases are found so that they are kept out of the name, and then dropped as dates.
    (
        re.compile(
            r"\b(?:tomorrow|next\s+(?:week|month|year|weekend)|later\s+this\s+(?:week|month|year))\b", re.IGNORECASE
        ),
        lambda m, today: today + timedelta(days=1),
    ),
    (
        re.compile(r"\b(?:earlier\s+)?(?:today|tonight|this\s+(?:morning|afternoon|evening))\b", re.IGNORECASE),
        lambda m, today: today,
    ),
    (
        re.compile(
            rf"\b(?:about\s+|around\s+|roughly\s+|almost\s+|nearly\s+|over\s+|just\s+|exactly\s+)?"
            rf"{_NUMBER}\s+{_UNIT}{_HALF}\s+(?:ago|back|before\s+now)\b",
            re.IGNORECASE,
        ),
        _years_ago,
    ),
    (
        re.compile(
            rf"\b(?:had|owned|(?:'ve|have|has)\s+(?:been\s+)?(?:using|used|wearing|worn|driving|driven|riding|ridden|kept"
            rf"|keeping))\s+(?:[\w'-]+\s+){{0,6}}?(?P<phrase>for\s+(?:the\s+(?:past|last)\s+)?"
            rf"(?:about\s+|around\s+|almost\s+|nearly\s+|over\s+)?{_NUMBER}\s+{_UNIT}{_HALF})\b",
            re.IGNORECASE,
        ),
        _years_ago,
    ),
    (
        re.compile(r"\blast\s+(?P<unit>week|month|year)\b", re.IGNORECASE),
        lambda m, today: today - relativedelta(**{f"{m['unit'].lower()}s": 1}),  # type: ignore[arg-type]
    ),
    (
        re.compile(rf"\b(?:on\s+|last\s+)(?P<weekday>{'|'.join(WEEKDAYS)})\b", re.IGNORECASE),
        lambda m, today: _most_recent_weekday(m["weekday"], today),
    ),
    (
        re.compile(rf"\b{_PAST_PREPOSITION}{_SEASON_PART}(?P<year>(?:19|20)\d\d)\b", re.IGNORECASE),
        lambda m, today: date(int(m["year"]), 1, 1),
    ),
    (
        re.compile(rf"\b{_PAST_PREPOSITION}{_SEASON_PART}{_MONTH}(?!\s*\d)\b", re.IGNORECASE),
        lambda m, today: _most_recent_month_start(MONTH_NUMBERS[m["month"].lower()], today),
    ),
]

# Verbs after which a date tells when the user got the item, as opposed to when they gave it away.
_RECEIVE_VERB = re.compile(
    r"\b(?:bought|buy|got|gotten|get|purchased|received|ordered|picked\s+up|found|had|have|owned|inherited|won"
    r"|adopted|subscribed|signed\s+up|renewed)\b",
    re.IGNORECASE,
)


def _overlaps(start: int, end: int, taken: list[Found]) -> bool:
    return any(start < found.end and found.start < end for found in taken)


def find_dates(prompt: str, today: date, *, day_first: bool | None = None) -> list[Found]:
    """Every date phrase in the prompt, in reading order; the value is None when the date is invalid or future.
    `day_first` is how the writer's locale orders a numeric date's day and month, when known (see numeric_date)."""
    found: list[Found] = []
    for match in NUMERIC_DATE.finditer(prompt):
        value = numeric_date(match, today, day_first)
        found.append(Found(*match.span(), value if value is not None and value <= today else None))
    for pattern, resolve in _DATE_PATTERNS:
        for match in pattern.finditer(prompt):
            start, end = match.span("phrase") if "phrase" in pattern.groupindex else match.span()
            if _overlaps(start, end, found):
                continue
            try:
                value = resolve(match, today)
            except (ValueError, OverflowError):  # "3000 years ago", "christmas 0000": no such date
                value = None
            found.append(Found(start, end, value if value is not None and value <= today else None))
    return sorted(found, key=lambda item: item.start)


def choose_received_date(prompt: str, dates: list[Found], status: str) -> date | None:
    """The first usable date; for a gift or donation only one said of getting the item, not of giving it away."""
    for found in dates:
        if not isinstance(found.value, date):
            continue
        if status != "Keep" and not _RECEIVE_VERB.search(prompt[: found.start]):
            continue
        return found.value
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Ownership goals
# ---------------------------------------------------------------------------------------------------------------------
_QUANTIFIER = r"(?:(?:at\s+least|a\s+minimum\s+of|minimum\s+of|minimum|the\s+next|another|around|about|roughly|up\s+to"
_QUANTIFIER += r"|over|more\s+than|no\s+less\s+than|a\s+good|a\s+solid)\s+)?"
_DURATION = rf"{_QUANTIFIER}{_NUMBER}\s+(?:more\s+|extra\s+|additional\s+)?{_UNIT}{_HALF}"
_GOAL_CONTEXT = re.compile(
    r"\b(?:keep|keeps|keeping|kept|use|using|plan|plans|planning|want|wants|wanted|hope|hoping|goal|aim|aiming"
    r"|intend|intending|commit|committing|committed|drive|driving|wear|wearing|own|owning|hold|last|lasts"
    r"|expect|expecting|try|trying|going\s+to|gonna|will|i'll|should|target)\b",
    re.IGNORECASE,
)
# "for a lifetime" is a goal; "a lifetime Plex Pass" is a product.
_FOREVER = re.compile(
    r"\b(?:forever|for\s+ever|for\s+life|for\s+good|until\s+i\s+die|(?:for\s+)?the\s+rest\s+of\s+my\s+life"
    r"|(?:for|last|lasts)\s+a\s+lifetime(?!\s+(?-i:[A-Z])|\s+(?:pass|membership|licen[cs]e|subscription|warranty"
    r"|guarantee|supply)\b))\b",
    re.IGNORECASE,
)
_GOAL_PATTERNS: list[tuple[re.Pattern[str], bool]] = [
    # (pattern, needs a goal word elsewhere in the prompt)
    (
        re.compile(
            rf"\bgoal\s*(?:of|is|:|=)?\s*(?:to\s+\w+\s+(?:it\s+|them\s+)?)?(?:for\s+)?{_DURATION}", re.IGNORECASE
        ),
        False,
    ),
    (
        re.compile(
            rf"\b(?:last|lasts|lasting|(?:keep|keeping|use|using|drive|driving|ride|riding|wear|wearing|own|owning"
            rf"|have|having|stick(?:ing)?\s+with|hold(?:ing)?\s+on\s+to)(?:\s+(?:it|them|this|one))?)\s+{_DURATION}",
            re.IGNORECASE,
        ),
        False,
    ),
    (re.compile(rf"\bfor\s+{_DURATION}", re.IGNORECASE), True),
    (re.compile(r"\b(?:half\s+a\s+year)\b", re.IGNORECASE), True),
]


def _goal_months(match: re.Match[str]) -> int:
    if "number" not in match.re.groupindex:
        return 6  # "half a year"
    months = _months_in(_number_value(match["number"]) + (0.5 if match["half"] else 0), match["unit"])
    return min(max(round(months), 1), MAX_GOAL_MONTHS)


def find_goal(prompt: str, taken: list[Found]) -> Found | None:
    """How long the user means to keep the item, in months, ignoring phrases already read as dates."""
    found: list[Found] = []
    for match in _FOREVER.finditer(prompt):
        if not _overlaps(*match.span(), taken):
            found.append(Found(*match.span(), MAX_GOAL_MONTHS))
    has_context = bool(_GOAL_CONTEXT.search(prompt))
    for pattern, needs_context in _GOAL_PATTERNS:
        if needs_context and not has_context:
            continue
        for match in pattern.finditer(prompt):
            if not _overlaps(*match.span(), taken + found):
                found.append(Found(*match.span(), _goal_months(match)))
    return min(found, key=lambda item: item.start) if found else None
