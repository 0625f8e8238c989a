"""Spanish and German for the rule-based parsers: which language a sentence is in, and per-language tables that
read an item sentence (status, dates, goal, name) or turn a Min Search question into the English the question
parser reads.

Everything here matches `plain` text: lower case without accents, the same length as what was typed, so a match's
span is also the span of the words as typed (the item's name keeps its accents and capitals).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from agent import glossary
from agent import vocabulary as vocab
from agent.dates import choose_received_date, find_dates, find_goal
from agent.parsing import ParsedItem

LANGUAGES = ("es", "de")


def plain(text: str) -> str:
    """Lower case without accents, one character for each character typed ("Ñandú" -> "nandu"; ß stays)."""
    return "".join(_plain_char(char) for char in text)


def _plain_char(char: str) -> str:
    lowered = char.lower()
    if len(lowered) != 1:
        return char
    base = unicodedata.normalize("NFKD", lowered)[:1]
    return base if base.isascii() and base.isalpha() else lowered


_WORD = re.compile(r"[^\W\d_](?:[\w'+-]*\w)?|\d+(?:[.,/-]\d+)*")


def plain_words(text: str) -> list[str]:
    return _WORD.findall(plain(text))


@dataclass(frozen=True)
class Language:
    code: str
    markers: frozenset[str]  # common words of the language that English does not use
    numbers: dict[str, str]
    units: dict[str, str]  # plain unit word (singular or plural) -> English unit
    months: dict[str, str]
    weekdays: dict[str, str]
    dates: list[tuple[str, str]]  # (pattern over plain text, English template)
    goals: list[tuple[str, str]]
    received: str  # the person got the item: a gift to them is kept
    donate: str
    give: str
    stop: frozenset[str]  # words that are never part of an item's name
    old_new: frozenset[str]  # "old", "new", "used": dropped from names
    links: frozenset[str]  # words that join the parts of a name ("de", "und")
    for_words: frozenset[str]  # "para", "für": kept in a name only before an animal ("bed for the dog")
    determiners: frozenset[str]
    question_phrases: list[tuple[str, str]]  # (pattern over plain text, English)
    words: dict[str, str] = field(default_factory=dict)  # glossary: plain word or phrase -> English
    compounds: bool = False  # German writes a noun's parts as one word


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_ENGLISH_MARKERS = _words(
    "the a an my i me you we bought got it is in on for to of and with from at have gave want keep where what how"
    " can do this that"
)
# English words a Spanish or German sentence may carry as borrowed names ("Laptop", "Tablet") count for neither.
_ENGLISH_WORDS = frozenset(
    word for phrases in vocab.TYPE_KEYWORDS.values() for phrase in phrases for word in phrase.split()
) | frozenset(word for phrases in vocab.EMOJI_KEYWORDS.values() for phrase in phrases for word in phrase.split())


def _alternation(words: dict[str, str] | frozenset[str] | list[str]) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


def _compile(language: Language) -> list[tuple[re.Pattern[str], str]]:
    names = {
        "NUM": rf"(?P<number>\d+|{_alternation(language.numbers)})",
        "UNIT": rf"(?P<unit>{_alternation(language.units)})",
        "MONTH": rf"(?P<month>{_alternation(language.months)})",
        "WEEKDAY": rf"(?P<weekday>{_alternation(language.weekdays)})",
        "YEAR": r"(?P<year>\d{4})",
    }
    compiled = []
    for pattern, template in language.dates + language.goals:
        for key, value in names.items():
            pattern = pattern.replace(key, value)
        compiled.append((re.compile(rf"\b(?:{pattern})\b"), template))
    return compiled


def _english(match: re.Match[str], template: str, language: Language) -> str:
    groups = match.groupdict()
    values = {
        "number": language.numbers.get(groups.get("number") or "", groups.get("number") or ""),
        "unit": language.units.get(groups.get("unit") or "", ""),
        "month": language.months.get(groups.get("month") or "", ""),
        "weekday": language.weekdays.get(groups.get("weekday") or "", ""),
        "year": groups.get("year") or "",
        "day": groups.get("day") or "",
        "least": "at least " if groups.get("least") else "",
    }
    return " ".join(template.format(**values).split())


def detect(text: str) -> str | None:
    """ "es" or "de" when the sentence is mostly in that language's common words, else None (English)."""
    words = plain_words(text)
    english = sum(word in _ENGLISH_MARKERS for word in words)
    scores = {code: sum(_is_own_word(word, TABLES[code]) for word in words) for code in LANGUAGES}
    code = max(scores, key=lambda key: scores[key])
    if scores[code] and scores[code] > english:
        return code
    return None


def _is_own_word(word: str, language: Language) -> bool:
    """A common word of the language, or a thing's name its glossary knows that English does not share."""
    if word in language.markers:
        return True
    if word in _ENGLISH_WORDS or len(word) < 4:
        return False
    return _lookup(word, language) is not None


# ---------------------------------------------------------------------------------------------------------------------
# Item sentences
# ---------------------------------------------------------------------------------------------------------------------
def parse_item(prompt: str, today: date, code: str, *, day_first: bool | None = None) -> ParsedItem:
    """Read an item sentence in language `code`: status from its own verbs, dates and goal through their English
    equivalents (agent.dates), the name from the words left, its type from the name's English glossary."""
    from agent.rules import choose_emoji, classify_item_type, title_case

    language = TABLES[code]
    text = plain(prompt)
    status = _status(text, language)
    english_parts: list[str] = []
    spans: list[tuple[int, int]] = []
    for pattern, template in _PATTERNS[code]:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in spans):
                continue
            spans.append(match.span())
            english_parts.append(_english(match, template, language))
    english = ". ".join(english_parts)
    dates = find_dates(english, today, day_first=True if day_first is None else day_first)
    goal = find_goal(english, dates)
    masked = list(prompt)
    for start, end in spans:
        masked[start:end] = "," + " " * (end - start - 1)
    name_words = _name(("".join(masked)), language)
    name = title_case(name_words, {word: word for word in name_words}) if name_words else None
    if name:
        name = " ".join(word[:1].upper() + word[1:] for word in name.split())
    translated = translate_words(plain(" ".join(name_words)), language) if name_words else ""
    item_type = classify_item_type(translated, translated) if translated else "Other"
    if item_type == "Other":
        item_type = classify_item_type(None, translate_words(text, language))
    return ParsedItem(
        name=name,
        item_type=item_type,
        status=status,
        item_received_date=choose_received_date("got " + english, dates, "Keep"),
        ownership_duration_goal_months=goal.value if goal and isinstance(goal.value, int) else None,
        picture_url=choose_emoji(translated or None, item_type),
    )


def _status(text: str, language: Language) -> str:
    without_received = re.sub(language.received, " ", text)
    if re.search(language.donate, without_received):
        return "Donate"
    if re.search(language.give, without_received):
        return "Give"
    return "Keep"


_TOKEN = re.compile(r"[^\W_](?:[\w'+&.-]*[^\W_])?|[,.;:!?¿¡()]")


def _name(text: str, language: Language) -> list[str]:
    """The first run of name words in the first clause that has one."""
    tokens = _TOKEN.findall(text)
    clauses: list[list[str]] = [[]]
    for token in tokens:
        if token in ",.;:!?¿¡()":
            clauses.append([])
        else:
            clauses[-1].append(token)
    for clause in clauses:
        words = _clause_name(clause, language)
        if words:
            return words
    return []


def _is_stop(word: str, language: Language) -> bool:
    folded = plain(word)
    return folded in language.stop or folded in language.old_new or folded in language.determiners


def _clause_name(clause: list[str], language: Language) -> list[str]:
    index = 0
    while index < len(clause) and (_is_stop(clause[index], language) or plain(clause[index]) in language.links):
        index += 1
    run: list[str] = []
    while index < len(clause):
        word = clause[index]
        folded = plain(word)
        following = clause[index + 1] if index + 1 < len(clause) else ""
        if folded in language.links:
            if not following or _is_stop(following, language) or plain(following) in language.links:
                break
            run.append(word)
        elif folded in language.for_words:
            rest = [token for token in clause[index + 1 : index + 3] if plain(token) not in language.determiners]
            if not rest or not _is_animal(rest[0], language):
                break
            run.extend(clause[index : index + 1 + clause[index + 1 :].index(rest[0]) + 1])
            index += clause[index + 1 :].index(rest[0]) + 2
            continue
        elif folded == "a" and language.code == "es":
            if not following or not following[:1].isupper() or _is_stop(following, language):
                break
            run.append(word)
        elif _is_stop(word, language):
            if folded in language.old_new and run:
                index += 1
                continue
            break
        else:
            run.append(word)
        index += 1
    while run and (plain(run[-1]) in language.links or plain(run[-1]) in language.for_words):
        run.pop()
    if language.compounds and any(word[:1].isupper() for word in run):
        while run and not run[-1][:1].isupper() and not run[-1][:1].isdigit():
            run.pop()
    return run


def _is_animal(word: str, language: Language) -> bool:
    return translate_words(plain(word), language) in glossary.ANIMALS


def translate_words(text: str, language: Language) -> str:
    """English for each word or phrase of plain `text` the glossary knows; other words as they are."""
    words = text.split()
    out: list[str] = []
    index = 0
    longest = 4
    while index < len(words):
        for size in range(min(longest, len(words) - index), 0, -1):
            phrase = " ".join(words[index : index + size])
            english = _lookup(phrase, language)
            if english is not None:
                out.append(english)
                index += size
                break
        else:
            out.append(words[index])
            index += 1
    return " ".join(word for word in out if word)


def _lookup(word: str, language: Language) -> str | None:
    table = language.words
    for candidate in (word, _singular(word, language)):
        if candidate in table:
            return table[candidate]
    if not language.compounds or " " in word or len(word) < 6:
        return None
    # "regenjacke" -> "rain jacket": the longest known last part, and the first part when it is known too.
    for cut in range(1, len(word) - 2):
        head, tail = word[:cut], word[cut:]
        tail_english = table.get(tail) or table.get(_singular(tail, language))
        if tail_english is None:
            continue
        for prefix in (head, head[:-1] if head.endswith(("s", "n", "e")) else head):
            if prefix in table:
                return f"{table[prefix]} {tail_english}"
        return tail_english
    return None


def _singular(word: str, language: Language) -> str:
    if language.code == "es":
        if word.endswith("es") and len(word) > 4 and word[-3] not in "aeiou":
            return word[:-2]
        if word.endswith("s") and len(word) > 3:
            return word[:-1]
        return word
    for ending in ("en", "er", "e", "n", "s"):
        if word.endswith(ending) and len(word) > len(ending) + 3:
            return word[: -len(ending)]
    return word


# ---------------------------------------------------------------------------------------------------------------------
# Questions
# ---------------------------------------------------------------------------------------------------------------------
def question_in_english(question: str, code: str) -> str:
    """The question in the English the question parser reads: its phrases, then its words."""
    language = TABLES[code]
    text = " ".join(plain_words(question))
    for pattern, english in _QUESTION_PATTERNS[code]:
        kept = " ".join(f"{_KEPT}{word}" for word in english.split())
        text = pattern.sub(f" {kept} ", text)
    return translate_words(" ".join(text.split()), language).replace(_KEPT, "")


_KEPT = "\x00"  # marks the English a phrase became, which the glossary must not read again


# ---------------------------------------------------------------------------------------------------------------------
# The tables
# ---------------------------------------------------------------------------------------------------------------------
_ES_NUMBERS = {
    "un": "1", "una": "1", "uno": "1", "dos": "2", "tres": "3", "cuatro": "4", "cinco": "5", "seis": "6",
    "siete": "7", "ocho": "8", "nueve": "9", "diez": "10", "once": "11", "doce": "12", "quince": "15",
    "veinte": "20", "treinta": "30", "un par de": "2", "unos": "", "unas": "",
}  # fmt: skip
_DE_NUMBERS = {
    "ein": "1", "eine": "1", "einem": "1", "einer": "1", "einen": "1", "zwei": "2", "drei": "3", "vier": "4",
    "funf": "5", "fuenf": "5", "fünf": "5", "sechs": "6", "sieben": "7", "acht": "8", "neun": "9", "zehn": "10",
    "elf": "11", "zwolf": "12", "zwoelf": "12", "zwanzig": "20", "dreißig": "30", "paar": "2", "ein paar": "2",
}  # fmt: skip
_ES_UNITS = {
    "dia": "days", "dias": "days", "semana": "weeks", "semanas": "weeks", "mes": "months", "meses": "months",
    "ano": "years", "anos": "years", "decada": "decades", "decadas": "decades",
}  # fmt: skip
_DE_UNITS = {
    "tag": "days", "tage": "days", "tagen": "days", "woche": "weeks", "wochen": "weeks", "monat": "months",
    "monate": "months", "monaten": "months", "jahr": "years", "jahre": "years", "jahren": "years",
    "jahrzehnt": "decades", "jahrzehnte": "decades",
}  # fmt: skip
_ES_MONTHS = {
    "enero": "january", "febrero": "february", "marzo": "march", "abril": "april", "mayo": "may", "junio": "june",
    "julio": "july", "agosto": "august", "septiembre": "september", "setiembre": "september",
    "octubre": "october", "noviembre": "november", "diciembre": "december",
}  # fmt: skip
_DE_MONTHS = {
    "januar": "january", "jänner": "january", "janner": "january", "februar": "february", "marz": "march",
    "maerz": "march", "april": "april", "mai": "may", "juni": "june", "juli": "july", "august": "august",
    "september": "september", "oktober": "october", "november": "november", "dezember": "december",
}  # fmt: skip
_ES_WEEKDAYS = {
    "lunes": "monday", "martes": "tuesday", "miercoles": "wednesday", "jueves": "thursday", "viernes": "friday",
    "sabado": "saturday", "domingo": "sunday",
}  # fmt: skip
_DE_WEEKDAYS = {
    "montag": "monday", "dienstag": "tuesday", "mittwoch": "wednesday", "donnerstag": "thursday",
    "freitag": "friday", "samstag": "saturday", "sonnabend": "saturday", "sonntag": "sunday",
}  # fmt: skip

_ES_DATES = [
    (r"(?:desde )?hace (?:unos |unas |casi |mas de )?NUM UNIT", "{number} {unit} ago"),
    (r"(?:desde )?hace (?:unos |unas |casi )?UNIT", "1 {unit} ago"),
    (r"anteayer|antes de ayer|antier", "2 days ago"),
    (r"ayer", "yesterday"),
    (r"hoy|esta manana|esta tarde", "today"),
    (r"(?:(?:la|el) )?(?:semana|finde|fin de semana) pasad[ao]", "last week"),
    (r"(?:el |desde el )?mes pasado", "last month"),
    (r"(?:el |desde el )?ano pasado", "last year"),
    (r"(?:el )?WEEKDAY(?: pasado)?", "last {weekday}"),
    (r"(?:(?:por|en|esta|estas|la|las|desde) )*navidad(?:es)?(?: pasadas?)?|(?:por|en) reyes", "last christmas"),
    (r"(?:el )?(?P<day>\d{1,2}) de MONTH(?: (?:de|del) YEAR)?", "on {month} {day} {year}"),
    (r"(?:en|desde|a principios de|a finales de|a mediados de) MONTH(?: (?:de|del) YEAR)?", "in {month} {year}"),
    (r"(?:en|desde) (?:el )?(?:ano )?YEAR", "in {year}"),
]
_DE_DATES = [
    (r"(?:seit |vor )(?:etwa |ungefahr |knapp |uber )?NUM UNIT", "{number} {unit} ago"),
    (r"vor UNIT", "1 {unit} ago"),
    (r"vorgestern", "2 days ago"),
    (r"gestern(?: abend| morgen| nachmittag)?", "yesterday"),
    (r"heute(?: morgen| fruh| nachmittag)?", "today"),
    (r"(?:seit |in der |am )?(?:letzte|letzten|letzter|letztem|letztes|vorige|vorigen|voriger|vorigem|voriges"
     r"|vergangene|vergangenen|vergangenem|vergangenes) (?:woche|wochenende)", "last week"),
    (r"(?:seit |im )?(?:letzte|letzten|letzter|letztem|letztes|vorige|vorigen|voriger|vorigem|voriges"
     r"|vergangene|vergangenen|vergangenem|vergangenes) monat", "last month"),
    (r"(?:seit |im )?(?:letzte|letzten|letzter|letztem|letztes|vorige|vorigen|voriger|vorigem|voriges"
     r"|vergangene|vergangenen|vergangenem|vergangenes) jahr", "last year"),
    (r"(?:(?:am|letzten|letzte|vorigen|vergangenen|seit) )+WEEKDAY", "last {weekday}"),
    (r"(?:(?:zu|an|seit|letzte|letztes|letzten|vergangene|vergangenes|zum) )+weihnachten", "last christmas"),
    (r"(?:am |seit )?(?P<day>\d{1,2})\. MONTH(?: YEAR)?", "on {month} {day} {year}"),
    (r"(?:im|seit|ab|anfang|ende|mitte) MONTH(?: YEAR)?", "in {month} {year}"),
    (r"(?:im jahr |seit |in )YEAR", "in {year}"),
]  # fmt: skip
_ES_GOALS = [
    (
        r"(?:(?:quiero|quisiera|pienso|espero|me gustaria|voy a|la voy a|lo voy a|planeo) )?(?:tener|conservar"
        r"|usar|quedarme(?: con)?|mantener|guardar|llevar|tenerl[ao]s?|conservarl[ao]s?|usarl[ao]s?|guardarl[ao]s?"
        r"|quedarmel[ao]s?|llevarl[ao]s?|mantenerl[ao]s?)(?: (?:durante|por))?(?: (?P<least>al menos|por lo menos"
        r"|como minimo|minimo))?(?: unos| unas)? NUM UNIT",
        "keep for {least}{number} {unit}",
    ),
    (
        r"que (?:me |nos )?(?:dure|duren|aguante|aguanten)(?: (?P<least>al menos|por lo menos|como minimo|minimo))?"
        r"(?: unos| unas)? NUM UNIT",
        "keep for {least}{number} {unit}",
    ),
    (r"(?P<least>al menos|por lo menos|como minimo|minimo) NUM UNIT", "keep for at least {number} {unit}"),
    (r"(?:para|durante) (?:toda la|toda mi) vida|para siempre", "forever"),
]
_DE_GOALS = [
    (r"(?:fur )?(?:(?P<least>mindestens|wenigstens|noch|etwa|ca|rund) )?NUM UNIT(?: lang)?(?: (?:es|ihn|sie))?"
     r" (?:behalten|halten|nutzen|benutzen|fahren|tragen|haben|verwenden|aufheben|durchhalten|besitzen)",
     "keep for {least}{number} {unit}"),
    (r"(?:behalten|halten|nutzen|benutzen|fahren|tragen|haben|verwenden|aufheben)(?: (?:es|ihn|sie))? (?:fur )?"
     r"(?:(?P<least>mindestens|wenigstens) )?NUM UNIT", "keep for {least}{number} {unit}"),
    (r"(?P<least>mindestens|wenigstens) NUM UNIT", "keep for at least {number} {unit}"),
    (r"fur immer|ein leben lang|fur den rest meines lebens", "forever"),
]  # fmt: skip

_ES_STOP = _words("""el la los las lo le les se me te nos un una unos unas mi mis tu tus su sus nuestro nuestra nuestros
    nuestras este esta estos estas ese esa esos esas aquel aquella yo tu el ella ellos nosotros que quien
    cual donde como cuando porque pero y o ni a al en con sin sobre por desde hasta hacia entre tras del
    es son era fue fueron esta estan estaba he ha han hemos habia tengo tiene tienen tenemos tenia tuve hay
    compre compro compramos compraron comprado comprada comprados compradas comprar compra
    regale regalo regalaron regalado regalada regalados regaladas regalar regalarle regalarla regalarlo
    regalarlos regalarlas regalarselo regalarsela regalare regalamos regala dio dieron di dar darle darla
    darlo doy dare done dona donar donarlo donarla donarlos donarlas donare donamos donado donada
    quiero quisiera queria quiere queremos voy vamos va pienso planeo necesito puedo debo deberia
    guardo guarde guardado guardada guardar guardamos pongo puse puesto puesta tener tenerlo tenerla
    conservar conservarlo conservarla quedarme quedarmelo quedarmela quedo quede mantener usar uso use
    consegui conseguido encontre encontrado herede heredado recibi recibido gane ganado pedi pedido
    renove renovado renovada renovar contrate contratado suscribi suscrito suscrita cogi adopte llego
    llegaron traje trajo trajeron estrene acabo acabe mande vendi prestaron presto
    cosa cosas algo todo todos todas otro otra otros otras mucho mucha muchos muchas poco algunas algunos
    tambien ya solo aun todavia muy mas menos super bastante casi aqui alli ahi siempre nunca
    hace ayer hoy anteayer semana mes ano pasado pasada""")
_DE_STOP = _words("""der die das den dem des ein eine einen einem einer eines kein keine mein meine meinen meinem meiner
    meines dein deine sein seine ihr ihre unser unsere unseren unserem euer dieser diese dieses diesen
    diesem jener ich du er sie es wir ihr man mir mich dir uns ihm ihn sich
    und oder aber denn weil dass wenn als wie wo was wer auf an in im ins am um zu zum zur von vom mit
    nach bei beim aus fur fürs furs uber unter vor hinter neben zwischen seit bis ohne gegen
    bin bist ist sind war waren habe hab hat haben hatte hatten wird werde werden wurde wurden will
    willst wollen mochte mochten möchte soll sollen muss mussen kann konnen darf
    gekauft kaufte kaufen kauf gekriegt bekommen bekam geschenkt schenke schenken schenkt verschenke
    verschenken verschenkt verschenkt spende spenden spendet gespendet geben gebe gegeben abgeben weggeben
    behalten behalte aufbewahren aufheben liegt liegen steht stehen hangt hangen gestellt gelegt
    bestellt gefunden geerbt geholt verlangert abgeschlossen abonniert gewonnen geliehen mitgebracht
    besorgt angeschafft ersteigert gebraucht benutzt
    ding dinge sachen sache etwas alles noch schon auch nur sehr mal jetzt hier dort da
    gestern heute vorgestern letzte letzten letztes woche monat jahr""")
_ES_OLD_NEW = _words("viejo vieja viejos viejas antiguo antigua nuevo nueva nuevos nuevas usado usada usados usadas")
_DE_OLD_NEW = _words(
    "alt alte alten alter altes neu neue neuen neuer neues gebrauchte gebrauchten gebrauchter gebrauchtes"
)

_ES_QUESTIONS = [
    (
        r"\bdonde (?:estan|esta|tengo|guarde|puse|deje|he puesto|he guardado|se encuentra|se encuentran|queda|quedo)",
        "where is",
    ),
    (r"\bcuant[oa]s (?:cosas|articulos|objetos)?", "how many things"),
    (
        r"\b(?:que|cuales) (?:cosas )?(?:voy a|quiero|pienso|tengo que|debo) (?:donar|dar a la beneficencia)",
        "what am i donating",
    ),
    (
        r"\b(?:que|cuales) (?:cosas )?(?:voy a|quiero|pienso|tengo que|debo) (?:regalar|dar|regalarle|regalarles)",
        "what am i giving away",
    ),
    (r"\b(?:voy a|quiero|pienso) donar", "am i donating"),
    (r"\b(?:voy a|quiero|pienso) (?:regalar|dar)", "am i giving away"),
    (r"\bpara (?:donar|donacion)", "marked donate"),
    (r"\bpara regalar", "to give away"),
    (r"\b(?:dono|donando)", "donating"),
    (r"\b(?:regalo|regalando)", "giving away"),
    (r"\bque (?:hay|tengo|guardo|esta|estan) (?:en|dentro de|sobre)", "what is in"),
    (r"\bque (?:hay|tengo)", "what is"),
    (r"\bque\b", "what"),
    (r"\btengo\b", "do i have"),
    (r"\b(?:hay|habia)\b", "is there"),
    (
        r"\b(?:del|de la|de los|de las)\b(?= (?:garaje|cocina|salon|sotano|atico|dormitorio|bano|oficina|trastero))",
        "in the",
    ),
]
_DE_QUESTIONS = [
    (
        r"\bwo (?:ist|sind|liegt|liegen|steht|stehen|hangt|hangen|hab|habe|haben|befindet sich|befinden sich|finde)",
        "where is",
    ),
    (r"\bwie ?viele (?:sachen|dinge|gegenstande|teile)?", "how many things"),
    (r"\bwas (?:will|mochte|werde|soll) ich (?:spenden|abgeben)", "what am i donating"),
    (r"\bwas (?:will|mochte|werde|soll) ich (?:verschenken|weggeben|weitergeben|hergeben)", "what am i giving away"),
    (r"\b(?:will|mochte|werde|soll) ich (?:[a-z]+ ){0,3}?spenden", "am i donating"),
    (r"\b(?:will|mochte|werde|soll) ich (?:[a-z]+ ){0,3}?(?:verschenken|weggeben|hergeben)", "am i giving away"),
    (r"\bspende ich", "am i donating"),
    (r"\b(?:was|das|die) ich (?:[a-z]+ ){0,2}?spenden(?: will| mochte| werde| soll)?", "i am donating"),
    (
        r"\b(?:was|das|die) ich (?:[a-z]+ ){0,2}?(?:verschenken|weggeben|hergeben)(?: will| mochte| werde| soll)?",
        "i am giving away",
    ),
    (r"\bverschenke ich", "am i giving away"),
    (r"\bwas (?:ist|sind|liegt|liegen|steht|stehen|habe ich|hab ich|gibt es|befindet sich)", "what is"),
    (r"\bhabe ich\b|\bhab ich\b", "do i have"),
    (r"\bgibt es\b", "is there"),
]

_ES_MARKERS = _words("""
    el la los las un una unos unas mi mis de del que en y con para por es esta estan hay tengo quiero voy
    compre lo le se al donde cuantas cuantos cosas donar regalar regale ayer hace pasado pasada como
    ano anos mes meses semana semanas hoy anteayer""")
_DE_MARKERS = _words("""
    der die das den dem ein eine einen einem einer mein meine meinen meinem meiner ich ist sind und mit
    fur im auf vor seit gestern heute gekauft habe hab mochte spenden verschenken verschenke
    schenke behalten wo wie viele welche sachen dinge habe jahre monaten wochen tagen letzten letzte
    vorgestern bekommen geschenkt liegt steht furs zum zur vom beim""")

TABLES: dict[str, Language] = {
    "es": Language(
        code="es", markers=_ES_MARKERS, numbers=_ES_NUMBERS, units=_ES_UNITS, months=_ES_MONTHS,
        weekdays=_ES_WEEKDAYS, dates=_ES_DATES, goals=_ES_GOALS,
        received=r"\b(?:me|nos)\s+(?:l[oa]s?\s+)?(?:ha\s+|han\s+|habia\s+|habian\s+)?(?:regal\w*|dio|dieron|dado"
        r"|don\w*|prest\w*|hered\w*|trajo|trajeron)\b|\bde regalo\b|\bcomo regalo\b|\bun regalo de\b",
        donate=r"\b(?:don(?:ar|o|are|amos|ado|ada|ados|adas|arlo|arla|arlos|arlas|acion|aciones|emos)"
        r"|beneficencia|caridad|caritas|ong|a la iglesia)\b",
        give=r"\b(?:regal\w*|dar(?:le|les|la|lo|selo|sela)?|dare|doy|di|dejarle|pasarle|pasar(?:selo|sela)?"
        r"|heredar(?:le|les)?|deshacerme|deshacernos)\b",
        stop=_ES_STOP, old_new=_ES_OLD_NEW, links=frozenset({"de", "y", "e"}), for_words=frozenset({"para"}),
        determiners=_words("el la los las lo un una unos unas mi mis tu tus su sus nuestro nuestra este esta "
                              "estos estas ese esa"),
        question_phrases=_ES_QUESTIONS, words=glossary.SPANISH,
    ),
    "de": Language(
        code="de", markers=_DE_MARKERS, numbers=_DE_NUMBERS, units=_DE_UNITS, months=_DE_MONTHS,
        weekdays=_DE_WEEKDAYS, dates=_DE_DATES, goals=_DE_GOALS,
        received=r"\b(?:mir|uns)\b[^,.;!?]*?\b(?:geschenkt|gegeben|geliehen|vererbt|uberlassen|mitgebracht)\b"
        r"|\bgeschenkt (?:bekommen|gekriegt)\b|\bals geschenk\b|\bzum geburtstag\b|\bzu weihnachten\b",
        donate=r"\b(?:spend(?:en|e|est|et|ete|eten)|gespendet|caritas|kleiderkammer|kleiderspende"
        r"|altkleider\w*|wohltätigkeit|wohltatigkeit|tafel|sozialkaufhaus)\b",
        give=r"\b(?:verschenk\w*|schenk(?:e|en|st|t)|weggeben|weiterg\w+|hergeben|abgeben|vererben|vermachen"
        r"|gebe\b[^,.;!?]*\b(?:weg|ab|weiter)|geschenkt)\b",
        stop=_DE_STOP, old_new=_DE_OLD_NEW, links=frozenset({"und"}), for_words=frozenset({"fur", "furs"}),
        determiners=_words("der die das den dem ein eine einen einem einer mein meine meinen meinem meiner "
                              "unser unsere"),
        question_phrases=_DE_QUESTIONS, words=glossary.GERMAN, compounds=True,
    ),
}  # fmt: skip
_PATTERNS = {code: _compile(language) for code, language in TABLES.items()}
_QUESTION_PATTERNS = {
    code: [(re.compile(rf"(?:{pattern})\b"), english) for pattern, english in language.question_phrases]
    for code, language in TABLES.items()
}


LANGUAGE_NAMES = {"en": "English", "es": "Spanish", "de": "German", "fr": "French"}


def active_language_name() -> str:
    """The request's language (Accept-Language, else the person's own), in English words, for a model's prompt."""
    from django.utils.translation import get_language

    return LANGUAGE_NAMES.get((get_language() or "en").split("-")[0], "English")


def classify_foreign_name(name: str) -> str:
    """The item type of a name typed in Spanish or German ("Taladro", "Bohrmaschine"), as Quick Add sends it;
    "Other" when neither glossary knows it."""
    from agent.rules import classify_item_type

    for code in LANGUAGES:
        english = translate_words(" ".join(plain_words(name)), TABLES[code])
        if english != " ".join(plain_words(name)):
            item_type = classify_item_type(english, english)
            if item_type != "Other":
                return item_type
    return "Other"
