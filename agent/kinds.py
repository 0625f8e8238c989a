"""Kinds of things people ask Min Search about: the everyday words ("clothes", "camping gear", "gadgets") and
the item types, and for some the name words, each stands for.

A kind is matched by an item's own type and name, never by its place: "books" is not the board game kept on
the bookcase, and "clothes" not the cables in the clothes closet. Words in front of a kind narrow it by the
item's name or place ("christmas decorations", "garage tools"); a few of them stand for several name
words ("christmas" also finds "Tree Baubles").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from items.models import ItemType, OwnedItem
from items.selectors import with_location_path
from minNow.text import fold, word_starts
from users.models import User


@dataclass(frozen=True)
class Kind:
    """Items of one of `item_types` whose name has a word starting with one of `names` (any name when
    empty) and none starting with one of `unless`. Name words must not start a word of the types' labels,
    which the search text also holds (agent/tests/test_min_search.py checks)."""

    item_types: tuple[str, ...]
    names: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


# fmt: off
APPLIANCE_NAMES = (
    "microwave", "toaster", "oven", "fridge", "refrigerator", "freezer", "kettle", "blender", "mixer", "cooker",
    "fryer", "dishwasher", "washer", "dryer", "heater", "juicer", "espresso", "coffee", "nespresso", "keurig",
    "purifier", "humidifier", "dehumidifier", "conditioner", "dehydrator", "maker", "machine", "hob", "cooktop",
    "stove", "crockpot", "steamer", "processor", "vitamix", "kitchenaid", "thermomix",
)
KITCHEN_NAMES = (
    "kitchen", "pan", "saucepan", "frying", "wok", "skillet", "griddle", "casserole", "pot", "teapot", "kettle",
    "toaster", "microwave", "oven", "blender", "mixer", "cooker", "fryer", "fridge", "freezer", "dishwasher",
    "plate", "bowl", "mug", "cup", "glass", "cutlery", "knife", "knives", "fork", "spoon", "utensil", "tray",
    "dish", "crockery", "cookware", "bakeware", "baking", "cake", "jug", "colander", "sieve", "strainer", "grater",
    "whisk", "spatula", "ladle", "peeler", "chopping", "cutting", "tupperware", "lunchbox", "thermos", "coffee",
    "espresso", "juicer", "dinnerware", "tableware", "tablecloth", "placemat", "napkin", "corkscrew", "spice",
    "chopstick", "roasting", "rolling",
)
CAMPING_NAMES = (
    "camp", "tent", "sleeping", "stove", "backpack", "rucksack", "lantern", "headlamp", "torch", "hammock", "tarp",
    "cooler", "coolbox", "compass", "bivvy", "hiking", "trekking", "canteen", "mattress", "airbed",
)
SHOE_NAMES = (
    "shoe", "trainer", "sneaker", "boot", "sandal", "heel", "slipper", "loafer", "wellington", "welly", "wellies",
    "clog", "flip", "moccasin", "espadrille", "pump", "brogue", "oxford",
)
JEWELLERY_NAMES = (
    "jewel", "ring", "necklace", "bracelet", "bangle", "earring", "pendant", "brooch", "cufflink", "watch", "locket",
    "anklet", "chain",
)
MOVIE_NAMES = ("dvd", "blu", "bluray", "film", "movie", "video")
MUSIC_NAMES = ("cd", "vinyl", "record", "album", "cassette", "music", "lp")

CLOTHING = Kind((ItemType.CLOTHING_ACCESSORIES,))
SHOES = Kind((ItemType.CLOTHING_ACCESSORIES,), names=SHOE_NAMES)
JEWELLERY = Kind((ItemType.CLOTHING_ACCESSORIES,), names=JEWELLERY_NAMES)
PERSONAL_CARE = Kind((ItemType.PERSONAL_CARE_ITEMS,))
CLEANING = Kind((ItemType.CLEANING_SUPPLIES,))
FURNITURE = Kind((ItemType.FURNITURE_APPLIANCES,), unless=APPLIANCE_NAMES)
APPLIANCES = Kind((ItemType.FURNITURE_APPLIANCES,), names=APPLIANCE_NAMES)
KITCHEN = Kind(
    (ItemType.FURNITURE_APPLIANCES, ItemType.MISCELLANEOUS, ItemType.OTHER), names=KITCHEN_NAMES
)
DECOR = Kind((ItemType.DECOR_ART,))
SUBSCRIPTIONS = Kind((ItemType.SUBSCRIPTIONS_LICENSES,))
TECHNOLOGY = Kind((ItemType.TECHNOLOGY,))
VEHICLES = Kind((ItemType.VEHICLES,))
TOOLS = Kind((ItemType.TOOLS_EQUIPMENT,))
OUTDOOR = Kind((ItemType.OUTDOOR_GEAR,))
CAMPING = Kind((ItemType.OUTDOOR_GEAR,), names=CAMPING_NAMES)
FITNESS = Kind((ItemType.FITNESS_EQUIPMENT,))
TOYS = Kind((ItemType.TOYS_GAMES,))
PETS = Kind((ItemType.PET_SUPPLIES,))
BOOKS = Kind((ItemType.BOOKS_MEDIA,), unless=MOVIE_NAMES + MUSIC_NAMES)
MEDIA = Kind((ItemType.BOOKS_MEDIA,))
MOVIES = Kind((ItemType.BOOKS_MEDIA,), names=MOVIE_NAMES)
MUSIC = Kind((ItemType.BOOKS_MEDIA,), names=MUSIC_NAMES)
MISCELLANEOUS = Kind((ItemType.MISCELLANEOUS,))

# Words that name a kind only in front of a word like "stuff": "camping gear", but "camping stove" is a thing.
STUFF_WORDS = ("stuff", "things", "items", "gear", "equipment", "kit", "supplies", "products")
STUFF_KINDS: dict[str, Kind] = {
    "camping": CAMPING, "camp": CAMPING, "kitchen": KITCHEN, "outdoor": OUTDOOR, "outdoors": OUTDOOR,
    "gym": FITNESS, "exercise": FITNESS, "workout": FITNESS, "sport": FITNESS, "sports": FITNESS,
    "sporting": FITNESS, "fitness": FITNESS, "pet": PETS, "cleaning": CLEANING, "personal care": PERSONAL_CARE,
    "grooming": PERSONAL_CARE, "beauty": PERSONAL_CARE, "diy": TOOLS, "electronic": TECHNOLOGY,
}
# Words and phrases that name a kind on their own (singular or plural); the longest phrase wins.
KIND_WORDS: dict[str, Kind] = {
    "clothes": CLOTHING, "clothing": CLOTHING, "outfits": CLOTHING, "garments": CLOTHING, "apparel": CLOTHING,
    "attire": CLOTHING, "accessories": CLOTHING, "shoes": SHOES, "footwear": SHOES, "jewellery": JEWELLERY,
    "jewelry": JEWELLERY, "jewels": JEWELLERY,
    "personal care": PERSONAL_CARE, "toiletries": PERSONAL_CARE, "toiletry": PERSONAL_CARE,
    "hygiene": PERSONAL_CARE, "cosmetics": PERSONAL_CARE, "makeup": PERSONAL_CARE, "skincare": PERSONAL_CARE,
    "cleaning": CLEANING,
    "furniture": FURNITURE, "furnishings": FURNITURE, "appliances": APPLIANCES,
    "kitchen appliances": APPLIANCES, "home appliances": APPLIANCES, "household appliances": APPLIANCES,
    "kitchenware": KITCHEN, "cookware": KITCHEN, "crockery": KITCHEN, "utensils": KITCHEN, "dishes": KITCHEN,
    "pots and pans": KITCHEN,
    "decorations": DECOR, "decoration": DECOR, "decor": DECOR, "ornaments": DECOR, "art": DECOR,
    "artwork": DECOR, "artworks": DECOR,
    "subscriptions": SUBSCRIPTIONS, "licenses": SUBSCRIPTIONS, "licences": SUBSCRIPTIONS,
    "memberships": SUBSCRIPTIONS,
    "technology": TECHNOLOGY, "tech": TECHNOLOGY, "electronics": TECHNOLOGY, "gadgets": TECHNOLOGY,
    "devices": TECHNOLOGY,
    "vehicles": VEHICLES,
    "tools": TOOLS, "equipment": TOOLS,
    "fitness": FITNESS, "sports": FITNESS,
    "toys": TOYS, "games": TOYS, "playthings": TOYS,
    "pets": PETS,
    "books": BOOKS, "media": MEDIA, "movies": MOVIES, "films": MOVIES, "dvds": MOVIES, "music": MUSIC,
    "records": MUSIC, "cds": MUSIC,
    "miscellaneous": MISCELLANEOUS, "misc": MISCELLANEOUS,
}
# Words in front of a kind that stand for several name words: "christmas decorations" are also the baubles.
NAME_WORDS: dict[str, tuple[str, ...]] = {
    "christmas": ("christmas", "xmas", "advent", "bauble", "tinsel", "nativity", "santa", "festive", "ornament"),
    "xmas": ("christmas", "xmas", "advent", "bauble", "tinsel", "nativity", "santa", "festive", "ornament"),
    "halloween": ("halloween", "pumpkin", "spooky", "skeleton", "witch"),
    "seasonal": ("christmas", "xmas", "advent", "bauble", "tinsel", "halloween", "easter", "festive", "seasonal"),
    "holiday": ("christmas", "xmas", "advent", "bauble", "tinsel", "halloween", "easter", "festive", "holiday"),
}
JOINING_WORDS = {"and", "or", "plus", "n"}
# Words a kind leaves out of the name words: "pairs of shoes", "pieces of furniture", "camping kit".
EMPTY_WORDS = {"stuff", "thing", "item", "gear", "kit", "supply", "product", "pair", "piece", "type", "kind"}
# fmt: on


def stem(word: str) -> str:
    """A shorter prefix for plurals, so "books" also finds "Book" and "supplies" "Supply"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3]
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def _phrases() -> dict[tuple[str, ...], Kind]:
    phrases = {tuple(stem(word) for word in fold(phrase).split()): kind for phrase, kind in KIND_WORDS.items()}
    for phrase, kind in STUFF_KINDS.items():
        for stuff in STUFF_WORDS:
            phrases[tuple(stem(word) for word in f"{phrase} {stuff}".split())] = kind
    return phrases


PHRASES = _phrases()
LONGEST = max(len(phrase) for phrase in PHRASES)
NAME_STEMS = {stem(word): alternatives for word, alternatives in NAME_WORDS.items()}


@dataclass
class KindReading:
    """The kinds a question names and the words in front of them that narrow them (stemmed)."""

    kinds: list[Kind]
    narrowing: list[str]


def read_kinds(tokens: list[str], ignored: Iterable[str] = ()) -> KindReading | None:
    """The kinds that folded `tokens` name, when the question is about a kind: its last content word (not
    one of `ignored`, such as stop words, or a word like "stuff") belongs to a kind, as in "how many pairs
    of shoes" or "christmas decorations"; not in "game console", which is a thing. Kinds joined by "and" or
    "or" are each asked for ("toys and games"); a kind right in front of another narrows it ("sports shoes")."""
    ignored = set(ignored)
    stems = [stem(token) for token in tokens]
    spans: list[tuple[int, int, Kind]] = []
    index = 0
    while index < len(tokens):
        for size in range(min(LONGEST, len(tokens) - index), 0, -1):
            kind = PHRASES.get(tuple(stems[index : index + size]))
            if kind is not None:
                spans.append((index, index + size, kind))
                index += size
                break
        else:
            index += 1
    named = [
        span
        for position, span in enumerate(spans)
        if position == len(spans) - 1 or JOINING_WORDS & set(tokens[span[1] : spans[position + 1][0]])
    ]
    in_kind = {position for start, end, _ in named for position in range(start, end)}
    content = [
        position
        for position, token in enumerate(tokens)
        if position in in_kind or (token not in ignored and stems[position] not in EMPTY_WORDS)
    ]
    if not content or content[-1] not in in_kind:
        return None
    narrowing = [stems[position] for position in content if position not in in_kind]
    return KindReading(list(dict.fromkeys(kind for _, _, kind in named)), list(dict.fromkeys(narrowing)))


def kind_condition(reading: KindReading) -> Q:
    """Items of any of the reading's kinds (by their own type and name) that match each narrowing word in
    their own name or type or in their place's path."""
    either = Q()
    for kind in reading.kinds:
        condition = Q(item_type__in=kind.item_types)
        if kind.names:
            condition &= word_starts(kind.names, "search_text")
        if kind.unless:
            condition &= ~word_starts(kind.unless, "search_text")
        either |= condition
    for word in reading.narrowing:
        either &= word_starts(NAME_STEMS.get(word, (word,)), "full_search_text")
    return either


def items_of_kind(user: User, reading: KindReading) -> QuerySet[OwnedItem]:
    """The caller's items of the reading's kinds (`kind_condition`), with their `location_path`, by name."""
    items = OwnedItem.objects.filter(user=user).filter(kind_condition(reading))
    return with_location_path(items).order_by("name", "id")
