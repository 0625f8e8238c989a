"""Rule-based parser from one sentence to a ParsedItem: the type, emoji, status and name grammar, and parse_prompt."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from agent import languages
from agent import vocabulary as vocab
from agent.dates import BIDI_MARKS, Found, choose_received_date, find_dates, find_goal
from agent.parsing import ParsedItem
from agent.quick_add import quick_add_fields

MAX_NAME_WORDS = 7


# ---------------------------------------------------------------------------------------------------------------------
# Item types and emojis: keyword phrases matched on word boundaries, singular or plural
# ---------------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Keyword:
    """One keyword phrase, compiled to match on word boundaries in singular or plural."""

    phrase: str
    label: str
    pattern: re.Pattern[str]

    @property
    def word_count(self) -> int:
        return len(re.split(r"[\s-]+", self.phrase))


def _plural_suffix(word: str) -> str:
    if re.search(r"[^aeiou]y$", word):
        return word[:-1] + "(?:y|ies)"
    if re.search(r"(?:s|x|z|ch|sh)$", word):
        return re.escape(word) + "(?:es)?"
    if word.endswith("fe"):
        return word[:-2] + "(?:fe|ves)"
    return re.escape(word) + "s?"


def _compile_keyword(phrase: str, label: str) -> _Keyword:
    words = re.split(r"[\s-]+", phrase)
    body = r"[\s-]*".join([re.escape(word) for word in words[:-1]] + [_plural_suffix(words[-1])])
    return _Keyword(phrase, label, re.compile(rf"(?<![\w'+]){body}(?![\w+])", re.IGNORECASE))


def _compile_table(table: dict[str, tuple[str, ...]]) -> list[_Keyword]:
    return [_compile_keyword(phrase, label) for label, phrases in table.items() for phrase in phrases]


_TYPE_KEYWORDS = _compile_table(vocab.TYPE_KEYWORDS)
_EMOJI_KEYWORDS = _compile_table(vocab.EMOJI_KEYWORDS)
_PET_ANIMAL_PATTERN = re.compile(
    r"(?<![\w'])(?:" + "|".join(_plural_suffix(animal) for animal in vocab.PET_ANIMALS) + r")(?:'s)?(?!\w)",
    re.IGNORECASE,
)


def _without_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFKD", text) if not unicodedata.combining(char))


def _best_keyword(text: str, keywords: Iterable[_Keyword]) -> _Keyword | None:
    """The keyword that best describes `text`: the longest phrase, then the one nearest the end (the head noun).
    Accents do not matter ("Pokémon Cards" are pokemon cards)."""
    text = _without_accents(text)
    best: tuple[int, int] | None = None
    best_keyword = None
    for keyword in keywords:
        for match in keyword.pattern.finditer(text):
            score = (keyword.word_count, match.end())
            if best is None or score > best:
                best, best_keyword = score, keyword
    return best_keyword


def _pet_modifier(name: str) -> str | None:
    """The pet animal named in front of the head noun ("dog" in "dog bed"), if any."""
    words = name.split()
    if len(words) < 2:
        return None
    match = _PET_ANIMAL_PATTERN.search(" ".join(words[:-1]))
    return match.group(0).lower().removesuffix("'s") if match else None


_SUBSCRIPTION_CUE = re.compile(
    r"\b(?:subscribed|subscribing|signed\s+up|sign\s+up|renewed|renewing|per\s+month|a\s+month|monthly|annual\s+plan"
    r"|yearly\s+plan|free\s+trial)\b",
    re.IGNORECASE,
)


def classify_item_type(name: str | None, prompt: str) -> str:
    """The item type for a name, falling back to the whole prompt; "Other" when nothing is recognised."""
    if name:
        if _pet_modifier(name):
            return "Pet_Supplies"
        keyword = _best_keyword(name, _TYPE_KEYWORDS)
        if keyword:
            return keyword.label
    keyword = _best_keyword(prompt, _TYPE_KEYWORDS)
    if keyword:
        return keyword.label
    if _SUBSCRIPTION_CUE.search(prompt):
        return "Subscriptions_Licenses"  # "signed up for ClassPass": an unknown service, but clearly a subscription
    return "Other"


def choose_emoji(name: str | None, item_type: str) -> str:
    """An emoji for the item: the most specific keyword in its name, else the default for its type."""
    if name:
        animal = _pet_modifier(name)
        if animal:
            keyword = _best_keyword(animal, _EMOJI_KEYWORDS)
            if keyword:
                return keyword.label
        keyword = _best_keyword(name, _EMOJI_KEYWORDS)
        if keyword:
            return keyword.label
    return vocab.TYPE_EMOJI.get(item_type, vocab.TYPE_EMOJI["Other"])


# ---------------------------------------------------------------------------------------------------------------------
# Status
# ---------------------------------------------------------------------------------------------------------------------
_DONATE_VERB = re.compile(r"\bdonat(?:e|ed|es|ing|ion)\b", re.IGNORECASE)
# A charity named as a destination ("at Goodwill", "to the shelter"), not as a source ("from the shelter").
_CHARITY_PLACE = re.compile(
    r"\b(?P<preposition>to|at|for|into|with|from)\s+(?:(?:the|a|an|our|my|local)\s+)?(?:[\w']+\s+){0,2}?"
    r"(?:charity|charities|goodwill|thrift(?:\s+(?:store|shop))?|salvation\s+army|(?:animal\s+|homeless\s+|women's\s+)?"
    r"shelter|food\s+bank|op\s+shop|donation\s+(?:bin|box|center|centre))\b",
    re.IGNORECASE,
)
_GIVE_VERB = re.compile(
    r"\b(?:gave|give|gives|giving|given|gift|gifted|gifting|hand(?:ed|ing|s)?(?!-)(?=[^,.;!?]*\b(?:down|over|on|off|to)\b)"
    r"|pass(?:ed|ing)?\s+(?:on|down|along)|regift(?:ed|ing)?)\b(?P<after>(?:\s+[\w']+){0,2})",
    re.IGNORECASE,
)
# "gave me", "gifted to me", "a gift from": the user received the item rather than gave it.
_RECEIVED_OBJECT = re.compile(r"^\s+(?:to\s+)?(?:me|us|myself|ourselves)\b|^\s+from\b", re.IGNORECASE)
# "passed along her sewing machine to me": the recipient comes later in the same clause.
_TO_ME_LATER = re.compile(r"^[^,.;!?]*?\bto\s+(?:me|us)\b", re.IGNORECASE)


def classify_status(prompt: str) -> str:
    """Keep, Give or Donate, from the verbs and destinations in the prompt."""
    if _DONATE_VERB.search(prompt):
        return "Donate"
    if any(match.group("preposition").lower() != "from" for match in _CHARITY_PLACE.finditer(prompt)):
        return "Donate"
    for match in _GIVE_VERB.finditer(prompt):
        received = _RECEIVED_OBJECT.match(match.group("after")) or _TO_ME_LATER.match(prompt[match.end() :])
        if not received and not _follows_as_a(prompt, match.start()):
            return "Give"
    return "Keep"


def _follows_as_a(prompt: str, position: int) -> bool:
    """True for "got it as a Father's Day gift": a gift the user received."""
    return bool(re.search(r"\b(?:as|was|were|is)\s+(?:an?\s+)?(?:[\w']+\s+){0,3}$", prompt[:position], re.IGNORECASE))


# ---------------------------------------------------------------------------------------------------------------------
# Item names
# ---------------------------------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"[A-Za-z0-9+]+(?:['-][A-Za-z0-9+]+)*'?|[^\sA-Za-z0-9]")


def _is_verb(word: str) -> bool:
    return word in vocab.ITEM_VERBS or word in vocab.OTHER_VERBS


_MULTI_WORD_KEYWORDS = {keyword.phrase for keyword in _TYPE_KEYWORDS if keyword.word_count > 1}


def _completes_keyword_phrase(phrase: list[str], word: str) -> bool:
    return any(" ".join([*phrase[-length:], word]) in _MULTI_WORD_KEYWORDS for length in (1, 2, 3) if phrase)


def _is_participle(word: str) -> bool:
    return bool(re.fullmatch(r"[a-z]{3,}(?:ed|ing)", word)) and not _best_keyword(word, _TYPE_KEYWORDS)


def _looks_like_opening_verb(word: str) -> bool:
    """A sentence that opens with "Adopted ..." or "Moving ..." starts with a verb, not with the item."""
    return _is_verb(word) or _is_participle(word)


def _is_quantity_or_filler(word: str, previous_word: str, next_word: str) -> bool:
    """ "new", "three", "a 10 lb ...": words in front of a name that are not part of it."""
    if not next_word:
        return False  # the last word is the name itself, whatever it looks like
    if word in vocab.FILLER_WORDS or word.isdigit():
        return True
    if word in vocab.MEASURE_UNITS and previous_word.isdigit():
        return True
    return word in vocab.QUANTITY_WORDS and next_word not in vocab.STOP_WORDS


def _skip_to_noun(words: list[str], index: int) -> int:
    """Skip articles, possessives, quantities and containers ("a pair of", "three bags of") before the item."""
    after_determiner = False
    while index < len(words):
        word = words[index]
        next_word = words[index + 1] if index + 1 < len(words) else ""
        is_container = word in vocab.CONTAINER_WORDS or re.fullmatch(r"\d+-(?:pack|piece|pc|set|count)", word)
        if is_container and next_word == "of":
            index += 2
        elif is_container and next_word == "full" and words[index + 2 : index + 3] == ["of"]:
            index += 3  # "a drawer full of chargers"
        elif word in vocab.ARTICLES or word in vocab.POSSESSIVES:
            after_determiner = True
            index += 1
        elif _is_quantity_or_filler(word, words[index - 1] if index else "", next_word):
            index += 1
        elif re.search(r"'s$|s'$", word) and after_determiner and next_word:
            index += 1  # "my late grandmother's box" and "the kids' trampoline" name the box and the trampoline
        else:
            return index
    return index


def _noun_phrase(words: list[str], index: int) -> list[str]:
    """The words of the item name starting at `index`, up to the first word that cannot belong to a name."""
    phrase: list[str] = []
    while index < len(words):
        word = words[index]
        if not re.match(r"[a-z0-9]", word):
            break
        if word == "and" and phrase:
            next_word = words[index + 1] if index + 1 < len(words) else ""
            # "pots and pans" is one item; "a bike and plan to ride it" is not.
            if (
                not next_word
                or next_word in vocab.STOP_WORDS
                or _is_verb(next_word)
                or not re.match(r"[a-z]", next_word)
            ):
                break
            phrase.append(word)
            index += 1
            continue
        if word in vocab.FILLER_WORDS:
            index += 1
            continue
        if word == "full" and phrase and words[index + 1 : index + 2] == ["of"]:
            break  # "an e-reader full of books" is the e-reader
        continues_keyword = _completes_keyword_phrase(phrase, word)  # "Xbox Game Pass": "pass" is not a verb here
        if not continues_keyword and (
            word in vocab.STOP_WORDS
            or _is_verb(word)
            or word in vocab.OBJECT_PRONOUNS
            or word in vocab.SUBJECT_PRONOUNS
            or word in vocab.NON_ITEM_OPENERS - {"good"}
        ):
            break
        following = words[index + 1] if index + 1 < len(words) else ""
        ends_clause = not re.match(r"[a-z0-9]", following) or following in vocab.STOP_WORDS or _is_verb(following)
        if phrase and _is_participle(word) and ends_clause and _best_keyword(" ".join(phrase), _TYPE_KEYWORDS):
            break  # "a Bosch dishwasher installed today": the head noun came before the participle
        phrase.append(word)
        index += 1
        if len(phrase) >= MAX_NAME_WORDS:
            break
    while phrase and phrase[-1] in vocab.MINOR_WORDS:
        phrase.pop()
    return phrase


def _is_empty_object(words: list[str], position: int) -> bool:
    """ "gave it to", "bought them": a pronoun stands for the item; "this dutch oven" is a determiner."""
    word = words[position]
    following = words[position + 1] if position + 1 < len(words) else ""
    if word not in vocab.EMPTY_OBJECTS:
        return False
    if word in {"this", "that", "these", "those"}:
        return not re.match(r"[a-z0-9]", following) or following in vocab.STOP_WORDS or _is_verb(following)
    return not (word == "them" and (following in vocab.ARTICLES or following in vocab.POSSESSIVES))


def _verb_objects(words: list[str]) -> list[list[str]]:
    """The noun phrase after each verb of getting, keeping or giving."""
    objects = []
    for index, word in enumerate(words):
        if word not in vocab.ITEM_VERBS:
            continue
        position = index + 1
        while position < len(words) and (
            words[position] in vocab.PARTICLES
            or (words[position] in {"on", "onto"} and word in vocab.ON_PARTICLE_VERBS)
        ):
            position += 1
        if position < len(words) and words[position] in vocab.PARTICLE_PREPOSITIONS and position > index + 1:
            position += 1  # "signed up for", "stocked up on", "hang on to"
        elif position < len(words) and words[position] in {"to", "for"} and word in vocab.PREPOSITION_VERBS:
            position += 1
        if position < len(words) and _is_empty_object(words, position):
            continue
        while position < len(words) and words[position] in vocab.OBJECT_PRONOUNS:
            position += 1
        if words[position : position + 1] == ["to"] and word in {"treated", "treating"}:
            position += 1  # "treated myself to"
        if word in vocab.REPLACING_VERBS and vocab.REPLACING_VERBS[word] in words[position : position + 8]:
            position = words.index(vocab.REPLACING_VERBS[word], position) + 1
        start = _skip_to_noun(words, position)
        phrase = _noun_phrase(words, start)
        if len(phrase) == 1 and words[start + 1 : start + 2] == [vocab.STAND_IN_NOUNS.get(phrase[0])]:
            phrase = _noun_phrase(words, _skip_to_noun(words, start + 2))  # "handed me the keys to her Subaru"
        elif phrase and set(phrase) <= vocab.PEOPLE:
            # "gifting my sister a Dyson Airwrap": the first object is who gets it, the second is the item.
            following = start + len(phrase)
            if following < len(words) and (words[following] in vocab.ARTICLES or words[following] in vocab.POSSESSIVES):
                phrase = _noun_phrase(words, _skip_to_noun(words, following))
        if phrase:
            objects.append(phrase)
    return objects


def _determined_phrases(words: list[str]) -> list[list[str]]:
    """Noun phrases anywhere after an article or possessive ("outgrew her bunk bed"), in reading order."""
    phrases = []
    for index, word in enumerate(words[:-1]):
        # "at the Goodwill donation bin" is where the item went, not the item.
        if index > 0 and words[index - 1] in vocab.PLACE_PREPOSITIONS:
            continue
        if word in vocab.ARTICLES or word in vocab.POSSESSIVES:
            phrase = _noun_phrase(words, _skip_to_noun(words, index + 1))
            if phrase:
                phrases.append(phrase)
    return phrases


def _leading_phrase(words: list[str]) -> list[str]:
    """The noun phrase a sentence opens with ("Red running shoes I got ..."), unless it opens with a verb."""
    index = _skip_to_noun(words, 0)
    if index >= len(words) or words[0] in vocab.NON_ITEM_OPENERS:
        return []
    # "scented" after "A set of" is an adjective; only the very first word can be an opening verb like "Adopted",
    # and not even that when it leads into a thing we recognise ("Hiking backpack ...", "Sewing machine ...").
    if _is_verb(words[index]):
        return []
    phrase = _noun_phrase(words, index)
    if index == 0 and _looks_like_opening_verb(words[index]):
        known_thing = len(phrase) > 1 and _best_keyword(" ".join(phrase), _TYPE_KEYWORDS) is not None
        return phrase if known_thing else []
    return phrase


def _first_content_words(words: list[str]) -> list[str]:
    """The first run of words that could name a thing, skipping destinations ("moving to a new city") and people."""
    index = 0
    while index < len(words):
        word = words[index]
        if word in vocab.PLACE_PREPOSITIONS:
            destination = _skip_to_noun(words, index + 1)
            index = destination + max(1, len(_noun_phrase(words, destination)))
            continue
        if re.match(r"[a-z]", word) and word not in vocab.EMPTY_OBJECTS:
            phrase = _noun_phrase(words, _skip_to_noun(words, index))
            if phrase and not vocab.PEOPLE.intersection(phrase) and not set(phrase) <= vocab.EMPTY_OBJECTS:
                return phrase
        index += 1
    return []


def _title_word(word: str, first: bool) -> str:
    lower = word.lower()
    if not first and lower in vocab.MINOR_WORDS:
        return lower
    if lower in vocab.ACRONYMS:
        return lower.upper()
    if lower in vocab.BRAND_SPELLINGS:
        return vocab.BRAND_SPELLINGS[lower]
    return "-".join(part[:1].upper() + part[1:] for part in lower.split("-"))


def title_case(words: list[str], original: dict[str, str], *, shouting: bool = False) -> str:
    """Title Case, keeping the user's own mixed case ("iPhone", "MacBook") and short capitals ("TV", "DSLR")."""
    titled = []
    for position, word in enumerate(words):
        typed = original.get(word, word)
        mixed_case = re.search(r"[a-z][A-Z]", typed)
        short_capitals = typed.isupper() and len(typed) <= 5 and not shouting
        keep_typed = (mixed_case or short_capitals) and word not in vocab.MINOR_WORDS
        titled.append(typed if keep_typed else _title_word(word, position == 0))
    return " ".join(titled)


def extract_name(prompt: str, hidden: list[Found]) -> str | None:
    """The item's name, or None when the prompt names no item. Date and goal phrases are hidden first."""
    text = prompt
    for found in sorted(hidden, key=lambda item: item.start, reverse=True):
        text = text[: found.start] + " | " + text[found.end :]
    tokens = _TOKEN.findall(text)
    original = {token.lower(): token for token in tokens}
    words = [token.lower() for token in tokens]

    def is_item(phrase: list[str]) -> bool:
        return bool(phrase) and not vocab.PEOPLE.intersection(phrase)

    def is_known(phrase: list[str]) -> bool:
        # A recognised head noun makes "Microsoft 365 Family License" an item even though "family" names people.
        return (
            bool(phrase)
            and phrase[-1] not in vocab.PEOPLE
            and _best_keyword(" ".join(phrase), _TYPE_KEYWORDS) is not None
        )

    objects = _verb_objects(words)
    leading = _leading_phrase(words)
    mentions_getting = any(word in vocab.ITEM_VERBS for word in words)
    # Most trusted first: what the user got or gave, when we recognise it; then what the sentence opens with; then
    # any recognised thing; and only then unrecognised things the user says they got ("a lucky rock I found").
    # Last, a sentence that is only a description ("a jar of buttons I've been collecting") names what it opens
    # with, and failing all else the first words that can be a name at all.
    determined = _determined_phrases(words)
    describes = bool(words) and words[0] not in vocab.NON_ITEM_OPENERS  # not "what's the weather", "can you help"
    candidates = [
        *(phrase for phrase in objects if is_known(phrase)),
        *([leading] if is_known(leading) else []),
        *(phrase for phrase in determined if is_known(phrase)),
        *(phrase for phrase in objects if is_item(phrase)),
        *([leading] if mentions_getting and is_item(leading) else []),
        *([leading] if describes and is_item(leading) else []),
        *(phrase for phrase in determined if describes and is_item(phrase)),
        *([content] if describes and (content := _first_content_words(words)) else []),
    ]
    if not candidates:
        return None
    chosen = candidates[0]
    if len(chosen) == 1 and chosen[0] in vocab.GENERIC_NAMES:
        # "bought my first car!! A 2015 Mazda 3": the specific model named later is the better name.
        chosen_type = classify_item_type(chosen[0], "")
        more_specific = (
            phrase
            for phrase in candidates
            if phrase != chosen and classify_item_type(" ".join(phrase), "") == chosen_type
        )
        chosen = next(more_specific, chosen)
    return title_case(chosen, original, shouting=prompt.isupper())


# ---------------------------------------------------------------------------------------------------------------------
# The parser
# ---------------------------------------------------------------------------------------------------------------------
def _normalise(prompt: str) -> str:
    replacements = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": " - "}
    replacements |= dict.fromkeys(BIDI_MARKS, "")
    for typed, plain in replacements.items():
        prompt = prompt.replace(typed, plain)
    return re.sub(r"\s+", " ", prompt).strip()


def parse_prompt(prompt: str, today: date, *, day_first: bool | None = None) -> ParsedItem:
    """Read one sentence about an item. Name, date and goal are None when not said; the rest always has a value.
    `day_first` is how the writer's locale orders a numeric date, when known (agent.dates.numeric_date)."""
    stated = quick_add_fields(prompt, today, day_first=day_first)
    if stated is not None:
        return _parse_quick_add(stated)
    text = _normalise(prompt)
    language = languages.detect(text)
    if language is not None:
        return languages.parse_item(text, today, language, day_first=day_first)
    status = classify_status(text)
    dates = find_dates(text, today, day_first=day_first)
    goal = find_goal(text, dates)
    name = extract_name(text, dates + ([goal] if goal else []))
    item_type = classify_item_type(name, text)
    return ParsedItem(
        name=name,
        item_type=item_type,
        status=status,
        item_received_date=choose_received_date(text, dates, status),
        ownership_duration_goal_months=goal.value if goal and isinstance(goal.value, int) else None,
        picture_url=choose_emoji(name, item_type),
    )


def _parse_quick_add(stated: dict[str, Any]) -> ParsedItem:
    """The web frontend's fixed-shape prompt: its fields as written, the type and emoji from the name alone."""
    name = stated["name"]
    item_type = classify_item_type(name, name or "")
    if item_type == "Other" and name:
        item_type = languages.classify_foreign_name(name)
    return ParsedItem(**stated, item_type=item_type, picture_url=choose_emoji(name, item_type))
