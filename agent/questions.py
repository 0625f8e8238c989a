"""Min Search without a language model: a question's intent, subject, place and statuses, answered from
the search selectors.

A question is read as four parts, any of which may be missing: what is asked (where something is, what
a place holds, a count), the things it is about ("the camping stove", or a kind such as "books" or
"camping gear", agent/kinds.py), a place ("in the garage") and statuses ("giving away", "donating"); and
whether it asks for the things with no place. The parts become one query over the caller's items; the
intent only decides how the answer is worded. Nothing in the question can widen the query beyond the
caller's own items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from agent import languages
from agent.kinds import KindReading, items_of_kind, read_kinds, stem
from items.models import ItemStatus, OwnedItem
from items.selectors import below_place, with_location_path
from minNow.text import fold
from search.selectors import ITEM_RESULT_FIELDS, matching_items_any, search_locations
from users.models import User

MAX_LISTED = 25

PLACE_WORDS = {"in", "inside", "on", "at", "under", "within"}
STATUS_PHRASES = [
    (re.compile(r"\b(?:give|gives|giving|given|gave|gift|gifting|getting rid|get rid|rid of)\b"), ItemStatus.GIVE),
    (re.compile(r"\b(?:donat\w*|charity)\b"), ItemStatus.DONATE),
    (re.compile(r"\b(?:keeping|kept|marked keep)\b"), ItemStatus.KEEP),
]
# "getting rid of" means either way out of the house.
EITHER_WAY_OUT = re.compile(r"\b(?:getting rid|get rid|rid of|giving away or donating|give away or donate)\b")
COUNT = re.compile(r"^(?:how many|how much|count|number of)\b|\bhow many\b")
# "no place yet", "without a location", "haven't put anywhere", "not stored anywhere", "unassigned". The words
# between the verbs ("haven't I put the tent anywhere") stay in the question.
UNPLACED = re.compile(
    r"\b(?:(?:no|without(?: an?)?|dont have an?|do not have an?|doesnt have an?|havent got an?|lacking an?|"
    r"missing an?)\s+(?:location|place|spot|home)|not placed|unplaced|nowhere|unassigned|not assigned|"
    r"not anywhere|not in any (?:location|place|room|spot)|"
    r"(?:not|never|havent|have not|hasnt|has not|didnt|did not|werent|were not|isnt|arent)\s+"
    r"(?P<before>(?:\w+\s+){0,2}?)(?:put|stored|placed|filed|assigned|kept|given a place|located)\s+"
    r"(?P<after>(?:\w+\s+){0,3}?)anywhere)\b"
)
CONTENTS_OF = re.compile(r"\b(?:contents|content) of\b")
# Words that ask rather than name: questions, pronouns, verbs of having and finding, status words.
# fmt: off
STOP_WORDS = {
    "a", "an", "the", "my", "our", "your", "his", "her", "their", "this", "that", "these", "those", "some", "any",
    "all", "every", "each", "of", "for", "to", "and", "or", "with", "where", "wheres", "whats", "what", "which",
    "who", "whose", "how", "many", "much", "is", "are", "was", "were", "be", "being", "been", "am", "do", "does",
    "did", "i", "me", "we", "us", "you", "it", "its", "there", "theres", "here", "have", "has", "had", "own",
    "owns", "got", "get", "getting", "still", "find", "found", "locate", "located", "put", "left", "keep", "kept",
    "keeping", "store", "stored", "storing", "placed", "place", "lie", "lying", "sitting", "sit", "can",
    "could", "would", "should", "will", "please", "tell", "show", "list", "give", "giving", "given", "gave", "gift",
    "donate", "donating", "donated", "donation", "charity", "rid", "away", "marked", "status", "items", "item",
    "things", "thing", "stuff", "everything", "anything", "something", "nothing", "inside", "in", "on", "at",
    "under", "within", "plan", "planning", "want", "going", "go", "count", "number", "total", "currently", "right",
    "now", "also", "else", "again", "so", "just", "yet", "r", "u", "ur", "im", "ive", "id", "dont", "doesnt",
    "havent", "hasnt", "isnt", "arent", "whered", "whatre", "spot", "anywhere", "somewhere"
}
# fmt: on


@dataclass
class Answer:
    """A short message for the person, and the item search results it was built from."""

    message: str
    results: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Question:
    intent: str  # "where", "contents" or "count"
    subject: list[str]  # stemmed, for the search
    said: list[str]  # the subject's words as asked, for the answer
    place: list[str]
    statuses: list[str]
    unplaced: bool
    kinds: KindReading | None = None  # when the subject is a kind of thing ("clothes", "camping gear")


def read(question: str) -> Question:
    text = fold(question.replace("&", " and "))
    unplaced = bool(UNPLACED.search(text))
    tokens = CONTENTS_OF.sub("in", UNPLACED.sub(_kept_words, text)).split()
    statuses = _statuses(text)
    place = _place_phrase(tokens)
    place_tokens = set(place)
    said = [token for token in tokens if token not in STOP_WORDS and token not in place_tokens]
    subject = [stem(token) for token in said]
    intent = "count" if COUNT.search(text) else "contents" if place and not subject else "where"
    kinds = read_kinds([token for token in tokens if token not in place_tokens], STOP_WORDS)
    return Question(intent, subject, said, place, statuses, unplaced, kinds)


def _kept_words(unplaced: re.Match[str]) -> str:
    return f" {unplaced['before'] or ''}{unplaced['after'] or ''} "


def _statuses(text: str) -> list[str]:
    if EITHER_WAY_OUT.search(text):
        return [ItemStatus.GIVE, ItemStatus.DONATE]
    return [status for pattern, status in STATUS_PHRASES if pattern.search(text)]


def _place_phrase(tokens: list[str]) -> list[str]:
    """The content words after the last "in/on/at ..." ("in bin a" -> bin a; "in the garage am I" -> garage)."""
    starts = [index for index, token in enumerate(tokens) if token in PLACE_WORDS]
    if not starts:
        return []
    phrase: list[str] = []
    for token in tokens[starts[-1] + 1 :]:
        short_label = phrase and len(token) == 1 and token != "i"  # "bin a", "shelf 2"
        if token in STOP_WORDS and not short_label:
            if phrase:
                break
            continue
        phrase.append(token)
    return phrase


def answer_question(user: User, query: str) -> Answer:
    language = languages.detect(query)
    question = read(languages.question_in_english(query, language) if language else query)
    place = None
    if question.place:
        places = search_locations(user, " ".join(question.place), limit=1)
        if places:
            place = places[0]
        elif question.intent == "contents":
            return Answer(gettext("I couldn't find a place called “%(place)s”.") % {"place": " ".join(question.place)})
        else:
            question.subject += [stem(word) for word in question.place]
            question.said += question.place
            if question.kinds:
                question.kinds.narrowing += [stem(word) for word in question.place]
    if not (question.subject or place or question.statuses or question.unplaced):
        return Answer(
            gettext("Tell me what to look for, for example “where is my passport?” or “what's in the garage?”.")
        )

    if question.kinds:
        # A kind is the item's own type and name, never its place's: "books" is not what the bookcase holds.
        items = items_of_kind(user, question.kinds)
    elif question.subject:
        items = matching_items_any(user, _spellings(question.subject))
    else:
        items = with_location_path(OwnedItem.objects.filter(user=user))
        items = items.order_by("current_location__full_path", "name", "id")
    if place:
        items = items.filter(below_place(place["id"], place["full_path"]))
    if question.statuses:
        items = items.filter(status__in=question.statuses)
    if question.unplaced:
        items = items.filter(current_location__isnull=True)
    rows = list(items.values(*ITEM_RESULT_FIELDS))
    if question.intent == "where" and question.subject and not (place or question.statuses or question.kinds):
        rows = _same_head_noun(rows, question.subject)
    return Answer(_message(question, place, rows), rows[:MAX_LISTED])


def _spellings(subject: list[str]) -> list[str]:
    """The subject as asked, then with each two neighbouring words written as one ("lawn mower" also finds
    "Lawnmower", "tool box" "Toolbox")."""
    joined = [
        [*subject[:index], subject[index] + subject[index + 1], *subject[index + 2 :]]
        for index in range(len(subject) - 1)
    ]
    return [" ".join(words) for words in [subject, *joined]]


def _same_head_noun(rows: list[dict[str, Any]], subject: list[str]) -> list[dict[str, Any]]:
    """For "where is the drill?": the items whose name ends in that noun ("Cordless Drill"), when there are
    any, rather than every item that merely starts with it ("Drill Bits")."""
    head = subject[-1]
    named = [row for row in rows if fold(row["name"]).split()[-1:] and fold(row["name"]).split()[-1].startswith(head)]
    return named or rows


def _where(row: dict[str, Any]) -> str:
    place = (
        gettext("in %(path)s") % {"path": row["location_path"]}
        if row["location_path"]
        else gettext("not placed in any location")
    )
    if row["status"] == ItemStatus.KEEP:
        return f"{row['name']}: {place}"
    return gettext("%(name)s (marked %(status)s): %(place)s") % {
        "name": row["name"],
        "status": _status_label(row["status"]),
        "place": place,
    }


def _status_label(status: str) -> str:
    labels: dict[str, str] = {
        ItemStatus.KEEP: gettext("Keep"),
        ItemStatus.GIVE: gettext("Give"),
        ItemStatus.DONATE: gettext("Donate"),
    }
    return labels.get(status, status)


def _listing(rows: list[dict[str, Any]]) -> str:
    lines = [f"- {_where(row)}" for row in rows[:MAX_LISTED]]
    if len(rows) > MAX_LISTED:
        lines.append("- " + gettext("and %(count)d more") % {"count": len(rows) - MAX_LISTED})
    return "\n".join(lines)


def _message(question: Question, place: dict[str, Any] | None, rows: list[dict[str, Any]]) -> str:
    if not rows:
        if place and not question.subject and not question.statuses:
            return gettext("Nothing is stored in %(path)s or the places inside it.") % {"path": place["full_path"]}
        return gettext("I couldn't find %(what)s among your things.") % {
            "what": _describe(question, place, noun=gettext("anything"))
        }
    if len(rows) == 1 and question.intent == "where":
        return f"{_where(rows[0])}."
    what = _describe(question, place, noun=gettext("thing") if len(rows) == 1 else gettext("things"))
    counted = f"{len(rows)} {what}:\n{_listing(rows)}"
    return gettext("You have %(counted)s") % {"counted": counted} if question.intent == "count" else counted


def _describe(question: Question, place: dict[str, Any] | None, noun: str) -> str:
    """The things asked about, in words: "things matching “drill” in home/garage marked Give"."""
    said = " ".join(question.said)
    parts = [gettext("%(noun)s matching “%(words)s”") % {"noun": noun, "words": said} if said else noun]
    if place:
        parts.append(gettext("in %(path)s (and the places inside it)") % {"path": place["full_path"]})
    if question.unplaced:
        parts.append(gettext("not placed in any location"))
    if question.statuses:
        either = gettext("or")
        statuses = f" {either} ".join(_status_label(status) for status in question.statuses)
        parts.append(gettext("marked %(statuses)s") % {"statuses": statuses})
    return " ".join(parts)
